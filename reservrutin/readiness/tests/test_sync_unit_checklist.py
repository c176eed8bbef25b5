"""The routine in force's preparedness items become each unit's checklist (TES-03, TES-04,
SOD-14..SOD-19), respecting ``units``, idempotently."""

from __future__ import annotations

import time_machine

from reservrutin.lib import clock
from reservrutin.readiness.actions import sync_organisation, sync_unit_checklist
from reservrutin.readiness.models import ReadinessItem
from reservrutin.readiness.tests.helpers import PREPAREDNESS, import_and_approve, make_roles
from reservrutin.test import BaseTestCase


@time_machine.travel("2026-06-15 08:00 +0200", tick=False)
class SyncUnitChecklistTestCase(BaseTestCase):
    def setUp(self) -> None:
        make_roles(self.org_a)

    def test_it_creates_the_checklist_when_a_version_comes_into_force(self) -> None:
        import_and_approve()
        keys = set(
            ReadinessItem.objects.filter(unit=self.unit_a).values_list("item_key", flat=True)
        )
        self.assertEqual(keys, {"rutin-pa-papper", "insatsschema-helger", "datorer-laddade"})

    def test_it_respects_units(self) -> None:
        import_and_approve()
        self.assertTrue(ReadinessItem.objects.filter(unit=self.unit_a2, item_key="ups-a2").exists())
        self.assertFalse(ReadinessItem.objects.filter(unit=self.unit_a, item_key="ups-a2").exists())

    def test_it_makes_new_items_due_at_once(self) -> None:
        import_and_approve()
        item = ReadinessItem.objects.get(unit=self.unit_a, item_key="datorer-laddade")
        self.assertIsNotNone(item.next_due_at)
        self.assertEqual(item.responsible_role_key, "")
        self.assertEqual(item.recurrence, "daily")

    def test_it_is_idempotent(self) -> None:
        import_and_approve()
        before = list(ReadinessItem.objects.order_by("id").values())
        sync_unit_checklist(self.unit_a)
        sync_organisation(self.org_a)
        self.assertEqual(list(ReadinessItem.objects.order_by("id").values()), before)

    def test_it_deactivates_items_a_new_version_drops_and_keeps_local_ones(self) -> None:
        import_and_approve()
        local = ReadinessItem.objects.create(
            unit=self.unit_a, text="Lokal", recurrence="weekly", created_at=clock.now()
        )
        renamed = PREPAREDNESS.replace("key: rutin-pa-papper", "key: rutinen-utskriven")
        import_and_approve("2", preparedness=renamed)
        old = ReadinessItem.objects.get(unit=self.unit_a, item_key="rutin-pa-papper")
        self.assertFalse(old.active)
        new = ReadinessItem.objects.get(unit=self.unit_a, item_key="rutinen-utskriven")
        self.assertTrue(new.active)
        local.refresh_from_db()
        self.assertTrue(local.active)
