"""Exercises on compressed time: the real engine runs, the timer fires at the compressed
time, every message says ÖVNING and reaches participants only, the public status page shows
nothing, and the after-action report lists late tasks and missing preparedness."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import time_machine
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse

from reservrutin.lib import clock
from reservrutin.notifications.models import OutboxMessage
from reservrutin.outages import worker as outage_worker
from reservrutin.outages.actions import complete_task
from reservrutin.outages.models import Outage
from reservrutin.readiness.actions import add_local_item, tick_item
from reservrutin.readiness.exercises import (
    ExerciseError,
    end_exercise,
    exercise_report,
    start_exercise,
)
from reservrutin.readiness.models import Exercise
from reservrutin.readiness.tests.exercise_helpers import make_exercise_routine
from reservrutin.statuspage.models import Notice
from reservrutin.test import BaseTestCase

START = dt.datetime(2026, 6, 15, 8, 0, tzinfo=dt.UTC)


class StartExerciseTestCase(BaseTestCase):
    def setUp(self) -> None:
        # Maria takes part; Adam holds the same role but is not in the exercise.
        make_exercise_routine(self.org_a, [self.maria, self.adam])

    def start(self, **kwargs: object) -> Exercise:
        options: dict[str, object] = {
            "unit": self.unit_a,
            "speed": 60.0,
            "participants": [self.maria, self.carl],
            "by": self.carl,
        }
        options.update(kwargs)
        return start_exercise(self.org_a, "rutin-ovning", "nere", **options)  # type: ignore[arg-type]

    def test_it_creates_an_exercise_outage_and_runs_the_scenario(self) -> None:
        with time_machine.travel(START, tick=False):
            exercise = self.start()
        outage = exercise.outage
        self.assertTrue(outage.is_exercise)
        self.assertEqual(outage.time_factor, 60.0)
        self.assertEqual(outage.status, Outage.Status.CONFIRMED)
        self.assertEqual(outage.tasks.count(), 1)
        timer = outage.timers.get()
        # Four hours of routine time at speed 60 are four minutes.
        self.assertEqual(timer.due_at, START + dt.timedelta(minutes=4))

    def test_messages_say_ovning_and_reach_participants_only(self) -> None:
        with time_machine.travel(START, tick=False):
            self.start()
        messages = OutboxMessage.objects.all()
        self.assertTrue(messages.exists())
        self.assertEqual(
            set(messages.values_list("recipient", flat=True)),
            {"maria@example.org", "carl@example.org"},
        )
        for message in messages:
            self.assertTrue(message.is_exercise)
            self.assertTrue(message.body.startswith("ÖVNING"), message.body)

    def test_the_timer_fires_at_the_compressed_time(self) -> None:
        with time_machine.travel(START, tick=False):
            exercise = self.start()
        with time_machine.travel(START + dt.timedelta(minutes=3, seconds=59), tick=False):
            self.assertFalse(outage_worker.fire_one())
        with time_machine.travel(START + dt.timedelta(minutes=4), tick=False):
            self.assertTrue(outage_worker.fire_one())
        timer = exercise.outage.timers.get()
        self.assertEqual(timer.fired_at, START + dt.timedelta(minutes=4))
        self.assertEqual(exercise.outage.tasks.count(), 2)

    def test_the_public_status_page_shows_nothing(self) -> None:
        with time_machine.travel(START, tick=False):
            exercise = self.start()
        with time_machine.travel(START + dt.timedelta(minutes=5), tick=False):
            outage_worker.fire_one()
            self.assertTrue(Notice.objects.filter(outage=exercise.outage).exists())
            self.client.logout()
            response = self.client.get(reverse("statuspage:page", args=["org-a"]))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "ÖVNING")
        self.assertNotContains(response, "Reservrutin gäller")
        self.assertNotContains(response, "System A nere för alla")

    def test_the_report_lists_late_tasks_and_missing_preparedness(self) -> None:
        with time_machine.travel(START, tick=False):
            item = add_local_item(
                self.unit_a, by=self.maria, text="Pappersjournaler i förrådet", recurrence="monthly"
            )
            exercise = self.start()
        task = exercise.outage.tasks.get()
        # "Immediately" with 15 minutes' grace is 15 seconds at speed 60; done after 2 min.
        with time_machine.travel(START + dt.timedelta(minutes=2), tick=False):
            complete_task(task, by=self.maria)
            tick_item(item, by=self.maria, found_missing=True, note="Slut i förrådet")
        with time_machine.travel(START + dt.timedelta(minutes=4), tick=False):
            outage_worker.fire_one()
        # Nobody does the timer's task within its 15 seconds (15 routine minutes).
        with time_machine.travel(START + dt.timedelta(minutes=5), tick=False):
            end_exercise(exercise, by=self.carl)
            report = exercise_report(exercise)
        late = [row.task.instruction for row in report.late]
        self.assertIn("Ta fram driftstoppspärmen.", late)
        self.assertIn("Gå över till pappersjournal.", late)  # never done
        self.assertEqual([c.item for c in report.missing], [item])
        self.assertTrue(any("ÖVNING startad" in e.text for e in report.timeline))
        self.assertEqual(exercise.outage.timers.get().fired_at, START + dt.timedelta(minutes=4))

    def test_only_coordinators_and_admins_start_exercises(self) -> None:
        for user in (self.alice, self.maria, self.bob):
            with self.assertRaises(PermissionDenied):
                self.start(by=user)
        self.start(by=self.adam)

    def test_it_rejects_unknown_scenarios_and_bad_speeds(self) -> None:
        with self.assertRaises(ExerciseError):
            start_exercise(
                self.org_a,
                "rutin-ovning",
                "finns-inte",
                speed=60,
                participants=[self.maria],
                by=self.carl,
            )
        with self.assertRaises(ExerciseError):
            self.start(speed=0)
        with self.assertRaises(ExerciseError):
            self.start(participants=[])

    def test_the_command_starts_an_exercise(self) -> None:
        out = StringIO()
        with time_machine.travel(START, tick=False):
            call_command(
                "exercise",
                "start",
                "rutin-ovning",
                "nere",
                "--org",
                "org-a",
                "--unit",
                "unit-a",
                "--speed",
                "60",
                "--participant",
                "maria",
                "--participant",
                "alice",
                "--by",
                "carl",
                stdout=out,
            )
        exercise = Exercise.objects.get()
        self.assertIn(str(exercise.code), out.getvalue())
        self.assertEqual(
            set(exercise.participants.values_list("username", flat=True)), {"maria", "alice"}
        )
        self.assertEqual(exercise.unit, self.unit_a)
        self.assertEqual(clock.now() > exercise.started_at, True)
