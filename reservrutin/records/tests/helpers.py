"""Small helpers for the records tests: an outage in org A and a captured record."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import time_machine

from reservrutin.accounts.models import User
from reservrutin.lib import clock
from reservrutin.outages.models import Outage
from reservrutin.records import actions
from reservrutin.records.models import DowntimeRecord, RecordType
from reservrutin.test import BaseTestCase

#: 2026-11-18 08:00 in Stockholm; the outage starts then and is resolved at 16:00.
STARTED = clock.at_local(dt.date(2026, 11, 18), dt.time(8, 0))
RESOLVED = clock.at_local(dt.date(2026, 11, 18), dt.time(16, 0))
#: The next morning, when staff transcribe the paper.
NEXT_MORNING = clock.at_local(dt.date(2026, 11, 19), dt.time(8, 15))

#: Valid test personnummer (Skatteverket's test series style, Luhn-correct).
PNR = "19121212-1212"
PNR_B = "20000101-0024"
PNR_C = "19850315-2384"


def key() -> str:
    return uuid.uuid4().hex


class RecordsTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.outage = Outage.objects.create(
            organisation=cls.org_a,
            title="Journalsystemet nere",
            started_at=STARTED,
            resolved_at=RESOLVED,
            status=Outage.Status.BACK_REGISTRATION,
            created_at=STARTED,
        )
        cls.outage.systems.add(cls.system_a)

    def setUp(self) -> None:
        super().setUp()
        self.traveller = time_machine.travel(NEXT_MORNING, tick=False)
        self.traveller.start()
        self.addCleanup(self.traveller.stop)

    def capture(self, by: User | None = None, **overrides: Any) -> DowntimeRecord:
        fields: dict[str, Any] = {
            "outage": self.outage,
            "unit": self.unit_a,
            "record_type": RecordType.JOURNAL_NOTE,
            "event_at": clock.at_local(dt.date(2026, 11, 18), dt.time(9, 40)),
            "written_by_name": "Nora Karlsson",
            "content": "Gav Alvedon 1 g kl. 09.40. Patienten sov sedan.",
            "idempotency_key": key(),
            "by": by or self.alice,
            "subject": actions.Subject("Tolvan Tolvansson", PNR),
            "target_system": self.system_a,
        }
        fields.update(overrides)
        return actions.capture_record(**fields)
