"""Two real worker threads on PostgreSQL race for the same due timers: each fires once."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
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
