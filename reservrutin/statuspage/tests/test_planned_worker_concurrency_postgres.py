"""Concurrent plannedevents workers on PostgreSQL fire each due event exactly once."""

from __future__ import annotations

import datetime as dt
import threading
import unittest

import pytest
import time_machine
from django.db import connection
from django.test import TransactionTestCase

from reservrutin.accounts.models import Membership, Organisation
from reservrutin.lib.clock import STOCKHOLM
from reservrutin.notifications.models import OutboxMessage
from reservrutin.registry.models import System
from reservrutin.statuspage import planned, subscriptions, worker
from reservrutin.statuspage.models import PlannedEvent, PlannedWindow
from reservrutin.test import make_user

WORKERS = 4


@pytest.mark.postgres_only
@unittest.skipUnless(connection.vendor == "postgresql", "needs PostgreSQL row locks")
class ConcurrentPlannedWorkersTests(TransactionTestCase):
    def test_each_event_fires_once(self) -> None:
        org = Organisation.objects.create(key="k", name="Kommun", kind="municipality")
        system = System.objects.create(organisation=org, key="s", name="S")
        carl = make_user("carl")
        Membership.objects.create(user=carl, organisation=org, role="coordinator")
        subscriptions.register_subscriber(
            org,
            by=carl,
            channel="email",
            address="chef@example.org",
            triggers=["planned_reminder", "planned_start", "planned_end"],
        )
        with time_machine.travel(dt.datetime(2026, 11, 1, tzinfo=dt.UTC), tick=False):
            planned.schedule_planned_outage(
                org,
                by=carl,
                systems=[system],
                title="Fönster",
                starts_at=dt.datetime(2026, 12, 1, 10, tzinfo=STOCKHOLM),
                ends_at=dt.datetime(2026, 12, 1, 12, tzinfo=STOCKHOLM),
                rrule="FREQ=WEEKLY;COUNT=5",
                impact="Omstart.",
                outage_type=PlannedWindow.OutageType.SERVICE_WINDOW,
            )
        due = PlannedEvent.objects.count()  # 5 occurrences x (reminder, start, end)
        self.assertEqual(due, 15)

        start = threading.Barrier(WORKERS)
        errors: list[BaseException] = []

        def work() -> None:
            try:
                start.wait(timeout=10)
                for _ in range(due * 2):
                    if not worker.fire_planned_event():
                        break
            except BaseException as exc:
                errors.append(exc)
            finally:
                connection.close()

        # time-machine patches the clock process-wide, so every thread sees this instant.
        with time_machine.travel(dt.datetime(2027, 2, 1, tzinfo=dt.UTC), tick=False):
            threads = [threading.Thread(target=work) for _ in range(WORKERS)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)

        self.assertEqual(errors, [])
        self.assertEqual(PlannedEvent.objects.filter(sent_at__isnull=True).count(), 0)
        self.assertEqual(PlannedEvent.objects.filter(attempts=1).count(), due)
        # Reminders reached after their start are skipped: 5 starts + 5 ends.
        self.assertEqual(OutboxMessage.objects.count(), 10)
