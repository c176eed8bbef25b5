"""The outage timeline: the ONE place that creates ``TimelineEntry`` rows
(``write_entry_in_txn``), plus notes and corrections. Every other app and module that puts
something on an outage's timeline calls an action that calls this writer;
``tests/test_single_writer.py`` fails the build on any other ``TimelineEntry`` construction.

Append-only: a correction is a new entry pointing at the original."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection, transaction

from reservrutin.accounts.models import User
from reservrutin.lib import clock
from reservrutin.outages.actions.common import OutageError
from reservrutin.outages.models import (
    Outage,
    TimelineEntry,
)


def write_entry_in_txn(
    outage: Outage,
    kind: str,
    text: str,
    *,
    at: dt.datetime,
    by: User | None = None,
    corrects: TimelineEntry | None = None,
    **data: Any,
) -> TimelineEntry:
    """Append one entry to ``outage``'s timeline, inside the caller's transaction (the entry
    belongs with the change it records: both are kept or neither)."""
    assert connection.in_atomic_block, "write_entry_in_txn needs the caller's transaction"
    return TimelineEntry.objects.create(
        outage=outage,
        kind=kind,
        text=text,
        data=data,
        actor=by if by is not None and by.is_authenticated else None,
        created_at=at,
        corrects=corrects,
    )


def record_on_timeline(
    outage: Outage,
    *,
    kind: str,
    text: str,
    by: User | None,
    at: dt.datetime | None = None,
    **data: Any,
) -> TimelineEntry:
    """Put what another app did for ``outage`` on its timeline (a notice published or
    ended, a planned window's short notice, an exercise started): one entry, in the
    caller's transaction if there is one, else in its own."""
    with transaction.atomic():
        return write_entry_in_txn(outage, kind, text, at=at or clock.now(), by=by, **data)


def add_note(outage: Outage, *, text: str, by: User | None) -> TimelineEntry:
    text = text.strip()
    if not text:
        raise OutageError("Skriv en anteckning.", field="text")
    with transaction.atomic():
        return write_entry_in_txn(outage, TimelineEntry.Kind.NOTE, text, at=clock.now(), by=by)


def correct_entry(entry: TimelineEntry, *, text: str, by: User | None) -> TimelineEntry:
    """A correction is a new entry pointing at the original, which stays (append-only)."""
    text = text.strip()
    if not text:
        raise OutageError("Skriv vad som är rätt.", field="text")
    with transaction.atomic():
        return write_entry_in_txn(
            entry.outage,
            TimelineEntry.Kind.CORRECTION,
            text,
            at=clock.now(),
            by=by,
            corrects=entry,
        )
