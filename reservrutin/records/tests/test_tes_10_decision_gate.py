"""TES-10: over 10 hours the administrations announce how times and efforts are
back-registered; until then those back-registrations are not late and nobody is reminded."""

from __future__ import annotations

import datetime as dt

import time_machine

from reservrutin.notifications.models import OutboxMessage
from reservrutin.outages.models import Task
from reservrutin.records import actions
from reservrutin.records.models import RecordType
from reservrutin.records.tests.helpers import NEXT_MORNING, RecordsTestCase


class DecisionGateTests(RecordsTestCase):
    def decision(self) -> Task:
        return Task.objects.create(
            outage=self.outage,
            role_key="forvaltningarna",
            instruction="Förvaltningarna meddelar hur efterregistrering av tider ska hanteras.",
            source=Task.Source.RESOLUTION,
            source_key="resolution:1:0",
            created_at=NEXT_MORNING,
        )

    def test_tes_10_time_registrations_wait_for_the_administrations_decision(self) -> None:
        self.decision()
        self.capture(record_type=RecordType.TIME_REGISTRATION)
        late = NEXT_MORNING + dt.timedelta(days=3)
        with time_machine.travel(late, tick=False):
            actions.remind_overdue()
            self.assertFalse(OutboxMessage.objects.filter(source="records.reminder").exists())
            self.login(self.alice)
            page = self.client.get("/efterregistrering/")
        self.assertContains(page, "Tider och insatser väntar på besked")
        self.assertContains(page, "Förvaltningarna meddelar")

    def test_tes_10_other_records_are_not_held_back(self) -> None:
        self.decision()
        self.capture(record_type=RecordType.JOURNAL_NOTE)
        with time_machine.travel(NEXT_MORNING + dt.timedelta(days=3), tick=False):
            self.assertTrue(actions.remind_overdue())
        self.assertTrue(OutboxMessage.objects.filter(source="records.reminder").exists())

    def test_tes_10_once_decided_the_reminders_start(self) -> None:
        task = self.decision()
        self.capture(record_type=RecordType.TIME_REGISTRATION)
        task.done_at = NEXT_MORNING + dt.timedelta(days=1)
        task.save(update_fields=["done_at"])
        with time_machine.travel(NEXT_MORNING + dt.timedelta(days=3), tick=False):
            actions.remind_overdue()
        self.assertTrue(OutboxMessage.objects.filter(source="records.reminder").exists())
