"""Ticking off an item: who may, what it records, and when the item is due again (SOD-09:
the unit manager answers for the unit's preparedness)."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.core.exceptions import PermissionDenied

from reservrutin.accounts.models import Membership
from reservrutin.lib import clock
from reservrutin.readiness.actions import add_local_item, tick_item, unit_scores
from reservrutin.readiness.models import ReadinessCheck, ReadinessItem
from reservrutin.readiness.tests.helpers import import_and_approve, make_roles
from reservrutin.registry.models import RoleAssignment
from reservrutin.test import BaseTestCase, make_user


@time_machine.travel("2026-06-15 10:00 +0200", tick=False)
class TickItemTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.roles = make_roles(self.org_a)
        import_and_approve()
        self.item = ReadinessItem.objects.get(unit=self.unit_a, item_key="insatsschema-helger")

    def test_sod_17_it_records_the_check_and_sets_the_next_deadline(self) -> None:
        check = tick_item(self.item, by=self.maria, note="Utskrivet t.o.m. söndag")
        self.item.refresh_from_db()
        self.assertEqual((check.done_by, check.done_at), (self.maria, clock.now()))
        self.assertEqual(self.item.last_done_by, self.maria)
        self.assertEqual(clock.local(self.item.next_due_at).date(), dt.date(2026, 6, 18))
        self.assertEqual(self.item.note, "Utskrivet t.o.m. söndag")

    def test_it_lets_org_admins_and_the_unit_manager_tick(self) -> None:
        tick_item(self.item, by=self.adam)
        tick_item(self.item, by=self.maria)
        self.assertEqual(ReadinessCheck.objects.count(), 2)

    def test_it_refuses_staff_coordinators_and_outsiders(self) -> None:
        for user in (self.alice, self.carl, self.bob, self.petra):
            with self.assertRaises(PermissionDenied, msg=user.username):
                tick_item(self.item, by=user)
        self.assertFalse(ReadinessCheck.objects.exists())

    def test_it_refuses_the_manager_of_another_unit(self) -> None:
        other = ReadinessItem.objects.get(unit=self.unit_a2, item_key="ups-a2")
        with self.assertRaises(PermissionDenied):
            tick_item(other, by=self.maria)

    def test_it_lets_holders_of_the_responsible_role_in_the_unit_tick(self) -> None:
        # Alice plans the schedule for unit A; a planner of another unit may not tick it.
        RoleAssignment.objects.create(role=self.roles["planerare"], user=self.alice)
        tick_item(self.item, by=self.alice)
        olle = make_user("olle")
        Membership.objects.create(
            user=olle, organisation=self.org_a, unit=self.unit_a2, role=Membership.Role.STAFF
        )
        RoleAssignment.objects.create(role=self.roles["planerare"], user=olle)
        with self.assertRaises(PermissionDenied):
            tick_item(self.item, by=olle)

    def test_it_lets_the_named_person_tick(self) -> None:
        self.item.responsible_person = self.alice
        self.item.save(update_fields=["responsible_person"])
        tick_item(self.item, by=self.alice)

    def test_found_missing_keeps_the_item_due(self) -> None:
        tick_item(self.item, by=self.maria)
        tick_item(self.item, by=self.maria, found_missing=True, note="Schemat saknades")
        self.item.refresh_from_db()
        self.assertTrue(self.item.is_overdue(clock.now()))
        self.assertTrue(ReadinessCheck.objects.filter(found_missing=True).exists())

    def test_the_score_is_the_share_of_current_items(self) -> None:
        (score,) = unit_scores([self.unit_a], clock.now())
        self.assertEqual((score.total, score.current), (3, 0))
        tick_item(self.item, by=self.maria)
        (score,) = unit_scores([self.unit_a], clock.now())
        self.assertEqual((score.current, score.percent), (1, 33))
        self.assertEqual(len(score.worst), 2)


@time_machine.travel("2026-06-15 10:00 +0200", tick=False)
class AddLocalItemTestCase(BaseTestCase):
    def test_tes_03_the_unit_manager_adds_a_local_item(self) -> None:
        item = add_local_item(
            self.unit_a, by=self.maria, text="Nycklar i nyckelskåpet", recurrence="weekly"
        )
        self.assertTrue(item.is_local)
        self.assertTrue(item.is_overdue(clock.now()))

    def test_tes_03_staff_and_other_managers_may_not(self) -> None:
        for user in (self.alice, self.carl, self.bob):
            with self.assertRaises(PermissionDenied):
                add_local_item(self.unit_a, by=user, text="x", recurrence="weekly")
        with self.assertRaises(PermissionDenied):
            add_local_item(self.unit_a2, by=self.maria, text="x", recurrence="weekly")
