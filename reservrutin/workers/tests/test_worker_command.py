"""The ``worker`` command runs every registered loop and writes a heartbeat."""

from __future__ import annotations

import datetime as dt
import io
import itertools
from unittest import mock

import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase

from reservrutin.workers import loops
from reservrutin.workers.actions import stale_heartbeats
from reservrutin.workers.models import WorkerHeartbeat

LOOP = "reservrutin.lib.loop"


class WorkerCommandTests(TestCase):
    def test_it_writes_a_heartbeat_per_iteration(self) -> None:
        call_command("worker", "--once", stdout=io.StringIO())
        call_command("worker", "--once", stdout=io.StringIO())
        beats = WorkerHeartbeat.objects.all()
        self.assertEqual(beats.count(), 1)  # same process: one row, updated
        self.assertEqual(beats.get().iterations, 2)

    def test_it_runs_a_step_until_it_finds_no_more_work(self) -> None:
        work = [1, 2, 3]

        def step() -> bool:
            if not work:
                return False
            work.pop()
            return True

        with (
            mock.patch.dict(loops.LOOPS, {"fake": "x"}, clear=True),
            mock.patch.object(loops, "import_string", return_value=step),
        ):
            call_command("worker", "--once", stdout=io.StringIO())
        self.assertEqual(work, [])

    def test_a_failing_step_does_not_stop_the_other_loops(self) -> None:
        ran = []

        def broken() -> bool:
            raise RuntimeError("bad row")

        def fine() -> bool:
            ran.append(1)
            return False

        steps = {"a": broken, "b": fine}
        with (
            mock.patch.dict(loops.LOOPS, {"a": "a", "b": "b"}, clear=True),
            mock.patch.object(loops, "import_string", side_effect=lambda path: steps[path]),
            self.assertLogs("reservrutin.lib.loop", level="ERROR"),
        ):
            call_command("worker", "--once", stdout=io.StringIO())
        self.assertEqual(ran, [1])
        self.assertEqual(WorkerHeartbeat.objects.count(), 1)

    def test_a_busy_loop_hands_over_to_the_next_after_its_time_slice(self) -> None:
        """A long outbox drain (each step a whole batch) must not hold back due timers."""
        ran: list[str] = []

        def outbox() -> bool:
            ran.append("outbox")
            return True  # always more work

        def timers() -> bool:
            ran.append("timers")
            return False

        # Each look at the slice clock is one second later than the one before.
        fake_time = mock.Mock(monotonic=mock.Mock(side_effect=itertools.count()))
        with (
            mock.patch.object(loops, "load", return_value={"outbox": outbox, "timers": timers}),
            mock.patch(f"{LOOP}.time", fake_time),
            mock.patch(f"{LOOP}.SLICE_SECONDS", 2.0),
        ):
            call_command("worker", "--once", stdout=io.StringIO())
        # Two outbox steps fill the 2 s slice (far below MAX_BATCH); then the timers run.
        self.assertEqual(ran, ["outbox", "outbox", "timers"])

    def test_it_refuses_an_unknown_loop(self) -> None:
        with self.assertRaises(CommandError):
            call_command("worker", "--once", "--only", "nope", stdout=io.StringIO())

    def test_every_registered_loop_imports(self) -> None:
        for name, step in loops.load().items():
            with self.subTest(name=name):
                self.assertTrue(callable(step))

    def test_a_silent_worker_is_reported_stale(self) -> None:
        start = dt.datetime(2026, 11, 18, 9, tzinfo=dt.UTC)
        with time_machine.travel(start, tick=False) as traveller:
            call_command("worker", "--once", stdout=io.StringIO())
            self.assertEqual(stale_heartbeats(), [])
            traveller.shift(dt.timedelta(minutes=5))
            self.assertEqual([hb.name for hb in stale_heartbeats()], ["worker"])
