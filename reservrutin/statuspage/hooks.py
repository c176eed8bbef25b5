"""The public page as ``outages`` sees it (``outages.hooks.PublicPage``), registered in
``StatuspageConfig.ready``: outages call it as an outage is confirmed, resolved or closed,
and never import this app (docs/architecture.md, "Hooks")."""

from __future__ import annotations

import datetime as dt

from reservrutin.accounts.models import User
from reservrutin.outages.hooks import RoutineNotice
from reservrutin.outages.models import Outage
from reservrutin.statuspage import actions
from reservrutin.statuspage.models import Notice


class StatusPage:
    """Publishes and ends an outage's notices through ``statuspage.actions``."""

    def publish(self, outage: Outage, notice: RoutineNotice) -> None:
        actions.publish_routine_notice(outage, notice)

    def has_current(self, outage: Outage) -> bool:
        return Notice.objects.filter(outage=outage, status=Notice.Status.PUBLISHED).exists()

    def end_for_outage(self, outage: Outage, *, at: dt.datetime, by: User | None) -> int:
        return actions.end_outage_notices(outage, at=at, by=by)
