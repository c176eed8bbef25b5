"""The public page as ``outages`` sees it: registered with the hooks in ``outages.hooks``
in ``StatuspageConfig.ready``. Outages call them as an outage is confirmed, resolved or
closed, and never import this app (docs/architecture.md, "Layers")."""

from __future__ import annotations

import datetime as dt

from reservrutin.accounts.models import User
from reservrutin.outages.hooks import RoutineNotice
from reservrutin.outages.models import Outage
from reservrutin.statuspage import actions
from reservrutin.statuspage.models import Notice


def publish(outage: Outage, notice: RoutineNotice) -> None:
    """``outages.hooks.publish_notice``: publish through ``statuspage.actions``."""
    actions.publish_routine_notice(outage, notice)


def has_current(outage: Outage) -> bool:
    """``outages.hooks.has_current_notice``: a published notice about ``outage``."""
    return Notice.objects.filter(outage=outage, status=Notice.Status.PUBLISHED).exists()


def end_for_outage(outage: Outage, *, at: dt.datetime, by: User | None) -> int:
    """``outages.hooks.end_outage_notices``: end the outage's notices (final update)."""
    return actions.end_outage_notices(outage, at=at, by=by)
