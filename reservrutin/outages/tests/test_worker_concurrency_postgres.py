"""Real worker threads on PostgreSQL race for the same due timers: each fires once, and a
worker does not wait for an outage another transaction holds."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, transaction
from django.test import TransactionTestCase

from reservrutin.accounts.models import Organisation
from reservrutin.lib import clock
from reservrutin.outages import worker
from reservrutin.outages.models import Outage, Task, Timer


@pytest.mark.postgres_only
class ConcurrentWorkersTest(TransactionTestCase):
    def setUp(self) -> None:
        if connection.vendor != "postgresql":
            self.skipTest("needs PostgreSQL row locks and real concurrent connections")

    def test_it_fires_each_timer_exactly_once_with_two_workers(self) -> None:
        org = Organisation.objects.create(key="org-x", name="X", kind="region")
        now = clock.now()
        outage = Outage.objects.create(
            organisation=org, title="X", started_at=now, created_at=now, status="confirmed"
        )
        Timer.objects.bulk_create(
            Timer(
                outage=outage,
                key=f"t{i}",
                due_at=now,
                actions=[{"create_tasks": [{"what": f"uppgift {i}"}]}],
                created_at=now,
            )
            for i in range(40)
        )
        barrier = threading.Barrier(2)
        errors: list[BaseException] = []

        def run() -> None:
            from django.db import connection as conn

            try:
                barrier.wait()
                while worker.fire_one():
                    pass
            except BaseException as exc:
                errors.append(exc)
            finally:
                conn.close()

        threads = [threading.Thread(target=run) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        self.assertEqual(errors, [])
        self.assertEqual(Timer.objects.filter(fired_at__isnull=False).count(), 40)
        self.assertEqual(Task.objects.count(), 40)
        self.assertEqual(
            sorted(Task.objects.values_list("instruction", flat=True)),
            sorted(f"uppgift {i}" for i in range(40)),
        )

    def test_it_fires_timers_of_many_outages_exactly_once_with_two_workers(self) -> None:
        org = Organisation.objects.create(key="org-y", name="Y", kind="region")
        now = clock.now()
        outages = Outage.objects.bulk_create(
            Outage(
                organisation=org, title=f"Y{n}", started_at=now, created_at=now, status="confirmed"
            )
            for n in range(8)
        )
        Timer.objects.bulk_create(
            Timer(
                outage=outages[i % 8],
                key=f"t{i}",
                due_at=now,
                actions=[{"create_tasks": [{"what": f"uppgift {i}"}]}],
                created_at=now,
            )
            for i in range(40)
        )
        barrier = threading.Barrier(2)
        errors: list[BaseException] = []

        def run() -> None:
            from django.db import connection as conn

            try:
                barrier.wait()
                # Bounded: a worker that finds every due pair locked by the other stops.
                for _ in range(80):
                    if not worker.fire_one():
                        break
            except BaseException as exc:
                errors.append(exc)
            finally:
                conn.close()

        threads = [threading.Thread(target=run) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        self.assertEqual(errors, [])
        # Whatever the interleaving left (both skipped a locked pair at the end) fires now.
        while worker.fire_one():
            pass
        self.assertEqual(Timer.objects.filter(fired_at__isnull=False, attempts=1).count(), 40)
        self.assertEqual(
            sorted(Task.objects.values_list("instruction", flat=True)),
            sorted(f"uppgift {i}" for i in range(40)),
        )

    def test_a_worker_skips_a_timer_whose_outage_is_locked_instead_of_waiting(self) -> None:
        org = Organisation.objects.create(key="org-z", name="Z", kind="region")
        now = clock.now()
        busy, free = Outage.objects.bulk_create(
            Outage(organisation=org, title=t, started_at=now, created_at=now, status="confirmed")
            for t in ("busy", "free")
        )
        for outage, due_at in ((busy, now - dt.timedelta(seconds=1)), (free, now)):
            # The busy outage's timer is the older one: the worker would pick it first.
            Timer.objects.create(
                outage=outage,
                key="k",
                due_at=due_at,
                actions=[{"create_tasks": [{"what": outage.title}]}],
                created_at=now,
            )
        locked, release = threading.Event(), threading.Event()

        def person_editing_the_busy_outage() -> None:
            from django.db import connection as conn

            try:
                with transaction.atomic():
                    Outage.objects.select_for_update().get(pk=busy.pk)
                    locked.set()
                    release.wait(30)
            finally:
                conn.close()

        editor = threading.Thread(target=person_editing_the_busy_outage)
        editor.start()
        try:
            self.assertTrue(locked.wait(30))
            self.assertTrue(worker.fire_one())  # does not wait for the editor
            self.assertFalse(worker.fire_one())  # only the locked pair is left
            self.assertEqual(list(Task.objects.values_list("instruction", flat=True)), ["free"])
        finally:
            release.set()
            editor.join(30)
        self.assertTrue(worker.fire_one())
        self.assertEqual(Task.objects.filter(instruction="busy").count(), 1)
