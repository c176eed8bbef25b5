"""The one place the application reads the time.

Everything that decides "is this due?" calls :func:`now`, so tests move time with
``time_machine`` and exercises can run on compressed time without touching the callers.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def now() -> dt.datetime:
    """The current instant, aware and in UTC."""
    return timezone.now()


def local(instant: dt.datetime) -> dt.datetime:
    """``instant`` as wall-clock time in Sweden, where every routine is written."""
    return instant.astimezone(STOCKHOLM)


def at_local(day: dt.date, time: dt.time) -> dt.datetime:
    """The aware instant for a Swedish wall-clock time on ``day``."""
    return dt.datetime.combine(day, time, tzinfo=STOCKHOLM)
