"""capture_record: transcribing a paper note (TES-04, TES-05, SOD-15, S2-07, LMN-09)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError

from reservrutin.audit.models import AuditEvent
from reservrutin.lib import clock
from reservrutin.records import actions
from reservrutin.records.models import BackRegistration, DowntimeRecord, RecordType
from reservrutin.records.tests.helpers import NEXT_MORNING, RecordsTestCase, key


class CaptureRecordTests(RecordsTestCase):
    def test_it_keeps_event_time_and_entry_time_apart(self) -> None:
        """Journal rule: the time on the paper and the server's entry time are both kept."""
        record = self.capture()
        self.assertEqual(record.event_at, clock.at_local(dt.date(2026, 11, 18), dt.time(9, 40)))
        self.assertEqual(record.entered_at, NEXT_MORNING)
        self.assertEqual(record.entered_by, self.alice)
        self.assertRegex(record.number, r"^RR-2026-\d{6}$")

    def test_it_stores_the_identifier_normalised_and_prints_it_masked(self) -> None:
        record = self.capture(subject=actions.Subject("Tolvan", "850315-2384"))
        self.assertEqual(record.subject_id_value, "198503152384")
        self.assertEqual(str(record.subject_identifier), "19850315-****")
        self.assertNotIn("2384", repr(record.subject_identifier))

    def test_it_opens_a_back_registration_for_the_capturer(self) -> None:
        """TES-05: the person responsible for the note enters it (here: who transcribed)."""
        record = self.capture()
        backreg = record.back_registration
        self.assertEqual(backreg.status, BackRegistration.Status.PENDING)
        self.assertEqual(backreg.responsible, self.alice)
        self.assertEqual(backreg.target_system, self.system_a)

    def test_it_makes_the_writer_responsible_when_they_have_an_account(self) -> None:
        record = self.capture(by=self.maria, written_by=self.alice)
        self.assertEqual(record.back_registration.responsible, self.alice)

    def test_it_rejects_an_event_time_after_the_entry_time(self) -> None:
        with self.assertRaises(ValidationError) as ctx:
            self.capture(event_at=NEXT_MORNING + dt.timedelta(minutes=1))
        self.assertIn(
            "Händelsetiden kan inte vara efter registreringstiden",
            " ".join(ctx.exception.message_dict["event_at"]),
        )
        self.assertFalse(DowntimeRecord.objects.exists())

    def test_it_rejects_an_invalid_identity_number_with_a_clear_message(self) -> None:
        with self.assertRaises(ValidationError) as ctx:
            self.capture(subject=actions.Subject("Tolvan", "19121212-1213"))
        self.assertIn("Kontrollsiffran", " ".join(ctx.exception.message_dict["identifier"]))
        self.assertFalse(DowntimeRecord.objects.exists())

    def test_it_requires_a_patient_for_a_journal_note(self) -> None:
        with self.assertRaises(ValidationError) as ctx:
            self.capture(subject=actions.Subject("", ""))
        self.assertEqual(set(ctx.exception.message_dict), {"subject_name", "identifier"})

    def test_it_accepts_a_time_registration_without_a_patient(self) -> None:
        """TES-06, TES-10: times and efforts are registered afterwards."""
        record = self.capture(record_type=RecordType.TIME_REGISTRATION, subject=actions.Subject())
        self.assertEqual(record.subject_id_value, "")
        self.assertIsNone(record.subject_identifier)

    def test_it_accepts_a_paper_referral_and_an_acute_prescription(self) -> None:
        """S2-07 paper referrals and LMN-09 acute prescriptions are records too."""
        for record_type in (RecordType.PAPER_REFERRAL, RecordType.ACUTE_PRESCRIPTION):
            self.assertEqual(self.capture(record_type=record_type).record_type, record_type)

    def test_it_is_idempotent_on_the_key(self) -> None:
        same = key()
        first = self.capture(idempotency_key=same)
        second = self.capture(idempotency_key=same, content="annat")
        self.assertEqual(first.pk, second.pk)
        self.assertEqual(DowntimeRecord.objects.count(), 1)
        self.assertEqual(AuditEvent.objects.filter(action="records.captured").count(), 1)

    def test_it_refuses_another_persons_key(self) -> None:
        same = key()
        self.capture(idempotency_key=same)
        with self.assertRaises(ValidationError):
            self.capture(idempotency_key=same, by=self.maria)

    def test_it_uses_a_number_printed_on_the_blank_form(self) -> None:
        reserved = actions.allocate_number(
            organisation=self.org_a,
            unit=self.unit_a,
            outage=self.outage,
            record_type=RecordType.JOURNAL_NOTE,
            by=self.alice,
        )
        record = self.capture(number=reserved.number.lower())
        self.assertEqual(record.number, reserved.number)
        with self.assertRaises(ValidationError) as ctx:
            self.capture(number=reserved.number)
        self.assertIn("redan registrerat", ctx.exception.message_dict["number"][0])

    def test_it_rejects_a_number_never_printed(self) -> None:
        with self.assertRaises(ValidationError) as ctx:
            self.capture(number="RR-2026-999999")
        self.assertIn("number", ctx.exception.message_dict)

    def test_it_numbers_records_in_sequence(self) -> None:
        first, second = self.capture(), self.capture()
        self.assertEqual(int(second.number[-6:]), int(first.number[-6:]) + 1)

    def test_it_refuses_staff_of_another_unit(self) -> None:
        with self.assertRaises(PermissionDenied):
            self.capture(by=self.bob)
        with self.assertRaises(PermissionDenied):
            self.capture(by=self.carl)

    def test_it_writes_an_audit_event_without_personal_data(self) -> None:
        record = self.capture()
        event = AuditEvent.objects.get(action="records.captured")
        self.assertEqual(event.object_id, str(record.pk))
        self.assertNotIn("1212", str(event.detail).replace(record.number, ""))
        self.assertNotIn("Tolvan", str(event.detail))

    def test_it_never_updates_a_stored_record(self) -> None:
        """Append-only: a correction is a new record."""
        record = self.capture()
        record.content = "ändrat"
        with self.assertRaises(ValueError):
            record.save()

    def test_it_rejects_a_target_system_of_another_organisation(self) -> None:
        with self.assertRaises(ValidationError) as ctx:
            self.capture(target_system=self.system_b)
        self.assertIn("target_system", ctx.exception.message_dict)

    def test_it_has_no_parameter_for_the_entry_time(self) -> None:
        with self.assertRaises(TypeError):
            self.capture(entered_at=NEXT_MORNING - dt.timedelta(days=1))
