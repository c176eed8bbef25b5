"""Planned occurrences: the outage row of each occurrence of a planned window and its way
through the planned half of the state machine (scheduled → announced → in_progress →
completed, or cancelled). ``statuspage.planned`` and the ``plannedevents`` worker own the
window, its occurrences and their events, and call these actions for the outage.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from reservrutin.accounts.models import Organisation, User
from reservrutin.lib import clock
from reservrutin.outages import states
from reservrutin.outages.actions.common import OutageError, _lock
from reservrutin.outages.actions.timeline import write_entry_in_txn
from reservrutin.outages.models import Outage, TimelineEntry
from reservrutin.registry.models import System

Status = Outage.Status


def schedule_planned_outage(
    organisation: Organisation,
    *,
    systems: Sequence[System],
    title: str,
    description: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    by: User | None,
    at: dt.datetime,
    text: str,
    **data: Any,
) -> Outage:
    """The outage of one planned occurrence, ``scheduled``, with ``text`` as its first
    timeline entry. It is not current (not under "Pågående", no report joins it) until
    :func:`start_planned_outage`."""
    with transaction.atomic():
        outage = Outage.objects.create(
            organisation=organisation,
            kind=Outage.Kind.PLANNED,
            status=states.INITIAL[Outage.Kind.PLANNED],
            title=title,
            description=description,
            started_at=starts_at,
            planned_end_at=ends_at,
            created_at=at,
            created_by=by if by is not None and by.is_authenticated else None,
        )
        outage.systems.set(systems)
        write_entry_in_txn(outage, TimelineEntry.Kind.STATUS, text, at=at, by=by, **data)
    return outage


def announce_planned_outage(outage: Outage, *, at: dt.datetime | None = None) -> bool:
    """Subscribers were told of the occurrence (the announcement, or a reminder):
    ``scheduled`` → ``announced``. Whether the status changed (later reminders don't)."""
    at = at or clock.now()
    with transaction.atomic():
        outage = _lock(outage)
        if outage.status != Status.SCHEDULED:
            return False
        states.transition_in_txn(
            outage,
            Status.ANNOUNCED,
            at=at,
            by=None,
            text=_("Det planerade avbrottet har aviserats."),
        )
    return True


def start_planned_outage(outage: Outage, *, at: dt.datetime | None = None) -> bool:
    """The window has begun: ``in_progress`` (now it is current: listed under "Pågående",
    and reports about its systems join it). False if it was cancelled or already started."""
    at = at or clock.now()
    with transaction.atomic():
        outage = _lock(outage)
        if not states.allowed(outage, Status.IN_PROGRESS):
            return False
        outage.confirmed_at = outage.started_at
        states.transition_in_txn(
            outage,
            Status.IN_PROGRESS,
            at=at,
            by=None,
            text=_("Det planerade avbrottet har börjat."),
            update_fields=("confirmed_at",),
        )
    return True


def complete_planned_outage(
    outage: Outage, *, ended_at: dt.datetime, at: dt.datetime | None = None
) -> bool:
    """The window is over: ``completed`` at ``ended_at``, pending timers stop. False if it
    was cancelled or already completed (a coordinator may end it early with
    ``resolve_outage``)."""
    at = at or clock.now()
    with transaction.atomic():
        outage = _lock(outage)
        if outage.status in states.UPCOMING:
            start_planned_outage(outage, at=at)
            outage.refresh_from_db()
        if not states.allowed(outage, Status.COMPLETED):
            return False
        outage.resolved_at = max(ended_at, outage.started_at)
        outage.timers.pending().update(
            skipped_at=at,
            skip_reason="Det planerade avbrottet är slut",
            claim_token=None,
            claimed_until=None,
        )
        states.transition_in_txn(
            outage,
            Status.COMPLETED,
            at=at,
            by=None,
            text=_("Det planerade avbrottet är slut."),
            update_fields=("resolved_at",),
        )
    return True


def cancel_planned_outage(outage: Outage, *, by: User | None, reason: str) -> Outage:
    """The occurrence will not happen: ``cancelled`` (only before it started). The
    ``plannedevents`` worker then leaves its start, end and reminders alone."""
    reason = reason.strip()
    if not reason:
        raise OutageError(_("Skriv varför avbrottet ställs in."), field="reason")
    now = clock.now()
    with transaction.atomic():
        outage = _lock(outage)
        if not states.allowed(outage, Status.CANCELLED):
            raise OutageError(_("Bara ett planerat avbrott som inte har börjat kan ställas in."))
        outage.timers.pending().update(
            skipped_at=now, skip_reason="Inställt", claim_token=None, claimed_until=None
        )
        states.transition_in_txn(
            outage,
            Status.CANCELLED,
            at=now,
            by=by,
            text=_("Det planerade avbrottet ställdes in: %(reason)s") % {"reason": reason},
            reason=reason,
        )
    return outage
