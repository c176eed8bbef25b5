from __future__ import annotations

import datetime as dt

import time_machine

from reservrutin.audit.models import AuditEvent
from reservrutin.notifications.actions import MessageStateError, cancel_message
from reservrutin.notifications.models import OutboxMessage
from reservrutin.notifications.tests.helpers import OutboxTestCase, make_message
from reservrutin.notifications.worker import claim_batch, send_one
from reservrutin.test import make_user

NOW = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


@time_machine.travel(NOW, tick=False)
class CancelMessageTests(OutboxTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.admin = make_user("admin", full_name="Ada Admin", is_staff=True)

    def test_it_stops_a_waiting_message(self) -> None:
        message = cancel_message(make_message(), by=self.admin)
        self.assertEqual(message.status, OutboxMessage.Status.DEAD)
        self.assertEqual(message.last_error, "Stoppat av Ada Admin")
        self.assertFalse(send_one())
        self.assertTrue(AuditEvent.objects.filter(action="notifications.cancel").exists())

    def test_it_cannot_stop_a_message_being_sent(self) -> None:
        message = make_message()
        claim_batch(NOW)
        with self.assertRaises(MessageStateError):
            cancel_message(message, by=self.admin)
