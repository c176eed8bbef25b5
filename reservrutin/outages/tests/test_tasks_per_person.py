"""TES-10 with one task per person: every employee back-registers their own times; one with
a day off tells an administrator, who then gets a task naming them (issue 12)."""

from __future__ import annotations

from django.urls import reverse

from reservrutin.accounts.models import Membership, User
from reservrutin.outages import actions, queries
from reservrutin.outages.models import Outage, Task, TimelineEntry
from reservrutin.outages.tests.helpers import DemoTestCase, at, local
from reservrutin.registry.models import Role, RoleAssignment
from reservrutin.test import make_user

NAMES = ["Anna Berg", "Bo Carlsson", "Cecilia Dahl", "David Ek", "Eva Fors"]


class TasksPerPersonTest(DemoTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        linkoping = cls.org("linkoping")
        employee = Role.objects.get(organisation=linkoping, key="medarbetare")
        # Jonas Ström (demo) and five more: six employees.
        for name in NAMES:
            user = make_user(name.split()[0].lower(), name)
            Membership.objects.create(user=user, organisation=linkoping, role=Membership.Role.STAFF)
            RoleAssignment.objects.create(role=employee, user=user)
        cls.employees = list(
            User.objects.filter(role_assignments__role=employee).order_by("full_name")
        )

    def _resolved(self) -> Outage:
        mikael = self.user("mikael.sund")
        with at(7):
            submitted = self.report("linkoping", ["tes"], by=self.user("jonas.strom"))
            actions.confirm_outage(
                submitted.outage, by=mikael, scenario_key="oplanerat-driftstopp-tes"
            )
        with at(13):
            return actions.resolve_outage(submitted.outage, at=local(13), by=mikael)

    def _personal(self, outage: Outage) -> Task:
        return outage.tasks.filter(source=Task.Source.RESOLUTION)

    def test_it_gives_each_of_six_employees_a_task_of_their_own(self) -> None:
        outage = self._resolved()
        tasks = self._personal(outage)
        self.assertEqual(len(self.employees), 6)
        self.assertEqual({t.assignee for t in tasks}, set(self.employees))
        self.assertEqual({t.role_key for t in tasks}, {"medarbetare"})
        # The generic administrator task of the old routine is gone: the fallback comes
        # only for someone who cannot.
        self.assertFalse(outage.tasks.filter(role_key="administrator").exists())

    def test_it_one_on_leave_gives_five_personal_tasks_and_one_administrator_task(
        self,
    ) -> None:
        outage = self._resolved()
        jonas = self.user("jonas.strom")
        elin = self.user("elin.falk")  # administrator
        with at(14):
            # Jonas has a day off tomorrow and phones Elin, who says so in Reservrutin.
            fallback = actions.hand_over_task(
                self._personal(outage).get(assignee=jonas), by=elin, reason="Ledig i morgon"
            )
        open_personal = self._personal(outage).open()
        self.assertEqual(open_personal.count(), 5)
        self.assertNotIn(jonas, {t.assignee for t in open_personal})
        admin_tasks = outage.tasks.filter(role_key="administrator")
        self.assertEqual(list(admin_tasks), [fallback])
        self.assertEqual(fallback.on_behalf_of, jonas)
        self.assertIn("Jonas Ström", fallback.instruction)
        self.assertIn("TES Webb", fallback.instruction)
        entry = outage.timeline.filter(kind=TimelineEntry.Kind.TASK).last()
        self.assertIn("Jonas Ström kan inte", entry.text)
        self.assertIn("Ledig i morgon", entry.text)
        self.assertEqual(entry.actor, elin)

    def test_it_lets_each_employee_tick_only_their_own(self) -> None:
        outage = self._resolved()
        anna, bo = self.user("anna"), self.user("bo")
        annas = self._personal(outage).get(assignee=anna)
        with at(14):
            with self.assertRaises(actions.NotYourTask) as refused:
                actions.complete_task(annas, by=bo)
            self.assertIn("Anna Berg", refused.exception.message)
            actions.complete_task(annas, by=anna)
        self.assertEqual(self._personal(outage).filter(done_at__isnull=False).count(), 1)

    def test_it_shows_seven_of_nine_style_progress_with_who_is_left(self) -> None:
        outage = self._resolved()
        with at(14):
            for person in self.employees[:4]:
                actions.complete_task(self._personal(outage).get(assignee=person), by=person)
        mikael = self.user("mikael.sund")
        (group,) = [
            g
            for g in queries.task_board(outage, mikael, mine_only=False)
            if g.first.source == Task.Source.RESOLUTION
        ]
        self.assertEqual((group.done, group.total), (4, 6))
        self.assertEqual({t.assignee for t in group.left}, set(self.employees[4:]))
        self.client.force_login(mikael)
        page = self.client.get(reverse("outages:detail", args=["linkoping", outage.code]))
        self.assertContains(page, "4 av 6 klara")
        for person in self.employees[4:]:
            self.assertContains(page, str(person))

    def test_it_counts_a_handed_over_task_done_when_the_administrator_is_done(self) -> None:
        outage = self._resolved()
        jonas, elin = self.user("jonas.strom"), self.user("elin.falk")
        with at(14):
            fallback = actions.hand_over_task(
                self._personal(outage).get(assignee=jonas), by=jonas, reason="Ledig"
            )
            with self.assertRaises(actions.NotYourTask):
                actions.complete_task(fallback, by=self.user("anna"))
            actions.complete_task(fallback, by=elin)
        (group,) = [
            g
            for g in queries.task_board(outage, elin, mine_only=False)
            if g.first.source == Task.Source.RESOLUTION
        ]
        self.assertEqual((group.done, group.total), (1, 6))

    def test_it_refuses_a_hand_over_by_a_colleague_or_without_a_reason(self) -> None:
        outage = self._resolved()
        jonas = self.user("jonas.strom")
        task = self._personal(outage).get(assignee=jonas)
        with at(14):
            with self.assertRaises(actions.NotYourTask):
                actions.hand_over_task(task, by=self.user("anna"), reason="Ledig")
            with self.assertRaises(actions.OutageError) as empty:
                actions.hand_over_task(task, by=jonas, reason="  ")
        self.assertEqual(empty.exception.field, "reason")
        self.assertFalse(outage.tasks.filter(source=Task.Source.FALLBACK).exists())


class TasksPerPersonOnDutyTest(DemoTestCase):
    """``each: person_on_duty`` in a scenario step: only those on duty when it is created
    ("everyone on duty at a unit must be told"); nobody holding the role → one role task."""

    def _run(self, hour: int, who: str = "medarbetare") -> list[Task]:
        from reservrutin.outages.engine import run_steps
        from reservrutin.routines import schema

        step = schema.TaskStep.model_validate(
            {"kind": "task", "id": "las", "who": who, "each": "person_on_duty", "what": "Läs."}
        )
        with at(7):
            outage = self.report("linkoping", ["tes"], by=self.user("jonas.strom")).outage
        with at(hour):
            run_steps(outage, None, [step], source=Task.Source.STEP, prefix="t", at=local(hour))
        return list(outage.tasks.filter(source_key="t:las"))

    def test_it_gives_a_task_to_each_holder_on_duty_now(self) -> None:
        employee = Role.objects.get(organisation__key="linkoping", key="medarbetare")
        office = self.user("elin.falk").role_assignments.get().schedule  # kontorstid
        RoleAssignment.objects.create(role=employee, user=self.user("fatima.ali"), schedule=office)
        evening = self._run(20)
        self.assertEqual([t.assignee for t in evening], [self.user("jonas.strom")])

    def test_it_keeps_one_role_task_when_nobody_holds_the_role(self) -> None:
        (task,) = self._run(10, who="ansvarig-sjukskoterska")
        self.assertIsNone(task.assignee)
        self.assertEqual(task.role_key, "ansvarig-sjukskoterska")
