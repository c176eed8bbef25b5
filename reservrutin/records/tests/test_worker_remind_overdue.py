"""remind_overdue: the worker step that reminds the responsible of late back-registrations."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import time_machine

from reservrutin.notifications.models import OutboxMessage
from reservrutin.records import actions
from reservrutin.records.models import BackRegistration
from reservrutin.records.tests.helpers import NEXT_MORNING, RecordsTestCase


class RemindOverdueTests(RecordsTestCase):
    def test_it_finds_nothing_before_the_deadline(self) -> None:
        self.capture()
        self.assertFalse(actions.remind_overdue())

    def test_it_reminds_the_responsible_once_a_day(self) -> None:
        record = self.capture()
        late = NEXT_MORNING + dt.timedelta(days=2)
        with (
            time_machine.travel(late, tick=False),
            mock.patch.object(
                actions, "_enqueue_reminder", wraps=actions._enqueue_reminder
            ) as enqueue,
        ):
            self.assertTrue(actions.remind_overdue())
            self.assertFalse(actions.remind_overdue())
        enqueue.assert_called_once()
        kwargs = enqueue.call_args.kwargs
        self.assertEqual(kwargs["to"], self.alice)
        self.assertIn(record.number, kwargs["body"])
        # No personal data in a message: no name, no identity number.
        self.assertNotIn("Tolvan", kwargs["body"] + kwargs["subject"])
        self.assertNotIn("1212", kwargs["body"].replace(record.number, ""))
        message = OutboxMessage.objects.get(source="records.reminder")
        self.assertEqual(message.recipient, self.alice.email)
        self.assertIn(record.number, message.subject)
        self.assertIn("/efterregistrering/", message.body)
        with time_machine.travel(late + dt.timedelta(days=1, minutes=1), tick=False):
            self.assertTrue(actions.remind_overdue())

    def test_it_skips_finished_back_registrations(self) -> None:
        backreg = self.capture().back_registration
        actions.mark_done(backreg, by=self.alice)
        with time_machine.travel(NEXT_MORNING + dt.timedelta(days=3), tick=False):
            self.assertFalse(actions.remind_overdue())

    def test_it_lets_only_one_claim_win(self) -> None:
        """A second worker holding the same stale candidate changes no row."""
        backreg = self.capture().back_registration
        late = NEXT_MORNING + dt.timedelta(days=2)
        with time_machine.travel(late, tick=False):
            self.assertTrue(actions.remind_overdue())
            changed = BackRegistration.objects.filter(pk=backreg.pk, reminded_at=None).update(
                reminded_at=late
            )
        self.assertEqual(changed, 0)
