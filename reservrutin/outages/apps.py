from __future__ import annotations

from django.apps import AppConfig


class OutagesConfig(AppConfig):
    name = "reservrutin.outages"
    label = "outages"

    def ready(self) -> None:
        # The home page (accounts, below us) asks for "what is down for me now".
        from reservrutin.accounts.hooks import home_sections
        from reservrutin.outages.home import sections

        home_sections.register(sections)
