"""The outage timeline: the one writer of ``TimelineEntry`` rows, notes and corrections.
Append-only: a correction is a new entry pointing at the original."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from reservrutin.accounts.models import User
from reservrutin.lib import clock
from reservrutin.outages.actions.common import OutageError
from reservrutin.outages.models import (
    Outage,
    TimelineEntry,
)


def _entry(
    outage: Outage,
    kind: str,
    text: str,
    *,
    at: dt.datetime,
    by: User | None = None,
    **data: Any,
) -> TimelineEntry:
    return TimelineEntry.objects.create(
        outage=outage,
        kind=kind,
        text=text,
        data=data,
        actor=by if by is not None and by.is_authenticated else None,
        created_at=at,
    )


def add_note(outage: Outage, *, text: str, by: User | None) -> TimelineEntry:
    text = text.strip()
    if not text:
        raise OutageError("Skriv en anteckning.", field="text")
    with transaction.atomic():
        return _entry(outage, TimelineEntry.Kind.NOTE, text, at=clock.now(), by=by)


def correct_entry(entry: TimelineEntry, *, text: str, by: User | None) -> TimelineEntry:
    """A correction is a new entry pointing at the original, which stays (append-only)."""
    text = text.strip()
    if not text:
        raise OutageError("Skriv vad som är rätt.", field="text")
    with transaction.atomic():
        return TimelineEntry.objects.create(
            outage=entry.outage,
            kind=TimelineEntry.Kind.CORRECTION,
            text=text,
            corrects=entry,
            actor=by if by is not None and by.is_authenticated else None,
            created_at=clock.now(),
        )
