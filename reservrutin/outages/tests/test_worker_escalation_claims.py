"""Escalations are claimed and escalated in one transaction, like timers: a killed worker
leaves nothing behind, a failing row is pushed forward, an acknowledged group is not
escalated, ties go by id."""

from __future__ import annotations

import datetime as dt
from unittest import mock

from django.db import connection
from django.test.utils import CaptureQueriesContext

from reservrutin.lib import clock
from reservrutin.outages import worker
from reservrutin.outages.models import TimelineEntry
from reservrutin.outages.tests.factories import make_escalation, make_outage
from reservrutin.outages.tests.helpers import at, local
from reservrutin.test import BaseTestCase


class Killed(BaseException):
    """Stands in for SIGKILL: not an Exception, so no error handling runs."""


class EscalationClaimTest(BaseTestCase):
    def setUp(self) -> None:
        with at(9):
            self.outage = make_outage(self.org_a, [self.system_a])
            self.escalation = make_escalation(self.outage, self.carl, due_at=local(10))

    def escalation_entries(self) -> int:
        return TimelineEntry.objects.filter(
            outage=self.outage, kind=TimelineEntry.Kind.ESCALATION
        ).count()

    def test_it_claims_and_escalates_in_one_transaction(self) -> None:
        with at(10), CaptureQueriesContext(connection) as queries:
            self.assertTrue(worker.escalate_one())
        savepoints = [q["sql"] for q in queries if q["sql"].startswith("SAVEPOINT")]
        self.assertEqual(len(savepoints), 1)
        self.escalation.refresh_from_db()
        self.assertEqual(self.escalation.escalated_at, local(10))
        self.assertEqual((self.escalation.attempts, self.escalation.claim_token), (1, None))
        self.assertEqual(self.escalation_entries(), 1)  # nobody further up the chain
        with at(10, 1):
            self.assertFalse(worker.escalate_one())

    def test_a_worker_killed_mid_escalation_leaves_it_due_at_once(self) -> None:
        with at(10):
            with (
                mock.patch("reservrutin.outages.actions.escalate_group", side_effect=Killed),
                self.assertRaises(Killed),
            ):
                worker.escalate_one()
            self.escalation.refresh_from_db()
            self.assertIsNone(self.escalation.escalated_at)
            self.assertEqual((self.escalation.attempts, self.escalation.claim_token), (0, None))
            self.assertTrue(worker.escalate_one())  # the next worker, at the same instant
        self.escalation.refresh_from_db()
        self.assertEqual(self.escalation.escalated_at, local(10))
        self.assertEqual(self.escalation_entries(), 1)

    def test_a_failing_escalation_is_pushed_forward(self) -> None:
        with (
            at(10),
            mock.patch(
                "reservrutin.outages.actions.escalate_group", side_effect=RuntimeError("no role")
            ),
        ):
            with self.assertRaises(RuntimeError), self.assertLogs("reservrutin.outages.worker"):
                worker.escalate_one()
            self.assertFalse(worker.escalate_one())
        self.escalation.refresh_from_db()
        self.assertIsNone(self.escalation.escalated_at)
        self.assertEqual(self.escalation.due_at, local(10) + worker.RETRY_DELAY)
        self.assertEqual(self.escalation.attempts, 1)
        self.assertIn("no role", self.escalation.last_error)

    def test_an_acknowledged_group_is_not_escalated(self) -> None:
        with at(9, 30):
            make_escalation(
                self.outage,
                self.alice,
                group=self.escalation.group,
                due_at=None,
                acknowledged_at=clock.now(),
            )
        with at(10):
            self.assertTrue(worker.escalate_one())
        self.escalation.refresh_from_db()
        self.assertEqual(self.escalation.escalated_at, local(10))
        self.assertEqual(self.escalation_entries(), 0)

    def test_ties_escalate_in_id_order(self) -> None:
        with at(9):
            later = make_escalation(self.outage, self.alice, due_at=local(10))
        self.assertLess(self.escalation.id, later.id)
        now = local(10) + dt.timedelta(seconds=1)
        self.assertEqual(worker.due_escalations(now).query.order_by, ("due_at", "id"))
        self.assertEqual(worker._lock_due_escalation(now), self.escalation)
