"""A step the routine gives to a role is ticked only by a holder of that role; a coordinator
takes it over explicitly, with a reason on the timeline; others are told whose step it is
(issue 12)."""

from __future__ import annotations

from django.urls import reverse

from reservrutin.outages.models import TimelineEntry
from reservrutin.outages.tests.factories import make_outage, make_task
from reservrutin.registry.models import Role, RoleAssignment
from reservrutin.test import BaseTestCase


class TaskRolesTest(BaseTestCase):
    def setUp(self) -> None:
        self.outage = make_outage(self.org_a, [self.system_a])
        role = Role.objects.create(organisation=self.org_a, key="kundservice", name="Kundservice")
        RoleAssignment.objects.create(role=role, user=self.alice)
        self.task = make_task(
            self.outage, role_key="kundservice", instruction="Lägg ut lavinmeddelande"
        )
        self.args = ["org-a", self.outage.code, self.task.code]

    def _tick(self, **data: str):
        return self.client.post(reverse("outages:task_done", args=self.args), data)

    def _take_over(self, reason: str):
        return self.client.post(
            reverse("outages:task_take_over", args=self.args), {"reason": reason}
        )

    def test_it_lets_a_holder_of_the_role_tick_it(self) -> None:
        self.login(self.alice)
        self.assertEqual(self._tick().status_code, 302)
        self.task.refresh_from_db()
        self.assertEqual(self.task.done_by, self.alice)

    def test_it_tells_another_role_whose_step_it_is(self) -> None:
        self.login(self.maria)
        response = self._tick()
        self.assertEqual(response.status_code, 403)
        self.assertContains(
            response, "Steget tillhör Kundservice (i tjänst nu: Alice Andersson).", status_code=403
        )
        self.assertContains(response, "En samordnare kan ta över det", status_code=403)
        self.task.refresh_from_db()
        self.assertIsNone(self.task.done_at)

    def test_it_refuses_a_coordinator_who_has_not_taken_it_over(self) -> None:
        self.login(self.carl)
        response = self._tick()
        self.assertContains(response, "Steget tillhör Kundservice", status_code=403)
        self.assertContains(response, "Ta över steget med en motivering", status_code=403)

    def test_it_lets_a_coordinator_take_over_with_a_reason_on_the_timeline(self) -> None:
        self.login(self.carl)
        self.assertEqual(self._take_over("Kundservice svarar inte, kön växer").status_code, 302)
        self.task.refresh_from_db()
        self.assertEqual(self.task.assignee, self.carl)
        self.assertIsNotNone(self.task.taken_over_at)
        entry = self.outage.timeline.filter(kind=TimelineEntry.Kind.TASK).get()
        self.assertIn("Carl Carlsson tog över steget", entry.text)
        self.assertIn("från Kundservice: Kundservice svarar inte, kön växer", entry.text)
        self.assertEqual(entry.actor, self.carl)
        self.assertEqual(self._tick().status_code, 302)
        self.task.refresh_from_db()
        self.assertEqual(self.task.done_by, self.carl)
        # Now it is the coordinator's: the role holder no longer ticks it.
        page = self.client.get(reverse("outages:detail", args=["org-a", self.outage.code]))
        self.assertContains(page, "Kundservice svarar inte")

    def test_it_refuses_a_takeover_without_a_reason_and_keeps_the_form(self) -> None:
        self.login(self.carl)
        response = self._take_over("   ")
        self.assertContains(response, "Skriv varför du tar över steget", status_code=400)
        self.assertContains(response, f'id="ta-over-{self.task.code}"', status_code=400)
        self.assertContains(response, "<details open><summary>Ta över steget", status_code=400)
        self.task.refresh_from_db()
        self.assertIsNone(self.task.assignee)

    def test_it_refuses_a_takeover_by_someone_not_coordinating(self) -> None:
        self.login(self.maria)
        response = self._take_over("Jag hinner")
        self.assertContains(response, "Bara en samordnare kan ta över ett steg.", status_code=403)
        self.task.refresh_from_db()
        self.assertIsNone(self.task.assignee)

    def test_it_understands_a_partner_role_reference(self) -> None:
        """``org:key`` names the partner's role: a holder of the own role with the same key
        does not own it."""
        partner_role = Role.objects.create(
            organisation=self.org_b, key="kundservice", name="Kundservice B"
        )
        RoleAssignment.objects.create(role=partner_role, user=self.bob)
        task = make_task(self.outage, role_key="org-b:kundservice", instruction="Ring B")
        self.login(self.alice)
        response = self.client.post(
            reverse("outages:task_done", args=["org-a", self.outage.code, task.code])
        )
        self.assertContains(response, "Steget tillhör Kundservice B", status_code=403)
