"""Helpers for registry tests: instants in Swedish local time on known days."""

from __future__ import annotations

import datetime as dt

from reservrutin.lib import clock

# 2026-11-18 is an ordinary Wednesday; 2026-11-21 a Saturday; 2026-06-19 midsummer eve;
# 2026-12-25 Christmas Day (a Friday).
WEDNESDAY = dt.date(2026, 11, 18)
SATURDAY = dt.date(2026, 11, 21)
MIDSUMMER_EVE = dt.date(2026, 6, 19)
CHRISTMAS_DAY = dt.date(2026, 12, 25)


def at(day: dt.date, hh: int, mm: int = 0) -> dt.datetime:
    return clock.at_local(day, dt.time(hh, mm))
