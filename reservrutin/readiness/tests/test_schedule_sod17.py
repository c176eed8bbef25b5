"""SOD-17: "tomorrow's staff schedule printed every day, and all days before weekends and
holidays" — the ``before_weekends_and_holidays`` recurrence falls on the last working day
before any run of non-working days (lib/holidays)."""

from __future__ import annotations

import datetime as dt

from django.test import SimpleTestCase

from reservrutin.lib import clock
from reservrutin.readiness.schedule import next_due, next_due_day

D = dt.date
BEFORE = "before_weekends_and_holidays"


class NextDueSod17TestCase(SimpleTestCase):
    def test_sod_17_it_is_due_on_friday_before_an_ordinary_weekend(self) -> None:
        # Monday 2026-06-08 → Friday 2026-06-12.
        self.assertEqual(next_due_day(BEFORE, D(2026, 6, 8)), D(2026, 6, 12))

    def test_sod_17_done_on_a_friday_it_is_next_due_before_the_next_days_off(self) -> None:
        # Friday 2026-06-12 done → next run of days off starts with midsommarafton (Fri 19th).
        self.assertEqual(next_due_day(BEFORE, D(2026, 6, 12)), D(2026, 6, 18))

    def test_sod_17_done_on_a_saturday(self) -> None:
        self.assertEqual(next_due_day(BEFORE, D(2026, 6, 13)), D(2026, 6, 18))

    def test_sod_17_it_is_due_the_thursday_before_midsummer_eve(self) -> None:
        # Midsommarafton 2026-06-19 is a Friday, so the planners print on Thursday 18th.
        self.assertEqual(next_due_day(BEFORE, D(2026, 6, 15)), D(2026, 6, 18))
        self.assertEqual(
            clock.local(next_due(BEFORE, clock.at_local(D(2026, 6, 15), dt.time(9)))).date(),
            D(2026, 6, 18),
        )

    def test_sod_17_on_a_holiday_itself_it_is_due_before_the_next_days_off(self) -> None:
        # Midsommarafton (Fri) and midsommardagen (Sat) → the Friday after.
        self.assertEqual(next_due_day(BEFORE, D(2026, 6, 19)), D(2026, 6, 26))
        self.assertEqual(next_due_day(BEFORE, D(2026, 6, 20)), D(2026, 6, 26))

    def test_sod_17_christmas_2026(self) -> None:
        # Julafton is Thursday 2026-12-24: print on Wednesday 23rd for 24–27 December.
        self.assertEqual(next_due_day(BEFORE, D(2026, 12, 21)), D(2026, 12, 23))
        # Then nyårsafton (Thu 31st), nyårsdagen (Fri) and the weekend: Wednesday 30th.
        self.assertEqual(next_due_day(BEFORE, D(2026, 12, 23)), D(2026, 12, 30))
        # Juldagen itself.
        self.assertEqual(next_due_day(BEFORE, D(2026, 12, 25)), D(2026, 12, 30))

    def test_sod_17_daily_is_every_day_holidays_included(self) -> None:
        self.assertEqual(next_due_day("daily", D(2026, 12, 24)), D(2026, 12, 25))
        self.assertEqual(next_due_day("daily", D(2026, 6, 19)), D(2026, 6, 20))

    def test_it_knows_weekly_monthly_and_unscheduled(self) -> None:
        self.assertEqual(next_due_day("weekly", D(2026, 6, 15)), D(2026, 6, 22))
        self.assertEqual(next_due_day("monthly", D(2026, 1, 31)), D(2026, 2, 28))
        self.assertIsNone(next_due_day("on_change", D(2026, 6, 15)))
        self.assertIsNone(next_due_day("on_new_routine_version", D(2026, 6, 15)))

    def test_it_uses_the_swedish_date_of_the_instant(self) -> None:
        # 23:30 UTC on Sunday is already Monday in Stockholm.
        after = dt.datetime(2026, 6, 14, 23, 30, tzinfo=dt.UTC)
        due = clock.local(next_due("daily", after))
        self.assertEqual((due.date(), due.time()), (D(2026, 6, 16), dt.time(23, 59)))
