"""What every outage action shares: the error a person sees, time formatting, the row lock,
the routine document an outage runs."""

from __future__ import annotations

import datetime as dt
import logging

from reservrutin.lib import clock
from reservrutin.outages.models import (
    Outage,
)
from reservrutin.registry.models import System
from reservrutin.routines import schema
from reservrutin.routines.models import RoutineVersion

log = logging.getLogger(__name__)


class OutageError(Exception):
    """A change that cannot be made, with a message for the person who asked (Swedish)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _fmt(instant: dt.datetime | None) -> str:
    return clock.local(instant).strftime("%Y-%m-%d %H:%M") if instant else "–"


def _lock(outage: Outage) -> Outage:
    """The outage row, locked for the rest of the transaction (PostgreSQL; on SQLite the
    transaction's write lock serialises instead)."""
    return Outage.objects.select_for_update().select_related("organisation").get(pk=outage.pk)


def _first_system(outage: Outage) -> System | None:
    return outage.systems.order_by("name").first()


def _document(outage: Outage) -> schema.Routine | None:
    if outage.routine_version_id is None:
        return None
    return RoutineVersion.document_by_id(outage.routine_version_id)


def _due_at(due: str | None, at: dt.datetime) -> dt.datetime | None:
    if due == "immediately":
        return at
    local = clock.local(at)
    if due == "same_day":
        return clock.at_local(local.date(), dt.time(23, 59))
    if due == "next_day":
        return clock.at_local(local.date() + dt.timedelta(days=1), dt.time(23, 59))
    return None
