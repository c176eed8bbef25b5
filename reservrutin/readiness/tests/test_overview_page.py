"""The organisation overview: every unit's readiness score and worst items, with CSV
export, for coordinators and admins; unit managers see their own units (SOD-09)."""

from __future__ import annotations

import time_machine
from django.urls import reverse

from reservrutin.accounts.models import Unit
from reservrutin.readiness.actions import sync_organisation, tick_item
from reservrutin.readiness.models import ReadinessItem
from reservrutin.readiness.tests.helpers import import_and_approve, make_roles
from reservrutin.test import BaseTestCase


@time_machine.travel("2026-06-15 10:00 +0200", tick=False)
class OverviewPageTestCase(BaseTestCase):
    def setUp(self) -> None:
        make_roles(self.org_a)
        import_and_approve()
        for item in ReadinessItem.objects.filter(unit=self.unit_a).exclude(
            item_key="datorer-laddade"
        ):
            tick_item(item, by=self.adam)
        self.url = reverse("readiness:overview", args=["org-a"])
        self.csv_url = reverse("readiness:overview_csv", args=["org-a"])

    def test_it_shows_every_unit_with_score_and_worst_items_to_coordinators(self) -> None:
        self.login(self.carl)
        response = self.client.get(self.url)
        self.assertContains(response, "Avdelning A2")
        self.assertContains(response, "67 %")
        self.assertContains(response, "Bärbara datorer")

    def test_unit_managers_see_their_units_only(self) -> None:
        self.login(self.maria)
        response = self.client.get(self.url)
        self.assertContains(response, "Avdelning A")
        self.assertNotContains(response, "Avdelning A2")

    def test_staff_are_forbidden_and_outsiders_get_404(self) -> None:
        self.login(self.alice)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        self.assertEqual(self.client.get(self.csv_url).status_code, 403)
        self.login(self.bob)
        self.assertEqual(self.client.get(self.url).status_code, 404)

    def test_it_exports_csv(self) -> None:
        self.login(self.adam)
        response = self.client.get(self.csv_url)
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        text = response.content.decode("utf-8-sig")
        self.assertIn("Avdelning A;2;3;67;Bärbara datorer och iPads är laddade.", text)

    def test_it_uses_few_queries(self) -> None:
        self.login(self.adam)
        self.client.get(self.url)
        with self.assertNumQueries(10):
            self.client.get(self.url)
        # More units do not mean more queries.
        for n in range(3):
            Unit.objects.create(organisation=self.org_a, key=f"extra-{n}", name=f"Extra {n}")
        sync_organisation(self.org_a)
        with self.assertNumQueries(10):
            self.client.get(self.url)
