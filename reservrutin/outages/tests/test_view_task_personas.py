"""Persona matrix for the task views (tick, take over, "jag kan inte") and the paper
checklist: anonymous → login, outsider → 404, a GET on an action → 405, and what staff,
coordinators, unit managers and admins of the organisation may do."""

from __future__ import annotations

from django.urls import reverse

from reservrutin.outages.models import Task
from reservrutin.outages.tests.factories import make_outage, make_task
from reservrutin.registry.models import Role, RoleAssignment
from reservrutin.test import BaseTestCase


class TaskViewPersonasTest(BaseTestCase):
    def setUp(self) -> None:
        self.outage = make_outage(self.org_a, [self.system_a])
        admin_role = Role.objects.create(
            organisation=self.org_a, key="administrator", name="Administratör"
        )
        RoleAssignment.objects.create(role=admin_role, user=self.maria)
        self.everyone = make_task(self.outage, instruction="Informera kollegorna")
        self.personal = make_task(
            self.outage,
            instruction="Efterregistrera dina tider",
            role_key="medarbetare",
            assignee=self.alice,
            source=Task.Source.RESOLUTION,
            source_key="resolution:0:0",
            fallback_role_key="administrator",
            fallback_instruction="Efterregistrera i TES Webb.",
        )

    def _url(self, name: str, task: Task) -> str:
        return reverse(name, args=["org-a", self.outage.code, task.code])

    def _actions(self) -> list[str]:
        return [
            self._url(name, self.personal)
            for name in ("outages:task_done", "outages:task_take_over", "outages:task_hand_over")
        ]

    def test_it_sends_anonymous_visitors_to_the_login_page(self) -> None:
        for url in [*self._actions(), self._checklist()]:
            response = self.client.post(url) if "uppgifter" in url else self.client.get(url)
            self.assertEqual(response.status_code, 302, url)
            self.assertIn("/logga-in/", response["Location"])

    def test_it_hides_everything_from_outsiders(self) -> None:
        self.login(self.bob)
        for url in self._actions():
            self.assertEqual(self.client.post(url, {"reason": "x"}).status_code, 404, url)
        self.assertEqual(self.client.get(self._checklist()).status_code, 404)
        self.personal.refresh_from_db()
        self.assertTrue(self.personal.is_open)

    def test_it_answers_a_get_on_an_action_with_405(self) -> None:
        self.login(self.alice)
        for url in self._actions():
            self.assertEqual(self.client.get(url).status_code, 405, url)

    def test_it_lets_staff_tick_their_own_and_everyones_tasks(self) -> None:
        self.login(self.alice)
        for task in (self.personal, self.everyone):
            self.assertEqual(
                self.client.post(self._url("outages:task_done", task)).status_code, 302
            )

    def test_it_refuses_staff_a_takeover(self) -> None:
        self.login(self.alice)
        response = self.client.post(
            self._url("outages:task_take_over", self.everyone), {"reason": "Jag gör det"}
        )
        self.assertContains(response, "Bara en samordnare", status_code=403)

    def test_it_lets_the_fallback_role_say_that_the_owner_cannot(self) -> None:
        self.login(self.maria)  # holds the fallback role (administrator)
        response = self.client.post(
            self._url("outages:task_hand_over", self.personal), {"reason": "Ledig"}
        )
        self.assertEqual(response.status_code, 302)
        fallback = Task.objects.get(replaces=self.personal)
        self.assertEqual((fallback.role_key, fallback.on_behalf_of), ("administrator", self.alice))

    def test_it_refuses_a_hand_over_by_someone_else(self) -> None:
        self.login(self.petra)
        response = self.client.post(
            self._url("outages:task_hand_over", self.personal), {"reason": "Ledig"}
        )
        self.assertContains(response, "Bara Alice Andersson själv", status_code=403)

    def test_it_lets_coordinators_and_admins_take_over(self) -> None:
        for user, task in ((self.carl, self.personal), (self.adam, self.everyone)):
            self.login(user)
            response = self.client.post(
                self._url("outages:task_take_over", task), {"reason": "Hon är på väg hem"}
            )
            self.assertEqual(response.status_code, 302)
            task.refresh_from_db()
            self.assertEqual(task.assignee, user)

    def test_it_shows_staff_the_hand_over_button_on_their_own_task_only(self) -> None:
        detail = reverse("outages:detail", args=["org-a", self.outage.code])
        self.login(self.alice)
        page = self.client.get(detail)
        self.assertContains(page, "Jag kan inte – anmäl frånvaro")
        self.assertNotContains(page, "Ta över steget")
        self.login(self.carl)
        page = self.client.get(detail)
        self.assertContains(page, "Ta över steget")
        self.login(self.petra)
        self.assertNotContains(self.client.get(detail), "Jag kan inte – anmäl frånvaro")

    def _checklist(self) -> str:
        return reverse("outages:checklist_pdf", args=["org-a", self.outage.code])

    def test_it_gives_every_member_the_checklist(self) -> None:
        for user in (self.alice, self.carl, self.petra, self.maria, self.adam):
            self.login(user)
            response = self.client.get(self._checklist())
            self.assertEqual(response.status_code, 200, user)
            self.assertEqual(response["Content-Type"], "application/pdf")
