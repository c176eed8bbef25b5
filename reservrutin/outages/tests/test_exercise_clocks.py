"""Exercises: one ÖVNING mark everywhere, and every clock the outage touches compressed by
``time_factor`` (issue 12): timers, acknowledge timeouts, due times of tasks, the resolution
rules by duration (TES-10's 10 hours) and the back-registration deadline."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from reservrutin.lib import clock
from reservrutin.outages import actions
from reservrutin.outages.models import Escalation, Outage, Task, Timer
from reservrutin.outages.tests.helpers import at, local
from reservrutin.outages.tests.lifecycle_routine import LifecycleCase
from reservrutin.records.actions import back_registration_due_at
from reservrutin.routines.models import Routine

SPEED = 60.0


class ExerciseClocksTest(LifecycleCase):
    def exercise(self) -> Outage:
        version = Routine.objects.get(key="rutin-livscykel").version_in_force()
        outage = actions.open_exercise_outage(
            self.org_a,
            title="ÖVNING: System A nere för alla",
            description="Övning.",
            routine_version=version,
            time_factor=SPEED,
            systems=[self.system_a],
            by=self.carl,
            at=clock.now(),
        )
        return actions.confirm_outage(outage, by=self.carl, scenario_key="nere")

    def test_the_title_carries_no_mark_and_the_page_shows_one(self) -> None:
        with at(10):
            outage = self.exercise()
        self.assertEqual(outage.title, "System A nere för alla")
        self.login(self.carl)
        response = self.client.get(reverse("outages:detail", args=[self.org_a.key, outage.code]))
        self.assertContains(response, "ÖVNING: System A nere för alla")
        self.assertNotContains(response, "ÖVNING: ÖVNING")
        self.assertEqual(actions.exercise_title("ÖVNING: ÖVNING – Test"), "Test")

    def test_timers_acknowledge_timeouts_and_task_deadlines_are_compressed(self) -> None:
        with at(10):
            outage = self.exercise()
        timer = Timer.objects.get(outage=outage)
        self.assertEqual(timer.due_at, local(10) + dt.timedelta(minutes=4))  # 4 h / 60
        escalation = Escalation.objects.filter(outage=outage).first()
        assert escalation is not None
        self.assertEqual(escalation.due_at, local(10) + dt.timedelta(seconds=15))  # 15 min / 60
        # "same_day": 13 h 59 min of routine time to 23:59 is 13 min 59 s of exercise.
        parm = Task.objects.get(outage=outage, instruction="Ta fram driftstoppspärmen.")
        self.assertEqual(parm.due_at, local(10) + dt.timedelta(minutes=13, seconds=59))

    def test_the_resolution_rules_count_routine_time(self) -> None:
        """11 real minutes at speed 60 are 11 routine hours: TES-10's "over 10 hours"."""
        with at(10):
            outage = self.exercise()
        with at(10, 11):
            actions.resolve_outage(outage, at=clock.now(), by=self.carl)
        instructions = set(outage.tasks.values_list("instruction", flat=True))
        self.assertIn("Förvaltningen bestämmer hur.", instructions)
        self.assertNotIn("Var och en efterregistrerar.", instructions)

    def test_nine_minutes_are_the_up_to_ten_hours_branch(self) -> None:
        with at(10):
            outage = self.exercise()
        with at(10, 9):
            actions.resolve_outage(outage, at=clock.now(), by=self.carl)
        instructions = set(outage.tasks.values_list("instruction", flat=True))
        self.assertIn("Var och en efterregistrerar.", instructions)
        self.assertNotIn("Förvaltningen bestämmer hur.", instructions)

    def test_the_back_registration_deadline_is_compressed(self) -> None:
        with at(10):
            outage = self.exercise()
        with at(10, 5):
            actions.resolve_outage(outage, at=clock.now(), by=self.carl)
        outage.refresh_from_db()
        real = Outage(time_factor=1.0, resolved_at=outage.resolved_at)
        routine_deadline = back_registration_due_at(real, entered_at=clock.now())
        self.assertEqual(
            back_registration_due_at(outage, entered_at=clock.now()),
            outage.resolved_at + (routine_deadline - outage.resolved_at) / SPEED,
        )

    def test_a_real_report_never_joins_an_exercise(self) -> None:
        with at(10):
            exercise = self.exercise()
            real = self.report()
        self.assertNotEqual(real, exercise)
        self.assertFalse(real.is_exercise)
        self.assertFalse(exercise.reports.exists())
