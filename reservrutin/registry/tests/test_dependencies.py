"""What is affected when something is down, both ways (SOD-01, SOD-07, SOD-08, SOD-10)."""

from __future__ import annotations

from django.test import TestCase

from reservrutin.registry.demo.load import load
from reservrutin.registry.models import Dependency, System
from reservrutin.registry.queries import affected_if_down, needed_by
from reservrutin.registry.validation import dependency_cycle_message


def keys(systems: list[System]) -> set[str]:
    return {s.key for s in systems}


class DependencyTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        load()
        cls.systems = {s.key: s for s in System.objects.filter(organisation__key="soderkoping")}

    def test_sod_01_the_affected_parts_are_listed(self) -> None:
        parts = set(self.systems["lifecare"].parts.values_list("key", flat=True))
        self.assertEqual(
            parts, {"myndighet", "hsl", "utforare", "planering", "avgift", "behorighet"}
        )
        self.assertEqual(
            set(self.systems["phoniro"].parts.values_list("kind", flat=True)),
            {"lock", "medicine_cabinet"},
        )
        self.assertEqual(self.systems["careium"].parts.count(), 4)

    def test_sod_07_a_power_cut_affects_systems_cabinets_and_alarms(self) -> None:
        affected = keys(affected_if_down(self.systems["el"]))
        self.assertTrue({"lifecare", "phoniro", "careium", "lmo-app", "home-care-app"} <= affected)
        note = Dependency.objects.get(
            system=self.systems["phoniro"], depends_on=self.systems["el"]
        ).note
        self.assertIn("åtta timmar", note)

    def test_sod_08_mobile_network_down_breaks_bankid_login_and_the_apps(self) -> None:
        affected = keys(affected_if_down(self.systems["mobilnat"]))
        self.assertEqual(affected, {"bankid-login", "lmo-app", "home-care-app"})

    def test_sod_10_login_service_down_affects_everything_that_logs_in_through_it(self) -> None:
        affected = keys(affected_if_down(self.systems["saml-ad-login"]))
        # directly Lifecare and Phoniro, and through them both apps
        self.assertEqual(affected, {"lifecare", "phoniro", "lmo-app", "home-care-app"})

    def test_it_answers_the_other_way_what_a_system_needs(self) -> None:
        needs = keys(needed_by(self.systems["lmo-app"]))
        self.assertTrue({"lifecare", "bankid-login", "mobilnat", "saml-ad-login", "el"} <= needs)

    def test_it_refuses_a_dependency_cycle_with_the_path_in_the_message(self) -> None:
        message = dependency_cycle_message(self.systems["mobilnat"], self.systems["lmo-app"])
        self.assertIsNotNone(message)
        self.assertIn("Mobilnätet 4G/5G → LMO-appen (Lifecare)", message)
        self.assertIsNone(dependency_cycle_message(self.systems["wifi"], self.systems["el"]))
