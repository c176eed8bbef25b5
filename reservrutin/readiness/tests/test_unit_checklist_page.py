"""The unit checklist page: persona matrix (SOD-09: the unit manager answers for the unit's
preparedness; staff of the unit read), ticking and local items (TES-03)."""

from __future__ import annotations

import time_machine
from django.urls import reverse

from reservrutin.readiness.models import ReadinessCheck, ReadinessItem
from reservrutin.readiness.tests.helpers import import_and_approve, make_roles
from reservrutin.test import BaseTestCase


@time_machine.travel("2026-06-15 10:00 +0200", tick=False)
class UnitChecklistPageTestCase(BaseTestCase):
    def setUp(self) -> None:
        make_roles(self.org_a)
        import_and_approve()
        self.url = reverse("readiness:unit", args=["org-a", "unit-a"])
        self.item = ReadinessItem.objects.get(unit=self.unit_a, item_key="datorer-laddade")
        self.tick_url = reverse("readiness:tick", args=["org-a", "unit-a", self.item.code])
        self.add_url = reverse("readiness:add_item", args=["org-a", "unit-a"])

    def test_it_requires_login(self) -> None:
        self.assert_requires_login(self.url)
        self.assert_requires_login(reverse("readiness:overview", args=["org-a"]))

    def test_sod_09_it_hides_the_unit_from_outsiders(self) -> None:
        self.login(self.bob)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.assertEqual(self.client.post(self.tick_url).status_code, 404)

    def test_sod_09_staff_of_the_unit_read_but_cannot_tick(self) -> None:
        self.login(self.alice)
        response = self.client.get(self.url)
        self.assertContains(response, "Bärbara datorer")
        self.assertNotContains(response, "Bocka av</button>")
        self.assertNotContains(response, "Lägg till en lokal punkt")
        self.assertEqual(self.client.post(self.tick_url).status_code, 403)
        self.assertFalse(ReadinessCheck.objects.exists())

    def test_staff_of_another_unit_do_not_see_it(self) -> None:
        self.login(self.alice)
        url = reverse("readiness:unit", args=["org-a", "unit-a2"])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_sod_09_the_unit_manager_ticks_with_a_note(self) -> None:
        self.login(self.maria)
        response = self.client.get(self.url)
        self.assertContains(response, 'class="overdue"')
        response = self.client.post(self.tick_url, {"note": "Alla laddade"})
        self.assertRedirects(response, self.url)
        check = ReadinessCheck.objects.get()
        self.assertEqual((check.done_by, check.note), (self.maria, "Alla laddade"))
        self.assertContains(self.client.get(self.url), "Alla laddade")

    def test_the_org_admin_ticks(self) -> None:
        self.login(self.adam)
        self.assertRedirects(self.client.post(self.tick_url), self.url)

    def test_the_coordinator_reads_but_cannot_tick(self) -> None:
        self.login(self.carl)
        self.assertEqual(self.client.get(self.url).status_code, 200)
        self.assertEqual(self.client.post(self.tick_url).status_code, 403)

    def test_tes_03_the_unit_manager_adds_a_local_item(self) -> None:
        self.login(self.maria)
        response = self.client.post(
            self.add_url, {"text": "Reservnycklar i nyckelskåpet", "recurrence": "weekly"}
        )
        self.assertRedirects(response, self.url)
        self.assertContains(self.client.get(self.url), "Reservnycklar i nyckelskåpet")

    def test_tes_03_staff_cannot_add_and_bad_input_is_shown(self) -> None:
        self.login(self.alice)
        self.assertEqual(self.client.post(self.add_url, {"text": "x"}).status_code, 403)
        self.login(self.maria)
        response = self.client.post(self.add_url, {"text": "", "recurrence": "sometimes"})
        self.assertEqual(response.status_code, 400)

    def test_it_rejects_a_bad_item_code(self) -> None:
        self.login(self.maria)
        url = reverse("readiness:tick", args=["org-a", "unit-a2", self.item.code])
        self.assertEqual(self.client.post(url).status_code, 404)
