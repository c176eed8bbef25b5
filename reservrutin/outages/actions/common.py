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


def _due_at(due: str | None, at: dt.datetime, *, time_factor: float = 1.0) -> dt.datetime | None:
    """The deadline of a routine ``due`` word counted from ``at``; an exercise
    (``time_factor`` > 1) reaches it that many times sooner, like every other clock."""
    if due == "immediately":
        return at
    local = clock.local(at)
    if due == "same_day":
        deadline = clock.at_local(local.date(), dt.time(23, 59))
    elif due == "next_day":
        deadline = clock.at_local(local.date() + dt.timedelta(days=1), dt.time(23, 59))
    else:
        return None
    return at + (deadline - at) / time_factor


def routine_time(outage: Outage, delta: dt.timedelta) -> dt.timedelta:
    """Real time ``delta`` as routine time: an exercise at ``time_factor`` 60 lives an hour
    of the routine in a minute (TES-10's 10 hours pass in 10 minutes)."""
    return delta * outage.time_factor


def real_time(outage: Outage, delta: dt.timedelta) -> dt.timedelta:
    """Routine time ``delta`` (a timer's ``after``, an acknowledge timeout) as real time."""
    return delta / outage.time_factor
