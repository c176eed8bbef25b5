"""The worker loop outlives a lost database: a step or the heartbeat that fails is
logged, the loop backs off (exponentially, up to a cap, waiting on the stop event so
SIGTERM ends it at once) and resumes by itself. Time never passes for real here: the stop
event is a fake that records each wait."""

from __future__ import annotations

import io
from unittest import mock

import psycopg
from django.core.management import call_command
from django.db import OperationalError
from django.test import TestCase, override_settings

from reservrutin.lib import loop
from reservrutin.workers import loops
from reservrutin.workers.actions import beat
from reservrutin.workers.models import WorkerHeartbeat

COMMAND = "reservrutin.workers.management.commands.worker"


class FakeStop:
    """A stop event whose waits return at once; it is set after ``waits`` waits."""

    def __init__(self, waits: int) -> None:
        self.limit = waits
        self.waits: list[float] = []
        self.stopped = False

    def is_set(self) -> bool:
        return self.stopped

    def set(self) -> None:
        self.stopped = True

    def wait(self, timeout: float | None = None) -> bool:
        self.waits.append(timeout or 0)
        if len(self.waits) >= self.limit:
            self.stopped = True
        return self.stopped


def database_gone() -> OperationalError:
    """What Django raises when PostgreSQL has stopped: psycopg's connection failure."""
    try:
        raise OperationalError(
            "connection failed: Connection refused"
        ) from psycopg.OperationalError("connection failed: Connection refused")
    except OperationalError as exc:
        return exc


@override_settings(WORKER_BACKOFF_SECONDS=1, WORKER_BACKOFF_CAP_SECONDS=4, WORKER_IDLE_SECONDS=2)
class WorkerOutlivesOutagesTests(TestCase):
    def run_worker(self, steps: dict[str, object], stop: FakeStop) -> None:
        with (
            mock.patch.object(loops, "load", return_value=steps),
            mock.patch(f"{COMMAND}.threading.Event", return_value=stop),
        ):
            call_command("worker", stdout=io.StringIO())

    def test_it_backs_off_while_the_database_is_gone_and_resumes(self) -> None:
        calls: list[str] = []
        work = [True, True, False, False]

        def timers() -> bool:
            if len(calls) < 4:
                calls.append("down")
                raise database_gone()
            calls.append("up")
            return work.pop(0)

        stop = FakeStop(waits=5)
        with self.assertLogs("reservrutin.lib.loop", level="WARNING") as logs:
            self.run_worker({"runtimers": timers}, stop)
        # 1, 2, 4, then the cap; back: two rows, then idle.
        self.assertEqual(stop.waits, [1, 2, 4, 4, 2])
        self.assertEqual(calls, ["down"] * 4 + ["up"] * 4)
        self.assertEqual(work, [])
        self.assertIn("database unreachable", logs.output[0])
        self.assertEqual(WorkerHeartbeat.objects.get(name="worker").iterations, 2)

    def test_a_failing_heartbeat_is_not_fatal(self) -> None:
        beats = iter([database_gone(), RuntimeError("disk full"), None, None])

        def flaky_beat(*args: object, **kwargs: object) -> object:
            failure = next(beats)
            if failure is not None:
                raise failure
            return beat(*args, **kwargs)  # type: ignore[arg-type]

        stop = FakeStop(waits=4)
        with (
            loop.heartbeat.override(flaky_beat),
            self.assertLogs("reservrutin.lib.loop", level="WARNING") as logs,
        ):
            self.run_worker({"runtimers": lambda: False}, stop)
        self.assertEqual(stop.waits, [1, 2, 2, 2])  # two backoffs, then idle
        self.assertEqual(WorkerHeartbeat.objects.get(name="worker").iterations, 2)
        self.assertIn("database unreachable", logs.output[0])
        self.assertIn("disk full", "\n".join(logs.output))

    def test_a_step_that_keeps_failing_is_retried_with_backoff_not_in_a_tight_loop(
        self,
    ) -> None:
        ran: list[str] = []

        def broken() -> bool:
            raise RuntimeError("bad row")

        def fine() -> bool:
            ran.append("fine")
            return False

        stop = FakeStop(waits=3)
        with self.assertLogs("reservrutin.lib.loop", level="ERROR"):
            self.run_worker({"broken": broken, "fine": fine}, stop)
        self.assertEqual(stop.waits, [2, 2, 4])  # never below the idle time, then growing
        self.assertEqual(ran, ["fine"] * 3)

    def test_sigterm_during_a_backoff_ends_the_worker(self) -> None:
        stop = FakeStop(waits=1)

        def down() -> bool:
            raise database_gone()

        with self.assertLogs("reservrutin.lib.loop", level="WARNING"):
            self.run_worker({"runtimers": down}, stop)
        self.assertEqual(stop.waits, [1])
        self.assertTrue(stop.is_set())

    def test_the_connection_is_closed_after_a_lost_database(self) -> None:
        """Outside a transaction the broken connection is dropped, so the next query opens
        a new one; inside one (a test's) it is left alone."""
        with mock.patch.object(loop, "connection") as conn:
            conn.in_atomic_block = False
            loop.release_connection(force=True)
            conn.close.assert_called_once_with()
            conn.reset_mock()
            conn.in_atomic_block = True
            loop.release_connection(force=True)
            conn.close.assert_not_called()

    def test_closing_a_dead_connection_never_raises(self) -> None:
        with mock.patch.object(loop, "connection") as conn:
            conn.in_atomic_block = False
            conn.close.side_effect = database_gone()
            loop.release_connection(force=True)  # does not raise
            conn.close.assert_called_once_with()
