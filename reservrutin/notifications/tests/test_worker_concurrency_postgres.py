from __future__ import annotations

import threading
import unittest
from collections import Counter

import pytest
from django.db import connection, transaction
from django.test import TransactionTestCase, override_settings

from reservrutin.notifications.actions import enqueue_message
from reservrutin.notifications.models import DeliveryAttempt, OutboxMessage
from reservrutin.notifications.tests.helpers import WEBHOOK_SECRET, Receiver
from reservrutin.notifications.transports import base
from reservrutin.notifications.worker import send_batch

MESSAGES = 40
WORKERS = 4
#: Small batches, so the workers' batches interleave over the 40 rows.
BATCH = 5


@pytest.mark.postgres_only
@unittest.skipUnless(connection.vendor == "postgresql", "needs PostgreSQL row locks")
@override_settings(
    OUTBOUND_ALLOW=["127.0.0.1/32"], WEBHOOK_SECRET=WEBHOOK_SECRET, OUTBOX_BATCH_SIZE=BATCH
)
class ConcurrentWorkersTests(TransactionTestCase):
    def test_concurrent_workers_claim_disjoint_batches_and_send_each_message_once(self) -> None:
        base.reset()
        receiver = Receiver().start()
        self.addCleanup(receiver.stop)
        with transaction.atomic():
            for n in range(MESSAGES):
                enqueue_message(
                    kind="webhook", recipient=receiver.url, body="x", dedupe_key=f"m{n}"
                )

        start = threading.Barrier(WORKERS)
        errors: list[BaseException] = []

        def work() -> None:
            try:
                start.wait(timeout=10)
                # Bounded: no worker can need more steps than there are messages, plus
                # the lost races it is told about.
                for _ in range(MESSAGES * 2):
                    if not send_batch():
                        break
            except BaseException as exc:  # surfaced in the main thread below
                errors.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=work) for _ in range(WORKERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

        self.assertEqual(errors, [])
        delivered = Counter(request.headers["webhook-id"] for request in receiver.requests)
        self.assertEqual(delivered, Counter({f"m{n}": 1 for n in range(MESSAGES)}))
        self.assertEqual(OutboxMessage.objects.filter(status="sent", attempts=1).count(), MESSAGES)
        # Every claim was a batch of its own: no message has two attempts.
        self.assertEqual(DeliveryAttempt.objects.filter(number=1, outcome="sent").count(), MESSAGES)
