"""A repetition rule that would never end (issue 14: ``FREQ=WEEKLY;INTERVAL=0`` spun a
thread at 100 % CPU) is refused by the planning form before anything expands it."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import time_machine
from dateutil.rrule import rrule

from reservrutin.statuspage.models import PlannedWindow
from reservrutin.test import BaseTestCase

NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


@time_machine.travel(NOW, tick=False)
class PlannedRuleLimitTests(BaseTestCase):
    url = "/org/org-a/planerat/"

    def post(self, rule: str) -> object:
        self.login(self.carl)
        return self.client.post(
            self.url,
            {
                "title": "Servicefönster",
                "systems": [self.system_a.pk],
                "outage_type": "service_window",
                "starts_at": "2026-12-09T10:00",
                "ends_at": "2026-12-09T12:00",
                "rrule": rule,
                "impact": "Omstart.",
            },
        )

    def test_it_refuses_interval_zero_without_expanding_it(self) -> None:
        with mock.patch.object(rrule, "_iter", side_effect=AssertionError("expanded")) as it:
            response = self.post("FREQ=WEEKLY;INTERVAL=0")
        it.assert_not_called()
        self.assertContains(
            response, "INTERVAL måste vara ett heltal från 1 till 53.", status_code=400
        )
        self.assertContains(response, "FREQ=WEEKLY;INTERVAL=0", status_code=400)  # kept
        self.assertFalse(PlannedWindow.objects.exists())

    def test_it_refuses_a_rule_that_never_occurs_and_a_huge_count(self) -> None:
        response = self.post("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30")
        self.assertContains(response, "inget tillfälle inom 10 år", status_code=400)
        response = self.post("FREQ=DAILY;COUNT=" + "9" * 400)
        self.assertContains(
            response, "COUNT måste vara ett heltal från 1 till 1000.", status_code=400
        )
        self.assertFalse(PlannedWindow.objects.exists())

    def test_a_good_rule_still_schedules(self) -> None:
        response = self.post("FREQ=WEEKLY;INTERVAL=2;COUNT=3")
        self.assertEqual(response.status_code, 302)
        self.assertEqual(PlannedWindow.objects.get().occurrences.count(), 3)
