"""The sendoutbox step claims a batch, sends each message on its own and records each
outcome on its own; one SMTP connection serves the batch; a slow worker keeps its lease or
leaves alone what another worker took over."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from contextlib import redirect_stdout
from typing import Any
from unittest import mock

import time_machine
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from reservrutin.lib import clock
from reservrutin.notifications.models import DeliveryAttempt, OutboxMessage
from reservrutin.notifications.tests.helpers import OutboxTestCase, make_message
from reservrutin.notifications.transports.webhook import WebhookTransport
from reservrutin.notifications.worker import (
    BACKOFF_BASE,
    Batch,
    claim_batch,
    send_batch,
    send_claimed,
)

NOW = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
LEASE = dt.timedelta(seconds=60)


def statuses() -> dict[str, str]:
    return dict(OutboxMessage.objects.values_list("dedupe_key", "status"))


@override_settings(OUTBOX_BATCH_SIZE=50, WORKER_LEASE_SECONDS=60)
@time_machine.travel(NOW, tick=False)
class SendBatchTests(OutboxTestCase):
    def webhooks(self, url: str, count: int) -> list[OutboxMessage]:
        return [
            make_message(kind="webhook", recipient=url, dedupe_key=f"m{n}") for n in range(count)
        ]

    def test_it_claims_and_delivers_a_batch_in_one_step(self) -> None:
        receiver = self.receiver(default=(204, b""))
        self.webhooks(receiver.url, 5)
        self.assertTrue(send_batch())
        self.assertEqual(statuses(), {f"m{n}": "sent" for n in range(5)})
        # In order, each once, all under one claim.
        self.assertEqual(
            [r.headers["webhook-id"] for r in receiver.requests], [f"m{n}" for n in range(5)]
        )
        self.assertEqual(
            set(DeliveryAttempt.objects.values_list("number", "outcome", "finished_at")),
            {(1, "sent", NOW)},
        )
        self.assertFalse(send_batch())

    def test_it_claims_at_most_the_batch_size_oldest_first(self) -> None:
        receiver = self.receiver(default=(204, b""))
        with override_settings(OUTBOX_BATCH_SIZE=3):
            self.webhooks(receiver.url, 5)
            self.assertTrue(send_batch())
            self.assertEqual(
                [r.headers["webhook-id"] for r in receiver.requests], ["m0", "m1", "m2"]
            )
            self.assertEqual(Counter(statuses().values()), {"sent": 3, "pending": 2})
            self.assertTrue(send_batch())
            self.assertFalse(send_batch())
        self.assertEqual(Counter(statuses().values()), {"sent": 5})

    def test_it_claims_and_records_a_batch_in_the_same_number_of_queries_as_one(self) -> None:
        def queries_for(count: int) -> int:
            OutboxMessage.objects.all().delete()
            for n in range(count):
                make_message(dedupe_key=f"q{count}:{n}")
            with CaptureQueriesContext(connection) as queries, redirect_stdout(io.StringIO()):
                self.assertTrue(send_batch())
            self.assertEqual(OutboxMessage.objects.filter(status="sent").count(), count)
            return len(queries)

        self.assertEqual(queries_for(20), queries_for(1))

    def test_it_retries_only_the_message_that_failed_transiently(self) -> None:
        receiver = self.receiver([(204, b""), (503, b"busy"), (204, b"")], default=(204, b""))
        self.webhooks(receiver.url, 3)
        self.assertTrue(send_batch())
        self.assertEqual(statuses(), {"m0": "sent", "m1": "failed", "m2": "sent"})
        failed = OutboxMessage.objects.get(dedupe_key="m1")
        self.assertIn("503", failed.last_error)
        self.assertTrue(BACKOFF_BASE / 2 <= failed.next_attempt_at - NOW <= BACKOFF_BASE)
        self.assertFalse(send_batch())  # not due before its backoff

        with time_machine.travel(NOW + BACKOFF_BASE, tick=False):
            self.assertTrue(send_batch())
        self.assertEqual(statuses(), {"m0": "sent", "m1": "sent", "m2": "sent"})
        self.assertEqual(
            [r.headers["webhook-id"] for r in receiver.requests], ["m0", "m1", "m2", "m1"]
        )
        self.assertEqual(
            list(failed.delivery_attempts.values_list("number", "outcome")),
            [(1, "transient"), (2, "sent")],
        )

    def test_it_gives_up_only_on_the_message_that_failed_permanently(self) -> None:
        receiver = self.receiver([(204, b""), (400, b"bad"), (204, b"")])
        self.webhooks(receiver.url, 3)
        self.assertTrue(send_batch())
        self.assertEqual(statuses(), {"m0": "sent", "m1": "dead", "m2": "sent"})
        dead = OutboxMessage.objects.get(dedupe_key="m1")
        self.assertIsNone(dead.next_attempt_at)
        self.assertEqual(dead.delivery_attempts.get().outcome, "permanent")
        with time_machine.travel(NOW + dt.timedelta(days=1), tick=False):
            self.assertFalse(send_batch())
        self.assertEqual(len(receiver.requests), 3)


@override_settings(OUTBOX_BATCH_SIZE=50)
@time_machine.travel(NOW, tick=False)
class SmtpConnectionTests(OutboxTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.smtp = self.smtp_server()
        overrides = override_settings(
            EMAIL_TRANSPORT="smtp", EMAIL_HOST="127.0.0.1", EMAIL_PORT=self.smtp.port
        )
        overrides.enable()
        self.addCleanup(overrides.disable)

    def email(self, recipient: str, key: str) -> OutboxMessage:
        return make_message(kind="email", recipient=recipient, dedupe_key=key)

    def test_it_reuses_one_smtp_connection_for_the_emails_in_a_batch(self) -> None:
        for n in range(5):
            self.email(f"person{n}@region-a.example", f"e{n}")
        self.assertTrue(send_batch())
        self.assertEqual(self.smtp.handler.sessions, 1)
        self.assertEqual(len(self.smtp.handler.envelopes), 5)
        self.assertEqual(Counter(statuses().values()), {"sent": 5})

    def test_refused_recipients_in_a_batch_keep_the_connection_and_the_rest(self) -> None:
        self.email("a@region-a.example", "e0")
        self.email("full@region-a.example", "e1")  # 452: try again later
        self.email("okand@region-a.example", "e2")  # 550: never
        self.email("b@region-a.example", "e3")
        self.assertTrue(send_batch())
        self.assertEqual(statuses(), {"e0": "sent", "e1": "failed", "e2": "dead", "e3": "sent"})
        self.assertEqual(self.smtp.handler.sessions, 1)
        self.assertEqual(
            [e.rcpt_tos for e in self.smtp.handler.envelopes],
            [["a@region-a.example"], ["b@region-a.example"]],
        )


@override_settings(OUTBOX_BATCH_SIZE=50, WORKER_LEASE_SECONDS=60)
class SlowWorkerTests(OutboxTestCase):
    """Sends that take long (simulated by moving the clock inside the transport)."""

    def slow_sends(self, after_send: Any) -> Any:
        real_send = WebhookTransport.send

        def send(transport: WebhookTransport, message: OutboxMessage) -> str | None:
            reference = real_send(transport, message)
            after_send(message)
            return reference

        return mock.patch.object(WebhookTransport, "send", autospec=True, side_effect=send)

    def test_a_slow_worker_extends_its_lease_before_it_runs_out(self) -> None:
        receiver = self.receiver(default=(204, b""))
        claimable_after_sends = []
        recorded_after_sends = []
        with time_machine.travel(NOW, tick=False) as traveller:
            for n in range(4):
                make_message(kind="webhook", recipient=receiver.url, dedupe_key=f"m{n}")

            def took_25_seconds(message: OutboxMessage) -> None:
                traveller.shift(dt.timedelta(seconds=25))
                # What another worker could claim right now.
                claimable_after_sends.append(OutboxMessage.objects.due(clock.now()).count())
                recorded_after_sends.append(OutboxMessage.objects.filter(status="sent").count())

            with self.slow_sends(took_25_seconds):
                self.assertTrue(send_batch())
        # 4 sends of 25 s under a 60 s lease: without the extension, m2 and m3 would have
        # been due again (and sent by a second worker) after the third send.
        self.assertEqual(claimable_after_sends, [0, 0, 0, 0])
        self.assertEqual(Counter(r.headers["webhook-id"] for r in receiver.requests).total(), 4)
        self.assertEqual(
            set(OutboxMessage.objects.values_list("status", "attempts")), {("sent", 1)}
        )
        # Recorded in two goes: m0 and m1 just before the extension, m2 and m3 at the end;
        # each with the time its own send finished.
        self.assertEqual(recorded_after_sends, [0, 0, 2, 2])
        seconds = {
            key: (sent_at - NOW).total_seconds()
            for key, sent_at in OutboxMessage.objects.values_list("dedupe_key", "sent_at")
        }
        self.assertEqual(seconds, {"m0": 25, "m1": 50, "m2": 75, "m3": 100})
        finished = DeliveryAttempt.objects.values_list("finished_at", flat=True)
        self.assertEqual(
            sorted(finished), sorted(OutboxMessage.objects.values_list("sent_at", flat=True))
        )

    def test_a_slow_worker_does_not_send_what_another_worker_took_over(self) -> None:
        receiver = self.receiver(default=(204, b""))
        other_worker: list[Batch] = []
        with time_machine.travel(NOW, tick=False) as traveller:
            for n in range(3):
                make_message(kind="webhook", recipient=receiver.url, dedupe_key=f"m{n}")

            def stuck_past_the_lease(message: OutboxMessage) -> None:
                if other_worker:
                    return
                # Worker A's first send hangs past its lease; worker B claims the batch.
                traveller.shift(LEASE + dt.timedelta(seconds=1))
                _found, batch = claim_batch(clock.now())
                assert batch is not None
                other_worker.append(batch)

            with (
                self.slow_sends(stuck_past_the_lease),
                self.assertLogs("reservrutin.notifications.worker", "WARNING") as logs,
            ):
                self.assertTrue(send_batch())  # worker A
                send_claimed(other_worker[0])  # worker B

        # m0 went out twice: A's send overran its lease, the at-least-once case (the
        # receiver drops it by webhook-id). A did not send m1 and m2, which B held.
        self.assertEqual(
            Counter(r.headers["webhook-id"] for r in receiver.requests),
            {"m0": 2, "m1": 1, "m2": 1},
        )
        self.assertEqual(
            set(OutboxMessage.objects.values_list("status", "attempts")), {("sent", 2)}
        )
        self.assertEqual(len(other_worker[0].claims), 3)
        self.assertEqual(sum("taken over before we sent it" in line for line in logs.output), 2)
        self.assertEqual(sum("lost the claim" in line for line in logs.output), 1)
