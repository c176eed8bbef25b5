"""Resolving works at any time after the start (issue 12: "Åtgärdad 10:04 ligger före
starten 10:04" when resolving in the outage's first minute: the form sends minutes, the
start has seconds)."""

from __future__ import annotations

import datetime as dt

import time_machine

from reservrutin.lib.clock import STOCKHOLM
from reservrutin.outages import actions
from reservrutin.outages.actions import OutageError
from reservrutin.outages.models import Outage
from reservrutin.test import BaseTestCase

START = dt.datetime(2026, 11, 24, 10, 4, 37, tzinfo=STOCKHOLM)


class ResolvePrecisionTest(BaseTestCase):
    def reported(self) -> Outage:
        with time_machine.travel(START, tick=False):
            return actions.submit_report(
                self.org_a,
                systems=[self.system_a],
                fault_type="unreachable",
                extent="everyone",
                idempotency_key="k-1",
                reporter=self.alice,
            ).outage

    def test_it_resolves_in_the_first_minute_at_the_minute_the_page_shows(self) -> None:
        outage = self.reported()
        with time_machine.travel(START + dt.timedelta(seconds=20), tick=False):
            actions.resolve_outage(outage, at=START.replace(second=0), by=self.carl)
        outage.refresh_from_db()
        self.assertEqual(outage.status, Outage.Status.RESOLVED)
        # Never before the start it is stored with (the database refuses that too).
        self.assertEqual(outage.resolved_at, START)

    def test_the_view_accepts_the_forms_own_default(self) -> None:
        outage = self.reported()
        self.login(self.carl)
        url = f"/org/{self.org_a.key}/storningar/{outage.code}/atgardad/"
        with time_machine.travel(START + dt.timedelta(seconds=30), tick=False):
            response = self.client.post(url, {"resolved_at": "2026-11-24T10:04"})
        self.assertEqual(response.status_code, 302, getattr(response, "context", None))
        outage.refresh_from_db()
        self.assertEqual(outage.status, Outage.Status.RESOLVED)

    def test_a_minute_before_the_start_is_still_refused(self) -> None:
        outage = self.reported()
        with (
            time_machine.travel(START + dt.timedelta(minutes=5), tick=False),
            self.assertRaisesMessage(OutageError, "ligger före starten 2026-11-24 10:04"),
        ):
            actions.resolve_outage(outage, at=START.replace(minute=3, second=59), by=self.carl)
