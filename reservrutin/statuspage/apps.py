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

        # Answer what lower apps ask through their hooks (lib/hooks.py): outages sits below
        # statuspage, so an outage's notices follow it through these, never by import.
        from reservrutin.outages import hooks
        from reservrutin.statuspage import hooks as page

        hooks.publish_notice.register(page.publish)
        hooks.has_current_notice.register(page.has_current)
        hooks.end_outage_notices.register(page.end_for_outage)
