"""The claim protocol of the sendoutbox worker: compare-and-set on a batch, leases that run
out, and outcomes only recorded by the worker that still holds the claim."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid

import time_machine
from django.test import override_settings

from reservrutin.notifications.models import DeliveryAttempt, OutboxMessage
from reservrutin.notifications.tests.helpers import OutboxTestCase, make_message
from reservrutin.notifications.worker import (
    Outcome,
    claim,
    claim_batch,
    deliver,
    record,
    send_batch,
    send_one,
)

NOW = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
LEASE = dt.timedelta(seconds=60)


@override_settings(WORKER_LEASE_SECONDS=60)
@time_machine.travel(NOW, tick=False)
class ClaimRaceTests(OutboxTestCase):
    def test_it_lets_exactly_one_of_two_claims_win(self) -> None:
        message = make_message()
        # Both workers read the row as free (token None); then both try to claim it.
        seen = [(message.id, None)]
        first = claim(seen, NOW)
        second = claim(seen, NOW)
        self.assertIsNotNone(first)
        self.assertIsNone(second)
        message.refresh_from_db()
        self.assertEqual((message.claim_token, message.attempts), (first, 1))
        self.assertEqual(message.status, OutboxMessage.Status.SENDING)
        self.assertEqual(message.claimed_until, NOW + LEASE)
        self.assertEqual(message.next_attempt_at, NOW + LEASE)

    def test_it_claims_only_the_rows_nobody_took_since_it_looked(self) -> None:
        a = make_message(dedupe_key="a")
        b = make_message(dedupe_key="b")
        # Worker B read both rows as free; worker A claimed `a` before B's UPDATE ran.
        token_a = claim([(a.id, None)], NOW)
        token_b = claim([(a.id, None), (b.id, None)], NOW)
        self.assertIsNotNone(token_b)
        holders = dict(OutboxMessage.objects.values_list("dedupe_key", "claim_token"))
        self.assertEqual(holders, {"a": token_a, "b": token_b})
        self.assertEqual(
            sorted(OutboxMessage.objects.values_list("dedupe_key", "attempts")),
            [("a", 1), ("b", 1)],
        )

    def test_it_does_not_claim_a_held_message_again(self) -> None:
        message = make_message()
        token = claim([(message.id, None)], NOW)
        self.assertIsNone(claim([(message.id, token)], NOW))  # even knowing the token
        self.assertEqual(claim_batch(NOW), (False, None))

    def test_it_does_not_record_without_the_claim(self) -> None:
        message = make_message()
        _found, batch = claim_batch(NOW)
        assert batch is not None
        stale = dataclasses.replace(batch, token=uuid.uuid4())
        with self.assertLogs("reservrutin.notifications.worker", "WARNING"):
            self.assertEqual(record(stale, [(batch.claims[0], Outcome("sent"))], NOW), 0)
        message.refresh_from_db()
        self.assertEqual(message.status, OutboxMessage.Status.SENDING)
        # The attempt itself did happen and is completed all the same.
        self.assertEqual(message.delivery_attempts.get().outcome, "sent")


@override_settings(WORKER_LEASE_SECONDS=60)
class LeaseExpiryTests(OutboxTestCase):
    def test_it_resends_a_message_whose_worker_died_exactly_once_more(self) -> None:
        receiver = self.receiver()
        with time_machine.travel(NOW, tick=False) as traveller:
            message = make_message(kind="webhook", recipient=receiver.url)
            # Worker A claims, then is killed before sending or recording anything.
            _found, dead_worker = claim_batch(NOW)
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

    def test_it_retakes_a_killed_workers_whole_batch_after_the_lease(self) -> None:
        receiver = self.receiver(default=(204, b""))
        with time_machine.travel(NOW, tick=False) as traveller:
            for n in range(5):
                make_message(kind="webhook", recipient=receiver.url, dedupe_key=f"m{n}")
            # Worker A claims all five, then gets SIGKILL before sending anything.
            _found, killed = claim_batch(NOW, limit=5)
            assert killed is not None
            self.assertEqual(len(killed.claims), 5)

            traveller.shift(LEASE - dt.timedelta(seconds=1))
            self.assertFalse(send_batch())
            self.assertEqual(receiver.requests, [])

            traveller.shift(dt.timedelta(seconds=1))
            self.assertTrue(send_batch())  # worker B takes the whole batch over
            self.assertFalse(send_batch())

        self.assertEqual(
            sorted(r.headers["webhook-id"] for r in receiver.requests),
            [f"m{n}" for n in range(5)],
        )
        self.assertEqual(
            set(OutboxMessage.objects.values_list("status", "attempts")), {("sent", 2)}
        )
        # The killed worker's five attempts stay visible as never finished.
        unfinished = DeliveryAttempt.objects.filter(finished_at__isnull=True)
        self.assertEqual(
            sorted(unfinished.values_list("message__dedupe_key", "number")),
            [(f"m{n}", 1) for n in range(5)],
        )

    def test_it_ignores_a_late_outcome_from_a_worker_that_lost_its_lease(self) -> None:
        receiver = self.receiver()
        with time_machine.travel(NOW, tick=False) as traveller:
            message = make_message(kind="webhook", recipient=receiver.url)
            _found, slow_worker = claim_batch(NOW)
            assert slow_worker is not None
            traveller.shift(LEASE)
            self.assertTrue(send_one())
            # Worker A wakes up, delivers (at least once) and tries to record a failure.
            [claimed] = slow_worker.claims
            outcome = deliver(claimed.message)
            with self.assertLogs("reservrutin.notifications.worker", "WARNING"):
                stored = record(
                    slow_worker, [(claimed, Outcome("transient", detail="late"))], NOW + LEASE
                )
            self.assertEqual(stored, 0)
        message.refresh_from_db()
        self.assertEqual(message.status, OutboxMessage.Status.SENT)
        self.assertEqual(outcome.result, "sent")
        self.assertEqual(len(receiver.requests), 2)
