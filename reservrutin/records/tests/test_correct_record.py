"""correct_record: a rättelse is a new record; the original stays visible (swedish-rules §2)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied

from reservrutin.lib import clock
from reservrutin.records import actions
from reservrutin.records.tests.helpers import RecordsTestCase, key


class CorrectRecordTests(RecordsTestCase):
    def test_it_creates_a_new_record_pointing_at_the_original(self) -> None:
        original = self.capture()
        correction = actions.correct_record(
            original,
            event_at=clock.at_local(dt.date(2026, 11, 18), dt.time(9, 45)),
            written_by_name="Nora Karlsson",
            content="Rättelse: Alvedon 500 mg, inte 1 g.",
            idempotency_key=key(),
            by=self.alice,
        )
        original.refresh_from_db()
        self.assertEqual(original.content, "Gav Alvedon 1 g kl. 09.40. Patienten sov sedan.")
        self.assertEqual(correction.corrects, original)
        self.assertNotEqual(correction.number, original.number)
        self.assertEqual(list(original.corrections.all()), [correction])
        self.assertEqual(correction.subject_id_value, original.subject_id_value)
        # The correction must itself be entered into the real system.
        self.assertEqual(correction.back_registration.status, "pending")

    def test_it_refuses_someone_who_cannot_see_the_original(self) -> None:
        original = self.capture()
        with self.assertRaises(PermissionDenied):
            actions.correct_record(
                original,
                event_at=original.event_at,
                written_by_name="X",
                content="x",
                idempotency_key=key(),
                by=self.bob,
            )
