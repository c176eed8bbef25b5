from __future__ import annotations

from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "reservrutin.records"
    label = "records"

    def ready(self) -> None:
        # The home page (accounts, below us) asks for my back-registration queue.
        from reservrutin.accounts.hooks import home_sections
        from reservrutin.records.home import sections

        home_sections.register(sections)
