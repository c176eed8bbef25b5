"""The claim protocol of the runtimers worker: two workers racing for one due timer, a
worker killed mid-step, a failing row that must not crash-loop, claim and fire in one
transaction."""

from __future__ import annotations

import datetime as dt
import uuid
from unittest import mock

from django.db import connection
from django.test.utils import CaptureQueriesContext

from reservrutin.lib import clock
from reservrutin.outages import worker
from reservrutin.outages.models import Outage, Task, Timer
from reservrutin.outages.tests.helpers import at, local
from reservrutin.test import BaseTestCase


class ClaimTest(BaseTestCase):
    def setUp(self) -> None:
        with at(9):
            self.outage = Outage.objects.create(
                organisation=self.org_a,
                title="Störning i System A",
                started_at=clock.now(),
                created_at=clock.now(),
                status=Outage.Status.CONFIRMED,
            )
            self.timer = Timer.objects.create(
                outage=self.outage,
                key="efter-1h",
                due_at=local(10),
                actions=[{"create_tasks": [{"what": "Gör något"}]}],
                created_at=clock.now(),
            )

    def test_it_lets_exactly_one_of_two_racing_workers_claim(self) -> None:
        """Both read the row unclaimed (token None); only the first CAS wins."""
        with at(10):
            now = clock.now()
            first = worker.claim_timer(self.timer.id, None, now)
            second = worker.claim_timer(self.timer.id, None, now)
            self.assertIsNotNone(first)
            self.assertIsNone(second)
            # The loser's stale token also cannot fire it.
            self.assertEqual(worker.run_timer(self.timer.id, uuid.uuid4(), now), "lost")
            self.assertEqual(worker.run_timer(self.timer.id, first, now), "fired")
        self.assertEqual(Task.objects.filter(outage=self.outage).count(), 1)

    def test_it_handles_a_concurrent_claim_between_find_and_claim(self) -> None:
        """Worker A finds the row; worker B claims it first; A's fire_one reports work
        found but does nothing (as hc's test_it_handles_concurrent_delete)."""
        with at(10):
            real_find = worker._lock_due_timer

            def find_then_lose(now: dt.datetime) -> Timer | None:
                found = real_find(now)
                # Worker B (on SQLite, or through the split protocol) claims it first.
                worker.claim_timer(self.timer.id, None, now)
                return found

            with mock.patch.object(worker, "_lock_due_timer", find_then_lose):
                self.assertTrue(worker.fire_one())
        self.timer.refresh_from_db()
        self.assertIsNone(self.timer.fired_at)
        self.assertFalse(Task.objects.exists())

    def test_it_fires_once_after_a_killed_worker_lease_expires(self) -> None:
        with at(10):
            token = worker.claim_timer(self.timer.id, None, clock.now())  # then "killed"
            self.assertIsNotNone(token)
            self.assertFalse(worker.fire_one())  # the lease still holds
        later = local(10) + worker.lease() + dt.timedelta(seconds=1)
        import time_machine

        with time_machine.travel(later, tick=False):
            self.assertTrue(worker.fire_one())
            self.assertFalse(worker.fire_one())
            # The killed worker wakes up: its token is stale, it fires nothing.
            self.assertEqual(worker.run_timer(self.timer.id, token, clock.now()), "lost")
        self.timer.refresh_from_db()
        self.assertIsNotNone(self.timer.fired_at)
        self.assertEqual(self.timer.attempts, 2)
        self.assertEqual(Task.objects.filter(outage=self.outage).count(), 1)

    def test_it_pushes_a_failing_timer_forward_and_reraises(self) -> None:
        with (
            at(10),
            mock.patch(
                "reservrutin.outages.actions.apply_timer_in_txn",
                side_effect=RuntimeError("bad routine"),
            ),
        ):
            with self.assertRaises(RuntimeError):
                worker.fire_one()
            # Not due again at once: the worker can go on with other rows.
            self.assertFalse(worker.fire_one())
        self.timer.refresh_from_db()
        self.assertIsNone(self.timer.fired_at)
        self.assertEqual(self.timer.due_at, local(10) + worker.RETRY_DELAY)
        self.assertIn("bad routine", self.timer.last_error)
        self.assertIsNone(self.timer.claim_token)
        with at(10, 1):
            self.assertTrue(worker.fire_one())
        self.timer.refresh_from_db()
        self.assertIsNotNone(self.timer.fired_at)

    def test_it_claims_and_fires_a_timer_in_one_transaction(self) -> None:
        with at(10), CaptureQueriesContext(connection) as queries:
            self.assertTrue(worker.fire_one())
        # Inside the test's transaction each atomic block is a savepoint: exactly one.
        savepoints = [q["sql"] for q in queries if q["sql"].startswith("SAVEPOINT")]
        self.assertEqual(len(savepoints), 1)
        self.timer.refresh_from_db()
        self.assertEqual(self.timer.fired_at, local(10))
        self.assertEqual(self.timer.attempts, 1)
        self.assertIsNone(self.timer.claim_token)
        self.assertEqual(Task.objects.filter(outage=self.outage).count(), 1)

    def test_a_worker_killed_mid_firing_leaves_the_timer_due_at_once(self) -> None:
        """Claim and firing share one transaction: a worker that dies inside it leaves
        nothing behind, so no lease has to run out before another worker fires it."""

        class Killed(BaseException):
            """Stands in for SIGKILL: not an Exception, so no error handling runs."""

        with at(10):
            with (
                mock.patch("reservrutin.outages.actions.apply_timer_in_txn", side_effect=Killed),
                self.assertRaises(Killed),
            ):
                worker.fire_one()
            self.timer.refresh_from_db()
            self.assertIsNone(self.timer.fired_at)
            self.assertEqual((self.timer.claim_token, self.timer.attempts), (None, 0))
            self.assertTrue(worker.fire_one())  # the next worker, at the same instant
        self.timer.refresh_from_db()
        self.assertEqual(self.timer.fired_at, local(10))
        self.assertEqual(Task.objects.filter(outage=self.outage).count(), 1)
