"""lib.recurrence: rules are checked before anything expands them, and expansion is bounded."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from dateutil.rrule import rrule

from reservrutin.lib import recurrence

START = dt.datetime(2026, 3, 1, 10, 0)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("FREQ=WEEKLY;INTERVAL=0", "interval"),
        ("FREQ=WEEKLY;INTERVAL=-1", "interval"),
        ("FREQ=DAILY;INTERVAL=" + "9" * 4400, "length"),
        ("FREQ=DAILY;INTERVAL=" + "9" * 400, "interval"),
        ("FREQ=MONTHLY;INTERVAL=13", "interval"),
        ("FREQ=WEEKLY;COUNT=0", "count"),
        ("FREQ=WEEKLY;COUNT=1001", "count"),
        ("FREQ=HOURLY", "freq"),
        ("FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30", "freq"),
        ("INTERVAL=1", "freq"),
        ("FREQ=WEEKLY\nRRULE:FREQ=DAILY", "lines"),
        ("FREQ=WEEKLY;BYDAY=MO\x00", "lines"),
        ("DTSTART:20260101T000000\nRRULE:FREQ=WEEKLY", "lines"),
        ("FREQ=WEEKLY;DTSTART=20260101", "dtstart"),
        ("FREQ=MONTHLY;BYDAY=XX", "syntax"),
    ],
)
def test_it_refuses_a_rule_before_expanding_it(text: str, code: str) -> None:
    with (
        mock.patch.object(rrule, "_iter", side_effect=AssertionError("expanded")) as iterate,
        pytest.raises(recurrence.RecurrenceError) as caught,
    ):
        recurrence.parse(text, START)
    assert caught.value.code == code
    assert caught.value.message
    iterate.assert_not_called()


@pytest.mark.parametrize(
    "text",
    [
        "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
        "FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=31",
        "FREQ=DAILY;BYSETPOS=5",
        "FREQ=WEEKLY;BYMONTH=2;BYMONTHDAY=30;BYDAY=MO",
    ],
)
def test_it_refuses_a_rule_that_never_occurs(text: str) -> None:
    # Unprobed, dateutil walks such a rule to the year 9999 on every call.
    with pytest.raises(recurrence.RecurrenceError) as caught:
        recurrence.parse(text, START)
    assert caught.value.code == "empty"


def test_the_probe_looks_at_most_the_probe_years_plus_one_calendar_cycle_ahead() -> None:
    real_replace = rrule.replace
    probes: list[rrule] = []

    def spy(self: rrule, **kwargs: object) -> rrule:
        probes.append(real_replace(self, **kwargs))
        return probes[-1]

    with mock.patch.object(rrule, "replace", spy), pytest.raises(recurrence.RecurrenceError):
        recurrence.parse("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", START)
    (probe,) = probes
    # dateutil gives up at the year 9999, so this is how far it can walk.
    assert (
        9999 - 400 - recurrence.PROBE_YEARS < probe._dtstart.year <= 9999 - recurrence.PROBE_YEARS
    )
    # Moved by whole 400-year cycles: the same weekday, so the same calendar.
    assert (probe._dtstart.year - START.year) % 400 == 0
    assert probe._dtstart.weekday() == START.weekday()


def test_a_rare_but_real_rule_is_accepted() -> None:
    rule = recurrence.parse("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", START)
    assert recurrence.expand(rule, after=START, limit=2) == [
        dt.datetime(2028, 2, 29, 10, 0),
        dt.datetime(2032, 2, 29, 10, 0),
    ]


def test_expansion_is_capped_in_count_and_horizon() -> None:
    rule = recurrence.parse("FREQ=DAILY", START)
    assert len(recurrence.expand(rule, after=START, limit=10**9)) == recurrence.MAX_OCCURRENCES
    yearly = recurrence.parse("FREQ=YEARLY", START)
    found = recurrence.expand(yearly, after=START, limit=100)
    assert len(found) == recurrence.HORIZON_YEARS
    until = dt.datetime(2026, 3, 10, 12, 0)
    assert len(recurrence.expand(rule, after=START, inclusive=True, until=until)) == 10


def test_expansion_stops_when_its_time_budget_is_spent() -> None:
    rule = recurrence.parse("FREQ=DAILY", START)
    ticks = iter(range(0, 1000))
    with mock.patch.object(recurrence.time, "monotonic", side_effect=lambda: next(ticks)):
        found = recurrence.expand(rule, after=START, limit=100)
    assert len(found) == 1
