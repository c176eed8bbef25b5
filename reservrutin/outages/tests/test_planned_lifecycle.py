"""Planned occurrences run the planned half of the outage state machine, and stay out of
"Pågående" and out of reach of fault reports until they start (issue 12: twelve future
patch windows under "Pågående"; a report joining a future occurrence)."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.urls import reverse

from reservrutin.lib.clock import STOCKHOLM
from reservrutin.outages import actions
from reservrutin.outages.actions import OutageError
from reservrutin.outages.models import Outage
from reservrutin.outages.tests.lifecycle_routine import report_system_a
from reservrutin.statuspage import planned, worker
from reservrutin.statuspage.models import PlannedWindow
from reservrutin.test import BaseTestCase

NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=STOCKHOLM)


def run_planned_events() -> None:
    while worker.fire_planned_event():
        pass


class PlannedCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.traveller = time_machine.travel(NOW, tick=False)
        self.clock = self.traveller.start()
        self.addCleanup(self.traveller.stop)

    def patch_wednesdays(self) -> PlannedWindow:
        return planned.schedule_planned_outage(
            self.org_a,
            by=self.carl,
            systems=[self.system_a],
            title="Patchonsdag",
            starts_at=local(2026, 12, 2, 10),
            ends_at=local(2026, 12, 2, 12),
            impact="Omstart, 5–10 minuter.",
            outage_type=PlannedWindow.OutageType.SERVICE_WINDOW,
            rrule="FREQ=WEEKLY;BYDAY=WE",
        )

    def report(self) -> Outage:
        return report_system_a(self)


class PlannedLifecycleTest(PlannedCase):
    def test_it_lists_no_future_window_under_pagaende(self) -> None:
        self.patch_wednesdays()
        self.assertEqual(Outage.objects.filter(kind=Outage.Kind.PLANNED).count(), planned.HORIZON)
        self.login(self.alice)
        response = self.client.get(reverse("outages:list", args=[self.org_a.key]))
        self.assertEqual(response.context["open_outages"], [])
        self.assertEqual(len(response.context["upcoming"]), planned.HORIZON)
        self.assertContains(response, "Inga pågående driftstörningar.")

    def test_a_report_with_a_recurring_window_ahead_opens_a_new_unplanned_outage(self) -> None:
        window = self.patch_wednesdays()
        outage = self.report()
        self.assertEqual(outage.kind, Outage.Kind.UNPLANNED)
        self.assertEqual(outage.status, Outage.Status.REPORTED)
        occurrence_outages = Outage.objects.filter(planned_occurrence__window=window)
        self.assertFalse(occurrence_outages.filter(reports__isnull=False).exists())
        # Now it is the only thing under Pågående.
        self.login(self.alice)
        response = self.client.get(reverse("outages:list", args=[self.org_a.key]))
        self.assertEqual(response.context["open_outages"], [outage])

    def test_an_occurrence_runs_scheduled_announced_in_progress_completed(self) -> None:
        window = self.patch_wednesdays()
        first, second = [o.outage for o in window.occurrences.order_by("starts_at")[:2]]
        # Scheduling announced the first occurrence to subscribers; the rest are scheduled.
        self.assertEqual(first.status, Outage.Status.ANNOUNCED)
        self.assertEqual(second.status, Outage.Status.SCHEDULED)
        self.clock.move_to(local(2026, 12, 2, 10, 1))
        run_planned_events()
        first.refresh_from_db()
        self.assertEqual(first.status, Outage.Status.IN_PROGRESS)
        self.assertEqual(first.confirmed_at, local(2026, 12, 2, 10))
        # Started, it is current: a report during the window joins it.
        self.assertEqual(self.report(), first)
        self.clock.move_to(local(2026, 12, 2, 12, 1))
        run_planned_events()
        first.refresh_from_db()
        self.assertEqual(first.status, Outage.Status.COMPLETED)
        self.assertEqual(first.resolved_at, local(2026, 12, 2, 12))
        texts = list(first.timeline.values_list("text", flat=True))
        self.assertIn("Det planerade avbrottet har börjat.", texts)
        self.assertIn("Det planerade avbrottet är slut.", texts)

    def test_a_cancelled_occurrence_never_starts(self) -> None:
        window = self.patch_wednesdays()
        outage = window.occurrences.order_by("starts_at")[0].outage
        with self.assertRaises(OutageError):
            actions.cancel_planned_outage(outage, by=self.carl, reason="  ")
        actions.cancel_planned_outage(outage, by=self.carl, reason="Leverantören sköt upp.")
        self.clock.move_to(local(2026, 12, 2, 12, 1))
        run_planned_events()
        outage.refresh_from_db()
        self.assertEqual(outage.status, Outage.Status.CANCELLED)
        self.assertIsNone(outage.confirmed_at)
        with self.assertRaises(OutageError):
            actions.cancel_planned_outage(outage, by=self.carl, reason="Igen.")

    def test_a_started_occurrence_cannot_be_cancelled_or_confirmed(self) -> None:
        window = self.patch_wednesdays()
        outage = window.occurrences.order_by("starts_at")[0].outage
        self.clock.move_to(local(2026, 12, 2, 10, 1))
        actions.start_planned_outage(outage)
        with self.assertRaises(OutageError):
            actions.cancel_planned_outage(outage, by=self.carl, reason="För sent.")
        with self.assertRaises(OutageError):
            actions.confirm_outage(outage, by=self.carl, scenario_key="")
        # A coordinator ending the window early completes it (the planned way).
        actions.resolve_outage(outage, at=local(2026, 12, 2, 10, 1), by=self.carl)
        outage.refresh_from_db()
        self.assertEqual(outage.status, Outage.Status.COMPLETED)


class CancelViewTest(PlannedCase):
    def url(self, outage: Outage) -> str:
        return reverse("outages:change", args=[self.org_a.key, outage.code, "stall-in"])

    def test_a_coordinator_cancels_an_upcoming_occurrence_with_a_reason(self) -> None:
        outage = self.patch_wednesdays().occurrences.order_by("starts_at")[0].outage
        self.login(self.carl)
        page = self.client.get(reverse("outages:detail", args=[self.org_a.key, outage.code]))
        self.assertContains(page, "Ställ in avbrottet")
        self.assertNotContains(page, "Bekräfta och starta scenariot")
        response = self.client.post(self.url(outage), {"reason": ""})
        self.assertEqual(response.status_code, 400)
        response = self.client.post(self.url(outage), {"reason": "Leverantören sköt upp."})
        self.assertEqual(response.status_code, 302)
        outage.refresh_from_db()
        self.assertEqual(outage.status, Outage.Status.CANCELLED)
        page = self.client.get(reverse("outages:detail", args=[self.org_a.key, outage.code]))
        self.assertNotContains(page, "Ställ in avbrottet")
        self.assertNotContains(page, "Avsluta störningen")

    def test_staff_and_outsiders_may_not_cancel(self) -> None:
        outage = self.patch_wednesdays().occurrences.order_by("starts_at")[0].outage
        self.login(self.alice)
        self.assertEqual(self.client.post(self.url(outage), {"reason": "Nej."}).status_code, 403)
        self.login(self.bob)
        self.assertEqual(self.client.post(self.url(outage), {"reason": "Nej."}).status_code, 404)
        self.client.logout()
        self.assertEqual(self.client.post(self.url(outage), {"reason": "Nej."}).status_code, 302)
        outage.refresh_from_db()
        self.assertEqual(outage.status, Outage.Status.ANNOUNCED)
