from __future__ import annotations

import datetime as dt
import uuid

import time_machine
from django.test import override_settings

from reservrutin.notifications.models import OutboxMessage
from reservrutin.notifications.tests.helpers import OutboxTestCase, make_message
from reservrutin.notifications.worker import Outcome, claim, claim_next, deliver, record, send_one

NOW = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
LEASE = dt.timedelta(seconds=60)


@override_settings(WORKER_LEASE_SECONDS=60)
@time_machine.travel(NOW, tick=False)
class ClaimRaceTests(OutboxTestCase):
    def test_it_lets_exactly_one_of_two_claims_win(self) -> None:
        message = make_message()
        # Both workers read the row as free (token None); then both try to claim it.
        seen_by_a = seen_by_b = OutboxMessage.objects.get(id=message.id).claim_token
        first = claim(message.id, seen_by_a, NOW)
        second = claim(message.id, seen_by_b, NOW)
        self.assertIsNotNone(first)
        self.assertIsNone(second)
        message.refresh_from_db()
        self.assertEqual((message.claim_token, message.attempts), (first, 1))
        self.assertEqual(message.status, OutboxMessage.Status.SENDING)
        self.assertEqual(message.claimed_until, NOW + LEASE)

    def test_it_does_not_claim_a_held_message_again(self) -> None:
        message = make_message()
        token = claim(message.id, None, NOW)
        self.assertIsNone(claim(message.id, token, NOW))  # even knowing the token
        self.assertEqual(claim_next(NOW), (False, None))

    def test_it_does_not_record_without_the_claim(self) -> None:
        message = make_message()
        _found, claimed = claim_next(NOW)
        assert claimed is not None
        stale = type(claimed)(message=claimed.message, token=uuid.uuid4(), attempt=claimed.attempt)
        self.assertFalse(record(stale, Outcome("sent"), NOW))
        message.refresh_from_db()
        self.assertEqual(message.status, OutboxMessage.Status.SENDING)


@override_settings(WORKER_LEASE_SECONDS=60)
class LeaseExpiryTests(OutboxTestCase):
    def test_it_resends_a_message_whose_worker_died_exactly_once_more(self) -> None:
        receiver = self.receiver()
        with time_machine.travel(NOW, tick=False) as traveller:
            message = make_message(kind="webhook", recipient=receiver.url)
            # Worker A claims, then is killed before sending or recording anything.
            _found, dead_worker = claim_next(NOW)
            assert dead_worker is not None

            traveller.shift(LEASE - dt.timedelta(seconds=1))
            self.assertFalse(send_one())  # the lease still protects the message

            traveller.shift(dt.timedelta(seconds=1))
            self.assertTrue(send_one())  # worker B takes over
            self.assertFalse(send_one())
            traveller.shift(dt.timedelta(days=1))
            self.assertFalse(send_one())

        message.refresh_from_db()
        self.assertEqual(message.status, OutboxMessage.Status.SENT)
        self.assertEqual(message.attempts, 2)
        self.assertEqual(len(receiver.requests), 1)
        first, second = message.delivery_attempts.all()
        self.assertIsNone(first.finished_at)  # visible: the attempt that never finished
        self.assertEqual(second.outcome, "sent")

    def test_it_ignores_a_late_outcome_from_a_worker_that_lost_its_lease(self) -> None:
        receiver = self.receiver()
        with time_machine.travel(NOW, tick=False) as traveller:
            message = make_message(kind="webhook", recipient=receiver.url)
            _found, slow_worker = claim_next(NOW)
            assert slow_worker is not None
            traveller.shift(LEASE)
            self.assertTrue(send_one())
            # Worker A wakes up, delivers (at least once) and tries to record a failure.
            outcome = deliver(slow_worker.message)
            self.assertFalse(record(slow_worker, Outcome("transient", detail="late"), NOW + LEASE))
        message.refresh_from_db()
        self.assertEqual(message.status, OutboxMessage.Status.SENT)
        self.assertEqual(outcome.result, "sent")
        self.assertEqual(len(receiver.requests), 2)
