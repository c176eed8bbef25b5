from __future__ import annotations

import datetime as dt
from unittest import mock

import time_machine
from django.db import connections
from django.db.transaction import TransactionManagementError

from reservrutin.accounts.models import Organisation
from reservrutin.notifications.actions import enqueue_message
from reservrutin.notifications.models import OutboxMessage
from reservrutin.notifications.tests.helpers import OutboxTestCase, make_message

NOW = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


@time_machine.travel(NOW, tick=False)
class EnqueueMessageTests(OutboxTestCase):
    def test_it_creates_a_pending_message_due_now(self) -> None:
        message = make_message(source="outages.escalation")
        self.assertEqual(message.status, OutboxMessage.Status.PENDING)
        self.assertEqual((message.next_attempt_at, message.created_at), (NOW, NOW))
        self.assertEqual(message.attempts, 0)
        self.assertEqual(message.source, "outages.escalation")
        self.assertEqual(list(OutboxMessage.objects.due(NOW)), [message])

    def test_it_returns_the_existing_row_for_the_same_dedupe_key(self) -> None:
        first = make_message(dedupe_key="outage:1:sms:anna", body="Första")
        second = make_message(dedupe_key="outage:1:sms:anna", body="Andra")
        self.assertEqual(first.pk, second.pk)
        self.assertEqual(second.body, "Första")
        self.assertEqual(OutboxMessage.objects.count(), 1)

    def test_it_waits_until_not_before(self) -> None:
        message = make_message(not_before=NOW + dt.timedelta(hours=1))
        self.assertEqual(message.next_attempt_at, NOW + dt.timedelta(hours=1))
        self.assertFalse(OutboxMessage.objects.due(NOW).exists())

    def test_it_records_what_the_message_is_about(self) -> None:
        org = Organisation.objects.create(key="org-x", name="Region X", kind="region")
        message = make_message(organisation=org, reference=org)
        self.assertEqual(
            (message.object_type, message.object_id), ("accounts.organisation", str(org.pk))
        )
        self.assertEqual(list(OutboxMessage.objects.for_object(org)), [message])

    def test_it_must_run_inside_the_callers_transaction(self) -> None:
        with (
            mock.patch.object(connections["default"], "in_atomic_block", False),
            self.assertRaises(TransactionManagementError),
        ):
            enqueue_message(kind="sms", recipient="0701234567", body="x", dedupe_key="k")

    def test_it_rejects_an_unknown_kind(self) -> None:
        with self.assertRaises(ValueError):
            make_message(kind="pigeon")
