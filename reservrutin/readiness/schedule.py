"""When a preparedness item is due again: the recurrence rules, on the Swedish calendar.

A deadline is the end of the Swedish day on which the work must be done (23:59 local), so
"due Thursday" means "done some time on Thursday" whatever the time of the tick.
"""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta

from reservrutin.lib import clock
from reservrutin.lib.holidays import is_workday

#: The wall-clock time on the due day by which an item must be done.
DUE_BY = dt.time(23, 59)

#: Recurrences with no schedule: the item stays current until something makes it due
#: (a change at the unit, or a new version of the routine coming into force, SOD-14).
UNSCHEDULED = frozenset({"on_change", "on_new_routine_version"})


def is_last_workday_before_days_off(day: dt.date) -> bool:
    """``day`` is a working day and the next day is not (a weekend, a holiday or an eve)."""
    return is_workday(day) and not is_workday(day + dt.timedelta(days=1))


def next_due_day(recurrence: str, after: dt.date) -> dt.date | None:
    """The next day strictly after ``after`` on which an item with ``recurrence`` must be done.

    SOD-17: "tomorrow's staff schedule printed every day, and all days before weekends and
    holidays". ``before_weekends_and_holidays`` falls on the last working day before any run
    of non-working days (lib/holidays: Saturdays, Sundays, allmänna helgdagar and the eves),
    so the schedule for the whole run is printed while the planners are still at work:
    the Friday before a weekend, the Thursday before midsummer eve, the day before
    julafton.
    """
    if recurrence == "daily":
        return after + dt.timedelta(days=1)
    if recurrence == "weekly":
        return after + dt.timedelta(days=7)
    if recurrence == "monthly":
        return after + relativedelta(months=1)
    if recurrence == "before_weekends_and_holidays":
        day = after + dt.timedelta(days=1)
        # Every week has a weekend, so this ends within seven days.
        while not is_last_workday_before_days_off(day):
            day += dt.timedelta(days=1)
        return day
    if recurrence in UNSCHEDULED:
        return None
    raise ValueError(f"unknown recurrence {recurrence!r}")


def next_due(recurrence: str, after: dt.datetime) -> dt.datetime | None:
    """The deadline of the next time an item is due, for an item done at ``after``
    (an aware instant; the Swedish date of it is what counts). None: no schedule."""
    day = next_due_day(recurrence, clock.local(after).date())
    if day is None:
        return None
    return clock.at_local(day, DUE_BY)
