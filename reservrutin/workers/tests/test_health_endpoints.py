"""``/healthz`` answers while the process does; ``/readyz`` says whether the installation can
do its work (database, migrations, worker heartbeats, outbox age) and reveals nothing."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import time_machine
from django.db import OperationalError
from django.test import TestCase, override_settings

from reservrutin.lib import clock
from reservrutin.notifications.actions import enqueue_message
from reservrutin.workers import loops
from reservrutin.workers.models import WorkerHeartbeat

NOW = dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC)


def beat_all(at: dt.datetime, names: list[str] | None = None) -> None:
    WorkerHeartbeat.objects.create(
        name="worker",
        host="web-1",
        pid=4711,
        started_at=at,
        last_seen_at=at,
        loops=",".join(names if names is not None else loops.LOOPS),
    )


@time_machine.travel(NOW, tick=False)
class HealthzTests(TestCase):
    def test_it_answers_ok_without_touching_the_database(self) -> None:
        with self.assertNumQueries(0):
            response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"ok\n")
        self.assertIn("no-cache", response["Cache-Control"])

    def test_it_refuses_a_post(self) -> None:
        self.assertEqual(self.client.post("/healthz").status_code, 405)


@time_machine.travel(NOW, tick=False)
class ReadyzTests(TestCase):
    def test_it_is_ready_with_fresh_heartbeats_and_an_empty_outbox(self) -> None:
        beat_all(NOW - dt.timedelta(seconds=30))
        response = self.client.get("/readyz")
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual(body["status"], "ready")
        self.assertEqual(
            body["checks"],
            {"database": "ok", "migrations": "ok", "workers": "ok", "outbox": "ok"},
        )

    def test_it_turns_unready_when_a_worker_loop_stops_beating(self) -> None:
        beat_all(NOW - dt.timedelta(seconds=30), names=[n for n in loops.LOOPS if n != "runtimers"])
        WorkerHeartbeat.objects.create(
            name="timers",
            host="web-2",
            pid=1,
            started_at=NOW - dt.timedelta(hours=1),
            last_seen_at=NOW - dt.timedelta(minutes=5),
            loops="runtimers",
        )
        response = self.client.get("/readyz")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response["Retry-After"], "10")
        self.assertEqual(response.json()["checks"]["workers"], "stale: runtimers")
        # Host names and process ids stay inside.
        self.assertNotIn(b"web-2", response.content)

    def test_it_is_ready_again_when_the_worker_beats_again(self) -> None:
        beat_all(NOW - dt.timedelta(minutes=10))
        self.assertEqual(self.client.get("/readyz").status_code, 503)
        WorkerHeartbeat.objects.update(last_seen_at=clock.now())
        self.assertEqual(self.client.get("/readyz").status_code, 200)

    def test_it_turns_unready_when_a_message_waits_too_long(self) -> None:
        beat_all(NOW)
        with time_machine.travel(NOW - dt.timedelta(minutes=11), tick=False):
            enqueue_message(
                kind="email",
                recipient="a@example.org",
                subject="s",
                body="b",
                dedupe_key="readyz-old",
            )
        response = self.client.get("/readyz")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json()["checks"]["outbox"], "oldest message waiting over 600 s")

    @override_settings(READYZ_OUTBOX_MAX_AGE_SECONDS=3600)
    def test_the_outbox_limit_is_a_setting(self) -> None:
        beat_all(NOW)
        with time_machine.travel(NOW - dt.timedelta(minutes=11), tick=False):
            enqueue_message(
                kind="email",
                recipient="a@example.org",
                subject="s",
                body="b",
                dedupe_key="readyz-old",
            )
        self.assertEqual(self.client.get("/readyz").status_code, 200)

    def test_it_is_unready_when_the_database_does_not_answer(self) -> None:
        beat_all(NOW)
        with mock.patch(
            "django.db.backends.utils.CursorWrapper.execute",
            side_effect=OperationalError("connection refused"),
        ):
            response = self.client.get("/readyz")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(
            response.json(), {"status": "unready", "checks": {"database": "unreachable"}}
        )
        self.assertNotIn(b"refused", response.content)
