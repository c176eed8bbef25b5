"""SOD-14: a current version of the routine is always on paper — when a newer version comes
into force, the "current version on paper" item becomes due at once."""

from __future__ import annotations

import time_machine

from reservrutin.accounts.models import User
from reservrutin.lib import clock
from reservrutin.readiness.actions import tick_item
from reservrutin.readiness.models import ReadinessItem
from reservrutin.readiness.tests.helpers import import_and_approve, make_roles
from reservrutin.test import BaseTestCase


class NewRoutineVersionTestCase(BaseTestCase):
    def setUp(self) -> None:
        make_roles(self.org_a)

    def paper_item(self) -> ReadinessItem:
        return ReadinessItem.objects.get(unit=self.unit_a, item_key="rutin-pa-papper")

    def test_sod_14_a_new_version_makes_the_paper_item_due_at_once(self) -> None:
        with time_machine.travel("2026-03-02 09:00 +0100", tick=False):
            import_and_approve("1")
            tick_item(self.paper_item(), by=self.maria, note="Utskriven")
        item = self.paper_item()
        self.assertIsNone(item.next_due_at)
        self.assertFalse(item.is_overdue(clock.now()))
        with time_machine.travel("2026-04-01 10:00 +0200", tick=False):
            version = import_and_approve("2")
            item = self.paper_item()
            self.assertEqual(item.next_due_at, clock.now())
            self.assertTrue(item.is_overdue(clock.now()))
            self.assertEqual(item.routine_version, version)
            # The daily item is not touched by the new version.
            daily = ReadinessItem.objects.get(unit=self.unit_a, item_key="datorer-laddade")
            self.assertEqual(daily.recurrence, "daily")

    def test_sod_14_reapproving_the_version_in_force_changes_nothing(self) -> None:
        with time_machine.travel("2026-03-02 09:00 +0100", tick=False):
            version = import_and_approve("1")
            tick_item(self.paper_item(), by=self.maria)
            from reservrutin.routines.actions import approve_version

            approve_version(version, by=User.objects.get(username="adam"))
            self.assertIsNone(self.paper_item().next_due_at)
