"""Coordinator forms: only coordinators change status; bad input gives clear messages."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.urls import reverse

from reservrutin.lib import clock
from reservrutin.outages.models import Outage
from reservrutin.outages.tests.factories import make_outage
from reservrutin.test import BaseTestCase


class OutageChangeViewTest(BaseTestCase):
    def setUp(self) -> None:
        self.outage = make_outage(self.org_a, [self.system_a])

    def url(self, action: str) -> str:
        return reverse("outages:change", args=["org-a", self.outage.code, action])

    def test_it_forbids_staff_and_unit_managers(self) -> None:
        for user in (self.alice, self.maria, self.petra):
            self.login(user)
            self.assertEqual(self.client.post(self.url("bekrafta"), {}).status_code, 403)
        self.outage.refresh_from_db()
        self.assertEqual(self.outage.status, Outage.Status.REPORTED)

    def test_it_hides_from_outsiders_and_requires_login(self) -> None:
        self.login(self.bob)
        self.assertEqual(self.client.post(self.url("bekrafta"), {}).status_code, 404)
        self.client.logout()
        self.assertEqual(self.client.post(self.url("bekrafta"), {}).status_code, 302)

    def test_it_lets_a_coordinator_confirm_and_set_a_prognosis(self) -> None:
        self.login(self.carl)
        self.assertEqual(self.client.post(self.url("bekrafta"), {"scenario": ""}).status_code, 302)
        ahead = clock.local(clock.now() + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
        self.assertEqual(
            self.client.post(self.url("prognos"), {"prognosis_at": ahead}).status_code, 302
        )
        self.outage.refresh_from_db()
        self.assertEqual(self.outage.status, Outage.Status.CONFIRMED)
        self.assertIsNotNone(self.outage.prognosis_at)
        self.assertEqual(self.outage.prognoses.count(), 1)

    def test_it_rejects_a_prognosis_in_the_past_and_keeps_the_input(self) -> None:
        self.login(self.carl)
        past = clock.local(clock.now() - dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
        response = self.client.post(self.url("prognos"), {"prognosis_at": past})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "har redan passerat", status_code=400)
        self.assertContains(response, past, status_code=400)

    def test_it_rejects_resolving_before_the_start(self) -> None:
        self.login(self.adam)
        before = clock.local(self.outage.started_at - dt.timedelta(hours=1)).strftime(
            "%Y-%m-%dT%H:%M"
        )
        response = self.client.post(self.url("atgardad"), {"resolved_at": before})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "ligger före starten", status_code=400)
        self.outage.refresh_from_db()
        self.assertIsNone(self.outage.resolved_at)

    def test_it_resolves_closes_and_shows_the_review_and_pdf(self) -> None:
        self.login(self.carl)
        now = clock.local(clock.now()).strftime("%Y-%m-%dT%H:%M")
        self.assertEqual(
            self.client.post(self.url("atgardad"), {"resolved_at": now}).status_code, 302
        )
        self.assertEqual(self.client.post(self.url("avsluta")).status_code, 302)
        self.outage.refresh_from_db()
        self.assertEqual(self.outage.status, Outage.Status.CLOSED)
        review = self.client.get(reverse("outages:review", args=["org-a", self.outage.code]))
        self.assertContains(review, "Inget SLA registrerat")
        pdf = self.client.get(reverse("outages:review_pdf", args=["org-a", self.outage.code]))
        self.assertEqual(pdf["Content-Type"], "application/pdf")
        self.assertTrue(pdf.content.startswith(b"%PDF"))

    def test_it_shows_a_clear_message_when_closing_an_open_outage(self) -> None:
        self.login(self.carl)
        response = self.client.post(self.url("avsluta"), follow=True)
        self.assertContains(response, "Bara en åtgärdad störning kan avslutas")

    def test_it_adds_a_note_and_rejects_unknown_actions(self) -> None:
        self.login(self.carl)
        self.client.post(self.url("anteckning"), {"text": "Leverantören felsöker."})
        self.assertTrue(self.outage.timeline.filter(text="Leverantören felsöker.").exists())
        self.assertEqual(self.client.post(self.url("okand")).status_code, 404)

    def test_it_never_500s_on_garbage(self) -> None:
        self.login(self.carl)
        with time_machine.travel(clock.now(), tick=False):
            for action in ("bekrafta", "scenario", "prognos", "arende", "reservrutin", "atgardad"):
                response = self.client.post(
                    self.url(action), {"prognosis_at": "igår", "resolved_at": "x"}
                )
                self.assertLess(response.status_code, 500, action)
