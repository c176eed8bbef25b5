"""The coordinators' planned-outage page: persona matrix, scheduling, and the short-notice
warning that asks for a reason (TES-01)."""

from __future__ import annotations

import datetime as dt

import time_machine

from reservrutin.outages.models import TimelineEntry
from reservrutin.statuspage.models import PlannedWindow
from reservrutin.test import BaseTestCase

NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


class PlannedViewTests(BaseTestCase):
    url = "/org/org-a/planerat/"

    def setUp(self) -> None:
        super().setUp()
        travel = time_machine.travel(NOW, tick=False)
        travel.start()
        self.addCleanup(travel.stop)

    def data(self, **overrides: str) -> dict[str, object]:
        fields: dict[str, object] = {
            "title": "Servicefönster",
            "systems": [self.system_a.pk],
            "outage_type": "service_window",
            "starts_at": "2026-12-09T10:00",
            "ends_at": "2026-12-09T12:00",
            "rrule": "FREQ=MONTHLY;BYDAY=+2WE",
            "impact": "Omstart 5–10 minuter.",
            "staff_instructions": "Spara ofta.",
            "reason_for_short_notice": "",
        }
        fields.update(overrides)
        return fields

    def test_persona_matrix(self) -> None:
        self.assert_requires_login(self.url)
        expected = {
            self.carl: 200,
            self.adam: 200,
            self.alice: 403,
            self.petra: 403,
            self.maria: 403,
            self.bob: 404,
        }
        for user, status in expected.items():
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url).status_code, status)
                if status != 200:
                    self.assertEqual(self.client.post(self.url, self.data()).status_code, status)
        self.assertFalse(PlannedWindow.objects.exists())

    def test_a_coordinator_schedules_a_recurring_window_in_stockholm_time(self) -> None:
        self.login(self.carl)
        response = self.client.post(self.url, self.data())
        self.assertRedirects(response, self.url)
        window = PlannedWindow.objects.get()
        self.assertEqual(window.starts_at, dt.datetime(2026, 12, 9, 9, tzinfo=dt.UTC))
        page = self.client.get(self.url)
        self.assertContains(page, "Servicefönster")
        self.assertContains(page, "FREQ=MONTHLY;BYDAY=+2WE")

    def test_short_notice_shows_the_warning_then_takes_the_reason(self) -> None:
        self.login(self.carl)
        soon = {"starts_at": "2026-11-23T18:00", "ends_at": "2026-11-23T19:00", "rrule": ""}
        response = self.client.post(self.url, self.data(**soon))
        self.assertContains(response, "Kort varsel.", status_code=400)
        self.assertContains(response, "minst 7 dagar", status_code=400)
        self.assertContains(response, 'value="Servicefönster"', status_code=400)
        self.assertFalse(PlannedWindow.objects.exists())
        response = self.client.post(
            self.url, self.data(**soon, reason_for_short_notice="Akut säkerhetsrättning.")
        )
        self.assertRedirects(response, self.url)
        entry = TimelineEntry.objects.get(kind=TimelineEntry.Kind.NOTE)
        self.assertIn("Akut säkerhetsrättning.", entry.text)

    def test_end_before_start_is_a_form_error(self) -> None:
        self.login(self.carl)
        response = self.client.post(self.url, self.data(ends_at="2026-12-09T09:00"))
        self.assertContains(response, "Slutet måste komma efter starten.", status_code=400)
