"""The outage list and page: personas (read-only staff, coordinators, outsiders)."""

from __future__ import annotations

from django.urls import reverse

from reservrutin.outages.tests.factories import make_outage, make_task
from reservrutin.test import BaseTestCase


class OutageDetailViewTest(BaseTestCase):
    def setUp(self) -> None:
        self.outage = make_outage(self.org_a, [self.system_a])
        self.url = reverse("outages:detail", args=["org-a", self.outage.code])

    def test_it_shows_staff_a_read_only_page(self) -> None:
        self.login(self.alice)
        response = self.client.get(self.url)
        self.assertContains(response, "Störning i System A")
        self.assertContains(response, "Anmält")
        self.assertNotContains(response, "Samordna")

    def test_it_shows_coordinators_and_admins_the_forms(self) -> None:
        for user in (self.carl, self.adam):
            self.login(user)
            response = self.client.get(self.url)
            self.assertContains(response, "Samordna")
            self.assertContains(response, "Spara prognos")

    def test_it_hides_the_outage_from_outsiders(self) -> None:
        self.login(self.bob)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.assertEqual(self.client.get(reverse("outages:list", args=["org-a"])).status_code, 404)

    def test_it_requires_login(self) -> None:
        self.assert_requires_login(self.url)
        self.assert_requires_login(reverse("outages:list", args=["org-a"]))

    def test_it_lists_open_outages(self) -> None:
        self.login(self.alice)
        response = self.client.get(reverse("outages:list", args=["org-a"]))
        self.assertContains(response, "Störning i System A")

    def test_it_shows_tasks_for_my_roles_and_lets_me_complete_them(self) -> None:
        task = make_task(self.outage)
        other = make_task(self.outage, role_key="systemansvarig", instruction="Ring leverantören")
        self.login(self.alice)
        response = self.client.get(self.url)
        self.assertContains(response, "Informera kollegorna")
        self.assertNotContains(response, "Ring leverantören")
        done = reverse("outages:task_done", args=["org-a", self.outage.code, task.code])
        self.assertEqual(self.client.post(done).status_code, 302)
        task.refresh_from_db()
        self.assertEqual(task.done_by, self.alice)
        forbidden = reverse("outages:task_done", args=["org-a", self.outage.code, other.code])
        self.assertEqual(self.client.post(forbidden).status_code, 403)

    def test_it_exports_the_timeline_as_csv(self) -> None:
        self.login(self.alice)
        response = self.client.get(
            reverse("outages:timeline_csv", args=["org-a", self.outage.code])
        )
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn("Registrerad.", response.content.decode("utf-8"))
        self.login(self.bob)
        response = self.client.get(
            reverse("outages:timeline_csv", args=["org-a", self.outage.code])
        )
        self.assertEqual(response.status_code, 404)
