"""The claim protocol of the runtimers worker: two workers racing for one due timer, a
worker killed mid-step, a failing row that must not crash-loop, claim and fire in one
transaction, ties in id order."""

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

    def test_it_lets_exactly_one_of_two_racing_workers_fire(self) -> None:
        """Worker A finds the row; worker B fires it first (on SQLite, where nothing is
        locked); A's compare-and-set then changes nothing, and fire_one reports work found
        but does nothing (as hc's test_it_handles_concurrent_delete)."""
        with at(10):
            real_find = worker._lock_due_timer
            raced: list[bool] = []

            def find_then_lose(now: dt.datetime) -> Timer | None:
                found = real_find(now)
                if not raced:
                    raced.append(True)
                    self.assertTrue(worker.fire_one())  # worker B, start to end
                return found

            with mock.patch.object(worker, "_lock_due_timer", find_then_lose):
                self.assertTrue(worker.fire_one())
            self.assertFalse(worker.fire_one())
        self.timer.refresh_from_db()
        self.assertEqual((self.timer.fired_at, self.timer.attempts), (local(10), 1))
        self.assertEqual(Task.objects.filter(outage=self.outage).count(), 1)

    def test_it_leaves_a_timer_alone_while_a_live_lease_holds_it(self) -> None:
        """A claim with a lease that another worker still holds wins over the due query;
        once the lease has run out (the worker died), the timer fires once."""
        with at(10):
            Timer.objects.filter(id=self.timer.id).update(
                claim_token=uuid.uuid4(), claimed_until=clock.now() + worker.RETRY_DELAY
            )
            self.assertFalse(worker.fire_one())
        with at(10, 2):
            self.assertTrue(worker.fire_one())
            self.assertFalse(worker.fire_one())
        self.timer.refresh_from_db()
        self.assertEqual(self.timer.fired_at, local(10, 2))
        self.assertIsNone(self.timer.claim_token)
        self.assertEqual(Task.objects.filter(outage=self.outage).count(), 1)

    def test_ties_fire_in_id_order(self) -> None:
        later = Timer.objects.create(
            outage=self.outage,
            key="samma-tid",
            due_at=local(10),
            actions=[{"create_tasks": [{"what": "Sedan detta"}]}],
            created_at=local(9),
        )
        self.assertLess(self.timer.id, later.id)
        with at(10):
            self.assertEqual(worker.due_timers(clock.now()).query.order_by, ("due_at", "id"))
            self.assertEqual(worker._lock_due_timer(clock.now()), self.timer)
            self.assertTrue(worker.fire_one())
            self.assertEqual(worker._lock_due_timer(clock.now()), later)

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
