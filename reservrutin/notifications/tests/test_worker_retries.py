from __future__ import annotations

import datetime as dt

import time_machine

from reservrutin.notifications.models import DeliveryAttempt, OutboxMessage
from reservrutin.notifications.tests.helpers import OutboxTestCase, make_message
from reservrutin.notifications.worker import BACKOFF_BASE, BACKOFF_CAP, backoff, send_one

NOW = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


class BackoffTests(OutboxTestCase):
    def test_it_doubles_with_jitter_up_to_the_cap(self) -> None:
        for attempt in range(1, 12):
            ceiling = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (attempt - 1))
            for _ in range(20):
                self.assertTrue(ceiling / 2 <= backoff(attempt) <= ceiling)


class RetryTests(OutboxTestCase):
    def test_it_retries_a_transient_failure_after_the_backoff(self) -> None:
        receiver = self.receiver([(503, b"busy")])
        with time_machine.travel(NOW, tick=False) as traveller:
            message = make_message(kind="webhook", recipient=receiver.url, payload={"a": 1})
            self.assertTrue(send_one())
            message.refresh_from_db()
            self.assertEqual(message.status, OutboxMessage.Status.FAILED)
            self.assertIn("503", message.last_error)
            delay = message.next_attempt_at - NOW
            self.assertTrue(BACKOFF_BASE / 2 <= delay <= BACKOFF_BASE, delay)

            traveller.shift(delay - dt.timedelta(seconds=1))
            self.assertFalse(send_one())  # not yet due: no request
            self.assertEqual(len(receiver.requests), 1)

            traveller.shift(dt.timedelta(seconds=1))
            self.assertTrue(send_one())
        message.refresh_from_db()
        self.assertEqual(message.status, OutboxMessage.Status.SENT)
        self.assertEqual(len(receiver.requests), 2)
        # The receiver saw the same id twice: that is what lets it deduplicate.
        self.assertEqual({r.headers["webhook-id"] for r in receiver.requests}, {message.dedupe_key})
        outcomes = list(message.delivery_attempts.values_list("number", "outcome"))
        self.assertEqual(outcomes, [(1, "transient"), (2, "sent")])

    def test_it_gives_up_after_max_attempts(self) -> None:
        receiver = self.receiver(default=(503, b"busy"))
        with time_machine.travel(NOW, tick=False) as traveller:
            message = make_message(kind="webhook", recipient=receiver.url)
            for _ in range(message.max_attempts):
                self.assertTrue(send_one())
                traveller.shift(BACKOFF_CAP)
            self.assertFalse(send_one())
        message.refresh_from_db()
        self.assertEqual(message.status, OutboxMessage.Status.DEAD)
        self.assertEqual(message.attempts, message.max_attempts)
        self.assertEqual(len(receiver.requests), message.max_attempts)

    def test_it_gives_up_at_once_on_a_permanent_failure(self) -> None:
        receiver = self.receiver(default=(400, b"bad request"))
        with time_machine.travel(NOW, tick=False) as traveller:
            message = make_message(kind="webhook", recipient=receiver.url)
            self.assertTrue(send_one())
            traveller.shift(dt.timedelta(days=1))
            self.assertFalse(send_one())
        message.refresh_from_db()
        self.assertEqual(message.status, OutboxMessage.Status.DEAD)
        self.assertIsNone(message.next_attempt_at)
        self.assertEqual(len(receiver.requests), 1)
        attempt = message.delivery_attempts.get()
        self.assertEqual(attempt.outcome, DeliveryAttempt.Outcome.PERMANENT)
        self.assertIn("400", attempt.detail)

    def test_it_gives_up_on_a_forbidden_address_without_traffic(self) -> None:
        with time_machine.travel(NOW, tick=False):
            message = make_message(kind="webhook", recipient="http://169.254.169.254/latest/")
            self.assertTrue(send_one())
        message.refresh_from_db()
        self.assertEqual(message.status, OutboxMessage.Status.DEAD)
        self.assertIn("169.254.169.254", message.last_error)
