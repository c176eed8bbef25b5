from __future__ import annotations

import datetime as dt
import io
from contextlib import redirect_stdout
from unittest import mock

import time_machine

from reservrutin.notifications.models import DeliveryAttempt, OutboxMessage
from reservrutin.notifications.tests.helpers import OutboxTestCase, make_message
from reservrutin.notifications.worker import send_one

NOW = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


@time_machine.travel(NOW, tick=False)
class SendOneTests(OutboxTestCase):
    def test_it_finds_no_work_in_an_empty_outbox(self) -> None:
        self.assertFalse(send_one())

    def test_it_sends_a_due_message_and_records_the_attempt(self) -> None:
        message = make_message()
        with redirect_stdout(io.StringIO()):
            self.assertTrue(send_one())
        self.assertFalse(send_one())
        message.refresh_from_db()
        self.assertEqual(message.status, OutboxMessage.Status.SENT)
        self.assertEqual((message.sent_at, message.attempts), (NOW, 1))
        self.assertIsNone(message.claim_token)
        self.assertIsNone(message.next_attempt_at)
        [attempt] = message.delivery_attempts.all()
        self.assertEqual(attempt.number, 1)
        self.assertEqual(attempt.outcome, DeliveryAttempt.Outcome.SENT)
        self.assertEqual((attempt.started_at, attempt.finished_at), (NOW, NOW))

    def test_it_waits_for_not_before(self) -> None:
        make_message(not_before=NOW + dt.timedelta(minutes=5))
        self.assertFalse(send_one())
        with (
            time_machine.travel(NOW + dt.timedelta(minutes=5), tick=False),
            redirect_stdout(io.StringIO()),
        ):
            self.assertTrue(send_one())

    def test_it_treats_a_crashing_transport_as_transient(self) -> None:
        message = make_message()
        with mock.patch(
            "reservrutin.notifications.transports.console.ConsoleTransport.send",
            side_effect=RuntimeError("bug"),
        ):
            self.assertTrue(send_one())
        message.refresh_from_db()
        self.assertEqual(message.status, OutboxMessage.Status.FAILED)
        self.assertIn("RuntimeError: bug", message.last_error)
