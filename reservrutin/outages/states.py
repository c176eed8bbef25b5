"""The outage state machine: which status may follow which, as data, and the one guard every
action in ``outages.actions`` passes through to change an outage's status.

Unplanned outages (and exercises: the same machine, ``Outage.is_exercise`` set) run::

    reported → confirmed → backup_active → resolved | back_registration → closed

Planned occurrences (``Outage.kind == planned``) run::

    scheduled → announced → in_progress → completed
        └──────────┴──────→ cancelled

docs/outages.md draws both. Nothing else assigns ``Outage.status``: ``tests/test_single_writer.py``
fails the build on any other assignment or ``update(status=…)``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection

from reservrutin.accounts.models import User
from reservrutin.outages.models import Outage, TimelineEntry

Status = Outage.Status
Kind = Outage.Kind

#: For each kind of outage, the statuses that may follow each status.
TRANSITIONS: dict[str, dict[str, frozenset[str]]] = {
    Kind.UNPLANNED: {
        Status.REPORTED: frozenset(
            {Status.CONFIRMED, Status.BACKUP_ACTIVE, Status.RESOLVED, Status.BACK_REGISTRATION}
        ),
        Status.CONFIRMED: frozenset(
            {Status.BACKUP_ACTIVE, Status.RESOLVED, Status.BACK_REGISTRATION}
        ),
        Status.BACKUP_ACTIVE: frozenset({Status.RESOLVED, Status.BACK_REGISTRATION}),
        Status.RESOLVED: frozenset({Status.CLOSED}),
        Status.BACK_REGISTRATION: frozenset({Status.CLOSED}),
        Status.CLOSED: frozenset(),
    },
    Kind.PLANNED: {
        Status.SCHEDULED: frozenset({Status.ANNOUNCED, Status.IN_PROGRESS, Status.CANCELLED}),
        Status.ANNOUNCED: frozenset({Status.IN_PROGRESS, Status.CANCELLED}),
        # A backup routine may be put in force during a planned window that overruns.
        Status.IN_PROGRESS: frozenset({Status.BACKUP_ACTIVE, Status.COMPLETED}),
        Status.COMPLETED: frozenset(),
        Status.CANCELLED: frozenset(),
    },
}
# A planned window whose backup routine is active ends the planned way.
TRANSITIONS[Kind.PLANNED][Status.BACKUP_ACTIVE] = frozenset({Status.COMPLETED})

#: Where each kind starts.
INITIAL: dict[str, str] = {Kind.UNPLANNED: Status.REPORTED, Kind.PLANNED: Status.SCHEDULED}

#: Statuses of an outage that is happening now: what "Pågående" lists, what staff act on
#: and what a new report may join. A planned occurrence is current only once it started.
#: (Kept on the model so its QuerySet can filter without importing this module.)
CURRENT = Outage.CURRENT
#: Planned occurrences that have not started: listed under "Planerade".
UPCOMING = Outage.UPCOMING
#: Over: the system works again (or the window never happened).
ENDED = frozenset(Status.values) - CURRENT - UPCOMING

#: The instant column each status sets when it is entered (if still empty).
STAMPS: dict[str, str] = {
    Status.CONFIRMED: "confirmed_at",
    Status.BACKUP_ACTIVE: "confirmed_at",
    Status.IN_PROGRESS: "confirmed_at",
    Status.CLOSED: "closed_at",
}


class TransitionError(Exception):
    """``outage`` may not move from its status to ``to`` (a programming error in an action,
    or a person racing another: actions catch it and raise ``OutageError`` with words)."""

    def __init__(self, outage: Outage, to: str) -> None:
        super().__init__(f"{outage.kind} outage {outage.pk}: {outage.status} → {to} not allowed")
        self.outage = outage
        self.to = to


def allowed(outage: Outage, to: str) -> bool:
    return to in TRANSITIONS[outage.kind].get(outage.status, frozenset())


def transition_in_txn(
    outage: Outage,
    to: str,
    *,
    at: dt.datetime,
    by: User | None,
    text: str,
    update_fields: tuple[str, ...] = (),
    kind: str = TimelineEntry.Kind.STATUS,
    **data: Any,
) -> TimelineEntry:
    """Move the (locked) ``outage`` to status ``to`` and write its timeline entry (``kind``,
    STATUS unless the action says otherwise).

    Runs inside the caller's transaction, which must hold the outage row (``_lock``).
    Sets the status's instant column (``STAMPS``) if still empty, saves ``status`` plus the
    caller's ``update_fields``, and returns the entry. Raises :class:`TransitionError` when
    the machine does not allow the move.
    """
    from reservrutin.outages.actions.timeline import write_entry_in_txn

    assert connection.in_atomic_block, "transition_in_txn needs the caller's transaction"
    if not allowed(outage, to):
        raise TransitionError(outage, to)
    previous = outage.status
    outage.status = to
    fields = {"status", *update_fields}
    stamp = STAMPS.get(to)
    if stamp and getattr(outage, stamp) is None:
        setattr(outage, stamp, at)
        fields.add(stamp)
    outage.save(update_fields=sorted(fields))
    return write_entry_in_txn(
        outage,
        kind,
        text,
        at=at,
        by=by,
        status=to,
        previous_status=previous,
        **data,
    )
