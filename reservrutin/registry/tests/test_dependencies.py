"""What is affected when something is down, both ways (SOD-01, SOD-07, SOD-08, SOD-10)."""

from __future__ import annotations

from django.test import TestCase

from reservrutin.registry.demo.load import load
from reservrutin.registry.models import Dependency, System
from reservrutin.registry.queries import (
    DependencyPath,
    affected_if_down,
    dependants_by_cause,
    dependency_edges,
    needed_by,
)
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

    def test_sod_08_the_walk_from_a_cause_gives_each_dependant_its_shortest_way(self) -> None:
        s = self.systems
        org = s["lifecare"].organisation
        found = dependants_by_cause(dependency_edges(org), [s["mobilnat"].pk])
        by_key = {k: found.get(v.pk) for k, v in s.items()}
        # The apps need the network directly (with the registry's note), not only through
        # the BankID login.
        app = by_key["lmo-app"]
        self.assertEqual(len(app), 1)
        self.assertEqual((app[0].kind, app[0].via), ("network", ()))
        self.assertIn("offline cirka 8 timmar", app[0].note)
        self.assertEqual(by_key["bankid-login"][0].kind, "network")
        self.assertIsNone(by_key["lifecare"])
        self.assertIsNone(by_key["mobilnat"])  # a cause is not its own dependant

    def test_sod_10_a_dependant_through_others_names_the_way_and_its_own_first_step(
        self,
    ) -> None:
        edges = [(1, 2, "login", "note 1→2"), (2, 3, "network", ""), (4, 1, "integration", "")]
        found = dependants_by_cause(edges, [3])
        self.assertEqual(found[2], [DependencyPath(2, 3, "network", "", ())])
        self.assertEqual(found[1], [DependencyPath(1, 3, "login", "note 1→2", (2,))])
        self.assertEqual(found[4], [DependencyPath(4, 3, "integration", "", (1, 2))])

    def test_the_walk_ends_on_a_cycle_in_the_rows(self) -> None:
        # The registry refuses cycles, but rows written around it must not hang a page.
        edges = [(1, 2, "login", ""), (2, 3, "network", ""), (3, 1, "hosting", "")]
        found = dependants_by_cause(edges, [2, 3])
        self.assertEqual(
            {k: [p.cause_id for p in v] for k, v in found.items()}, {1: [2, 3], 3: [2], 2: [3]}
        )
