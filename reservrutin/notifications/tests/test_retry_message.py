from __future__ import annotations

import datetime as dt

import time_machine

from reservrutin.audit.models import AuditEvent
from reservrutin.notifications.actions import MAX_ATTEMPTS, MessageStateError, retry_message
from reservrutin.notifications.models import OutboxMessage
from reservrutin.notifications.tests.helpers import OutboxTestCase, make_message
from reservrutin.test import make_user

NOW = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


@time_machine.travel(NOW, tick=False)
class RetryMessageTests(OutboxTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.admin = make_user("admin", is_staff=True, is_superuser=True)

    def test_it_sends_a_dead_message_again_with_a_new_budget(self) -> None:
        message = make_message()
        OutboxMessage.objects.filter(id=message.id).update(
            status="dead", attempts=10, next_attempt_at=None, last_error="nej"
        )
        message = retry_message(message, by=self.admin)
        self.assertEqual(message.status, OutboxMessage.Status.PENDING)
        self.assertEqual(message.next_attempt_at, NOW)
        self.assertEqual((message.attempts, message.max_attempts), (10, 10 + MAX_ATTEMPTS))
        event = AuditEvent.objects.get(action="notifications.retry")
        self.assertEqual((event.actor, event.object_id), (self.admin, str(message.pk)))

    def test_it_refuses_a_message_that_was_sent_or_is_waiting(self) -> None:
        message = make_message()
        with self.assertRaises(MessageStateError):
            retry_message(message, by=self.admin)
        OutboxMessage.objects.filter(id=message.id).update(status="sent", next_attempt_at=None)
        with self.assertRaises(MessageStateError):
            retry_message(message, by=self.admin)
        self.assertFalse(AuditEvent.objects.exists())
