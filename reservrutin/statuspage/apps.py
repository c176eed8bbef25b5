from __future__ import annotations

from django.apps import AppConfig


class StatuspageConfig(AppConfig):
    name = "reservrutin.statuspage"
    label = "statuspage"

    def ready(self) -> None:
        # ``/`` lives in accounts, below us: it asks through its hook (lib/hooks.py).
        from reservrutin.accounts.hooks import front_door
        from reservrutin.statuspage.index_views import front_door as overview_front_door

        front_door.register(overview_front_door)
