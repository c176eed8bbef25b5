"""Queues: mine, my unit's (unit manager), per outage with progress; CSV (TES-05, TES-10)."""

from __future__ import annotations

import datetime as dt

import time_machine

from reservrutin.audit.models import AuditEvent
from reservrutin.records import actions
from reservrutin.records.tests.helpers import NEXT_MORNING, RecordsTestCase


class QueueTests(RecordsTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.first = self.capture()
        self.second = self.capture()
        actions.mark_done(self.second.back_registration, by=self.alice)

    def test_my_queue_shows_progress_and_masked_numbers(self) -> None:
        self.login(self.alice)
        response = self.client.get("/efterregistrering/")
        self.assertContains(response, "1 av 2 efterregistrerade")
        self.assertContains(response, self.first.number)
        self.assertContains(response, "19121212-****")
        self.assertNotContains(response, "19121212-1212")
        self.assertTrue(
            AuditEvent.objects.filter(action="records.listed", actor=self.alice).exists()
        )

    def test_overdue_items_are_highlighted(self) -> None:
        with time_machine.travel(NEXT_MORNING + dt.timedelta(days=3), tick=False):
            self.login(self.alice)  # sessions expire, so sign in at the travelled time
            response = self.client.get("/efterregistrering/")
        self.assertContains(response, "Försenad")
        self.assertContains(response, "1 försenade")

    def test_bob_sees_nothing_of_org_a(self) -> None:
        self.login(self.bob)
        response = self.client.get("/efterregistrering/")
        self.assertNotContains(response, self.first.number)

    def test_unit_queue_for_the_unit_manager_only(self) -> None:
        url = "/org/org-a/enhet/unit-a/efterregistrering/"
        for user, status in ((self.maria, 200), (self.adam, 200), (self.alice, 404),
                             (self.bob, 404), (self.carl, 404)):  # fmt: skip
            self.login(user)
            self.assertEqual(self.client.get(url).status_code, status, user)
        self.login(self.maria)
        self.assertContains(self.client.get(url), "1 av 2 efterregistrerade")

    def test_outage_queue_and_csv(self) -> None:
        url = f"/org/org-a/efterregistrering/driftstorning/{self.outage.code}/"
        self.login(self.adam)
        self.assertContains(self.client.get(url), "1 av 2 efterregistrerade")
        csv = self.client.get(url + "?format=csv")
        self.assertEqual(csv["Content-Type"], "text/csv; charset=utf-8")
        body = csv.content.decode()
        self.assertIn(self.first.number, body)
        self.assertIn("19121212-****", body)
        self.assertNotIn("19121212-1212", body)

    def test_anonymous_is_sent_to_login(self) -> None:
        self.assert_requires_login("/efterregistrering/")
        self.assert_requires_login("/org/org-a/enhet/unit-a/efterregistrering/")
