"""The Swedish calendar of public holidays and working days.

Built from the statutes rather than the ``holidays`` package, whose Swedish calendar counts
every Sunday and the three eves as holidays by default (see docs/duty.md):

* Lag (1989:253) om allmänna helgdagar lists the *allmänna helgdagar*.
* Lag (1930:173) om beräkning av lagstadgad tid 2 § treats Saturdays, midsommarafton,
  julafton and nyårsafton like holidays for deadlines, so they are not working days either.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from dateutil.easter import easter

#: The three eves that lag 1930:173 treats like holidays although they are not allmänna helgdagar.
EVES = ("Midsommarafton", "Julafton", "Nyårsafton")


def _saturday_between(year: int, month: int, first: int, last_month: int, last: int) -> dt.date:
    day = dt.date(year, month, first)
    end = dt.date(year, last_month, last)
    while day <= end:
        if day.weekday() == 5:
            return day
        day += dt.timedelta(days=1)
    raise AssertionError("no Saturday in a seven-day window")  # pragma: no cover


@lru_cache(maxsize=256)
def public_holidays(year: int) -> dict[dt.date, str]:
    """The allmänna helgdagar of ``year`` other than ordinary Sundays (lag 1989:253)."""
    easter_day = easter(year)
    days = {
        dt.date(year, 1, 1): "Nyårsdagen",
        dt.date(year, 1, 6): "Trettondedag jul",
        easter_day - dt.timedelta(days=2): "Långfredagen",
        easter_day: "Påskdagen",
        easter_day + dt.timedelta(days=1): "Annandag påsk",
        dt.date(year, 5, 1): "Första maj",
        easter_day + dt.timedelta(days=39): "Kristi himmelsfärdsdag",
        easter_day + dt.timedelta(days=49): "Pingstdagen",
        _saturday_between(year, 6, 20, 6, 26): "Midsommardagen",
        _saturday_between(year, 10, 31, 11, 6): "Alla helgons dag",
        dt.date(year, 12, 25): "Juldagen",
        dt.date(year, 12, 26): "Annandag jul",
    }
    if year >= 2005:
        days[dt.date(year, 6, 6)] = "Sveriges nationaldag"
    else:
        days[easter_day + dt.timedelta(days=50)] = "Annandag pingst"
    return days


@lru_cache(maxsize=256)
def eves(year: int) -> dict[dt.date, str]:
    """Midsommarafton, julafton and nyårsafton of ``year``."""
    midsummer_day = _saturday_between(year, 6, 20, 6, 26)
    return {
        midsummer_day - dt.timedelta(days=1): "Midsommarafton",
        dt.date(year, 12, 24): "Julafton",
        dt.date(year, 12, 31): "Nyårsafton",
    }


def holiday_name(day: dt.date) -> str | None:
    """The name of the public holiday or eve on ``day``, or None on an ordinary day."""
    return public_holidays(day.year).get(day) or eves(day.year).get(day)


def is_public_holiday(day: dt.date) -> bool:
    """True on Sundays and the allmänna helgdagar of lag 1989:253."""
    return day.weekday() == 6 or day in public_holidays(day.year)


def is_workday(day: dt.date) -> bool:
    """A *vardag* in the sense of lag 1930:173: Monday–Friday, not a holiday and not an eve."""
    return day.weekday() < 5 and day not in public_holidays(day.year) and day not in eves(day.year)


def next_workday(day: dt.date) -> dt.date:
    """The first working day strictly after ``day``."""
    day += dt.timedelta(days=1)
    while not is_workday(day):
        day += dt.timedelta(days=1)
    return day
