"""SLAs and parties are recorded (S2-03, S2-04)."""

from __future__ import annotations

from django.test import TestCase

from reservrutin.registry.demo.load import load
from reservrutin.registry.models import System


class ServiceLevelTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        load()

    def test_s2_04_the_sla_silver_b_is_recorded_for_the_s2_systems(self) -> None:
        for key in ("sesam-s2", "websesam", "visma-websesam"):
            with self.subTest(key=key):
                system = System.objects.get(organisation__key="region-skane", key=key)
                self.assertEqual(system.sla.name, "silver B")
                self.assertEqual(system.sla.supplier.key, "region-skane-it-leverantor")
                self.assertIsNotNone(system.sla.service_hours)

    def test_s2_03_parties_and_their_duties_are_recorded(self) -> None:
        system = System.objects.get(organisation__key="region-skane", key="visma-websesam")
        duties = {p.organisation.key: p.duties for p in system.parties.all()}
        self.assertIn("silver B", duties["region-skane-it-leverantor"])
        self.assertIn("felsökning", duties["visma"])
        self.assertIn("manuellt", duties["aktiv-ortopedteknik"])
