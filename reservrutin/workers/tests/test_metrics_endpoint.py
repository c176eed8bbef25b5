"""``/metrics``: Prometheus exposition behind a bearer token, with numbers that move with
the work (a delivered message, a fired timer, an escalation, a status page render)."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.test import TestCase, override_settings
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from reservrutin.notifications.actions import enqueue_message
from reservrutin.notifications.models import DeliveryAttempt, OutboxMessage
from reservrutin.workers.models import WorkerHeartbeat

NOW = dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC)
TOKEN = "s3cret-metrics-token"


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


@time_machine.travel(NOW, tick=False)
@override_settings(METRICS_TOKEN=TOKEN)
class MetricsEndpointTests(TestCase):
    def scrape(self) -> dict:
        response = self.client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Type"].startswith("text/plain"))
        return samples(response.content.decode())

    def test_it_needs_the_token(self) -> None:
        self.assertEqual(self.client.get("/metrics").status_code, 401)
        wrong = self.client.get("/metrics", HTTP_AUTHORIZATION="Bearer nope")
        self.assertEqual(wrong.status_code, 401)
        self.assertEqual(wrong["WWW-Authenticate"], 'Bearer realm="metrics"')

    @override_settings(METRICS_TOKEN="")
    def test_it_does_not_exist_without_a_configured_token(self) -> None:
        self.assertEqual(self.client.get("/metrics").status_code, 404)

    def test_outbox_depth_and_age_move_with_the_queue(self) -> None:
        before = self.scrape()
        self.assertEqual(before[("reservrutin_outbox_depth", (("transport", "email"),))], 0)
        with time_machine.travel(NOW - dt.timedelta(minutes=3), tick=False):
            enqueue_message(
                kind="email",
                recipient="a@example.org",
                subject="s",
                body="b",
                dedupe_key="metrics-1",
            )
        after = self.scrape()
        self.assertEqual(after[("reservrutin_outbox_depth", (("transport", "email"),))], 1)
        self.assertEqual(
            after[("reservrutin_outbox_oldest_age_seconds", (("transport", "email"),))], 180
        )
        self.assertEqual(after[("reservrutin_outbox_depth", (("transport", "sms"),))], 0)

    def test_deliveries_count_by_transport_and_result(self) -> None:
        message = enqueue_message(
            kind="sms", recipient="+46701234567", subject="", body="b", dedupe_key="metrics-2"
        )
        DeliveryAttempt.objects.create(
            message=message,
            number=1,
            started_at=timezone.now(),
            finished_at=timezone.now(),
            outcome="transient",
        )
        DeliveryAttempt.objects.create(
            message=message,
            number=2,
            started_at=timezone.now(),
            finished_at=timezone.now(),
            outcome="sent",
        )
        OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxMessage.Status.SENT)
        found = self.scrape()
        key = (("result", "sent"), ("transport", "sms"))
        self.assertEqual(found[("reservrutin_deliveries_total", key)], 1)
        key = (("result", "transient"), ("transport", "sms"))
        self.assertEqual(found[("reservrutin_deliveries_total", key)], 1)
        self.assertEqual(found[("reservrutin_outbox_depth", (("transport", "sms"),))], 0)

    def test_heartbeat_age_per_loop(self) -> None:
        WorkerHeartbeat.objects.create(
            name="worker",
            host="h",
            pid=1,
            started_at=NOW,
            last_seen_at=NOW - dt.timedelta(seconds=42),
            loops="runtimers",
        )
        found = self.scrape()
        self.assertEqual(
            found[("reservrutin_worker_heartbeat_age_seconds", (("loop", "runtimers"),))], 42
        )
        self.assertEqual(
            found[("reservrutin_worker_heartbeat_age_seconds", (("loop", "sendoutbox"),))], -1
        )

    def test_a_status_page_render_is_counted(self) -> None:
        from reservrutin.lib import metrics

        key = ("reservrutin_statuspage_renders_total", (("path", "page"),))
        before = self.scrape().get(key, 0)
        metrics.rendered("page")
        self.assertEqual(self.scrape()[key], before + 1)


@time_machine.travel(NOW, tick=False)
@override_settings(METRICS_TOKEN=TOKEN)
class OutageMetricsTests(TestCase):
    def setUp(self) -> None:
        from reservrutin.accounts.models import Organisation
        from reservrutin.outages.tests.factories import make_outage

        organisation = Organisation.objects.create(key="org-m", name="M", kind="region")
        self.outage = make_outage(organisation, [])

    def scrape(self) -> dict:
        response = self.client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
        return samples(response.content.decode())

    def test_timer_lateness_lands_in_its_bucket(self) -> None:
        from reservrutin.outages.models import Timer

        for n, late in enumerate((0.5, 3, 400)):
            Timer.objects.create(
                outage=self.outage,
                key=f"t{n}",
                due_at=NOW - dt.timedelta(hours=1),
                fired_at=NOW - dt.timedelta(hours=1) + dt.timedelta(seconds=late),
                created_at=NOW,
            )
        Timer.objects.create(outage=self.outage, key="pending", due_at=NOW, created_at=NOW)
        found = self.scrape()

        def bucket(le: str) -> float:
            return found[("reservrutin_timer_lateness_seconds_bucket", (("le", le),))]

        self.assertEqual(bucket("1.0"), 1)
        self.assertEqual(bucket("2.0"), 1)
        self.assertEqual(bucket("5.0"), 2)
        self.assertEqual(bucket("300.0"), 2)
        self.assertEqual(bucket("900.0"), 3)
        self.assertEqual(bucket("+Inf"), 3)
        self.assertEqual(found[("reservrutin_timer_lateness_seconds_count", ())], 3)
        self.assertAlmostEqual(found[("reservrutin_timer_lateness_seconds_sum", ())], 403.5)

    def test_escalations_sent_and_acknowledged(self) -> None:
        from reservrutin.outages.models import Escalation

        for n in range(3):
            Escalation.objects.create(
                outage=self.outage,
                role_key="org-m:jour",
                notified_at=NOW,
                acknowledged_at=NOW if n == 0 else None,
                text="Ingen har kvitterat",
            )
        found = self.scrape()
        self.assertEqual(found[("reservrutin_escalations_sent_total", ())], 3)
        self.assertEqual(found[("reservrutin_escalations_acknowledged_total", ())], 1)


@override_settings(METRICS_TOKEN=TOKEN)
class MultiprocessMetricsTests(TestCase):
    def test_counters_of_several_processes_add_up(self) -> None:
        import os
        import subprocess
        import sys
        import tempfile
        from unittest import mock

        with tempfile.TemporaryDirectory() as directory:
            env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": directory}
            for times in (2, 3):
                subprocess.run(
                    [
                        sys.executable,
                        "-c",
                        "from reservrutin.lib import metrics\n"
                        f"for _ in range({times}): metrics.rendered('page')\n"
                        "metrics.fastpath('kept')",
                    ],
                    env=env,
                    check=True,
                    timeout=60,
                )
            with mock.patch.dict(os.environ, {"PROMETHEUS_MULTIPROC_DIR": directory}):
                response = self.client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
        found = samples(response.content.decode())
        self.assertEqual(found[("reservrutin_statuspage_renders_total", (("path", "page"),))], 5)
        self.assertEqual(found[("reservrutin_statuspage_fastpath_total", (("how", "kept"),))], 2)
        # The database's numbers are there too.
        self.assertIn(("reservrutin_outbox_depth", (("transport", "email"),)), found)
