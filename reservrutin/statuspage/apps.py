from __future__ import annotations

from django.apps import AppConfig


class StatuspageConfig(AppConfig):
    name = "reservrutin.statuspage"
    label = "statuspage"

    def ready(self) -> None:
        # outages sits below statuspage: it calls the public page through this hook.
        from reservrutin.outages import hooks
        from reservrutin.statuspage.hooks import StatusPage

        hooks.register_public_page(StatusPage())
