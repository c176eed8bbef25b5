"""The ``remindreadiness`` worker step: one e-mail per overdue item and deadline, claimed
with compare-and-set so two workers never send it twice."""

from __future__ import annotations

from unittest import mock

import time_machine
from django.db.models import QuerySet

from reservrutin.lib import clock
from reservrutin.notifications.models import OutboxMessage
from reservrutin.readiness.actions import tick_item
from reservrutin.readiness.models import ReadinessItem
from reservrutin.readiness.tests.helpers import import_and_approve, make_roles
from reservrutin.readiness.worker import remind_overdue
from reservrutin.registry.models import RoleAssignment
from reservrutin.test import BaseTestCase
from reservrutin.workers.loops import LOOPS


def drain() -> int:
    n = 0
    while remind_overdue():
        n += 1
    return n


class RemindOverdueTestCase(BaseTestCase):
    def setUp(self) -> None:
        roles = make_roles(self.org_a)
        RoleAssignment.objects.create(role=roles["planerare"], user=self.alice)
        with time_machine.travel("2026-06-15 10:00 +0200", tick=False):
            import_and_approve()
            for item in ReadinessItem.objects.all():
                tick_item(item, by=self.adam)

    def test_it_is_registered_as_a_worker_loop(self) -> None:
        self.assertEqual(LOOPS["remindreadiness"], "reservrutin.readiness.worker.remind_overdue")

    def test_it_finds_nothing_before_a_deadline(self) -> None:
        with time_machine.travel("2026-06-15 12:00 +0200", tick=False):
            self.assertFalse(remind_overdue())
        self.assertFalse(OutboxMessage.objects.exists())

    def test_sod_17_it_mails_the_responsible_planner_after_the_deadline_once(self) -> None:
        # The before-weekend item was due Thursday 18th (midsommarafton is Friday 19th).
        with time_machine.travel("2026-06-19 08:00 +0200", tick=False):
            drain()
            messages = OutboxMessage.objects.filter(source="readiness.remind")
            to_alice = messages.filter(recipient="alice@example.org")
            self.assertEqual(to_alice.count(), 1)
            self.assertIn("insatsschema", to_alice.get().body)
            self.assertIn("/org/org-a/enhet/unit-a/beredskap/", to_alice.get().body)
            before = messages.count()
            self.assertFalse(remind_overdue())
            self.assertEqual(messages.count(), before)

    def test_items_without_a_responsible_go_to_the_unit_manager(self) -> None:
        with time_machine.travel("2026-06-17 08:00 +0200", tick=False):
            drain()
        daily = ReadinessItem.objects.get(unit=self.unit_a, item_key="datorer-laddade")
        message = OutboxMessage.objects.get(object_id=str(daily.pk))
        self.assertEqual(message.recipient, "maria@example.org")
        self.assertFalse(message.is_exercise)

    def test_it_loses_a_claim_race_quietly(self) -> None:
        with time_machine.travel("2026-06-17 08:00 +0200", tick=False):
            stale = ReadinessItem.objects.overdue(clock.now()).order_by("next_due_at", "id")[0]
            # Another worker claims the row between our read and our compare-and-set.
            ReadinessItem.objects.filter(pk=stale.pk).update(reminded_at=clock.now())
            with mock.patch.object(QuerySet, "first", return_value=stale):
                self.assertTrue(remind_overdue())
            self.assertFalse(OutboxMessage.objects.filter(object_id=str(stale.pk)).exists())
