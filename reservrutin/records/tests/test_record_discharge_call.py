"""record_discharge_call: Lifecare SP phone reports during an outage (SP-04…SP-09)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError

from reservrutin.lib import clock
from reservrutin.records import actions
from reservrutin.records.models import DischargeReport, DowntimeRecord, RecordType
from reservrutin.records.tests.helpers import PNR, RecordsTestCase, key

Kind = DischargeReport.Kind


def at(hour: int, minute: int = 0, day: int = 18) -> dt.datetime:
    return clock.at_local(dt.date(2026, 11, day), dt.time(hour, minute))


class DischargeCallTests(RecordsTestCase):
    def call(self, kind: str, call_at: dt.datetime, **overrides: Any) -> DowntimeRecord:
        call_fields: dict[str, Any] = {
            "kind": kind,
            "call_at": call_at,
            "ward": "Avdelning 12",
            "ward_phone": "0920-28 40 12",
            "caller_name": "Nora Karlsson",
            "caller_organisation": "Region A",
            "receiver_name": "Kim Lind",
            "receiver_organisation": "Kommun B",
            "summary": "Rapporterat per telefon.",
        }
        extra = {
            k: overrides.pop(k)
            for k in list(overrides)
            if k in call_fields
            or k
            in ("estimated_discharge_date", "assessing_doctor", "care_contact", "sip_meeting_date")
        }
        call_fields.update(extra)
        fields: dict[str, Any] = {
            "outage": self.outage,
            "unit": self.unit_a,
            "call": actions.DischargeCall(**call_fields),
            "patient": actions.Subject("Tolvan Tolvansson", PNR),
            "written_by_name": "Nora Karlsson",
            "idempotency_key": key(),
            "by": self.alice,
        }
        fields.update(overrides)
        return actions.record_discharge_call(**fields)

    def test_it_documents_an_admission_with_the_call_time_as_admission_time(self) -> None:
        """SP-04, SP-05: the call is the admission time; the estimated date is kept."""
        record = self.call(Kind.ADMISSION, at(9), estimated_discharge_date=dt.date(2026, 11, 25))
        self.assertEqual(record.record_type, RecordType.DISCHARGE_PHONE_REPORT)
        self.assertEqual(record.event_at, at(9))
        report = record.discharge_report
        self.assertEqual(report.call_at, at(9))
        self.assertEqual(report.estimated_discharge_date, dt.date(2026, 11, 25))
        self.assertEqual(report.ward_phone, "0920-28 40 12")
        self.assertEqual(record.back_registration.status, "pending")

    def test_it_keeps_the_summary_and_to_whom(self) -> None:
        """SP-07: summary, to/from whom, date and time."""
        record = self.call(Kind.READY_FOR_DISCHARGE, at(10))
        self.assertEqual(record.content, "Rapporterat per telefon.")
        self.assertEqual(record.discharge_report.receiver_name, "Kim Lind")

    def test_it_rejects_a_discharge_before_the_admission(self) -> None:
        self.call(Kind.ADMISSION, at(11))
        with self.assertRaises(ValidationError) as ctx:
            self.call(Kind.DISCHARGE, at(10))
        self.assertIn("före inskrivningen", ctx.exception.message_dict["call_at"][0])
        with self.assertRaises(ValidationError):
            self.call(Kind.READY_FOR_DISCHARGE, at(10, 30))
        self.assertEqual(DischargeReport.objects.count(), 1)

    def test_it_requires_the_assessing_doctor_for_a_change(self) -> None:
        """SP-08: a changed ready or estimated date names the doctor who assessed it."""
        self.call(Kind.READY_FOR_DISCHARGE, at(10))
        with self.assertRaises(ValidationError) as ctx:
            self.call(Kind.READY_FOR_DISCHARGE, at(14))
        self.assertIn("SP-08", ctx.exception.message_dict["assessing_doctor"][0])
        with self.assertRaises(ValidationError):
            self.call(
                Kind.NEW_ESTIMATED_DATE, at(14), estimated_discharge_date=dt.date(2026, 11, 30)
            )
        record = self.call(Kind.READY_FOR_DISCHARGE, at(14), assessing_doctor="Dr Ek")
        self.assertEqual(record.discharge_report.assessing_doctor, "Dr Ek")

    def test_it_requires_care_contact_and_sip_date(self) -> None:
        """SP-09: outpatient care phones the care contact and the SIP meeting date."""
        with self.assertRaises(ValidationError) as ctx:
            self.call(Kind.CARE_CONTACT_AND_SIP, at(10))
        self.assertEqual(set(ctx.exception.message_dict), {"care_contact", "sip_meeting_date"})
        record = self.call(
            Kind.CARE_CONTACT_AND_SIP,
            at(10),
            care_contact="Distriktssköterska Eva",
            sip_meeting_date=dt.date(2026, 11, 24),
        )
        self.assertEqual(record.discharge_report.sip_meeting_date, dt.date(2026, 11, 24))

    def test_it_documents_ready_to_take_home(self) -> None:
        """SP-09: municipal services phone when they are ready to take the patient home."""
        record = self.call(Kind.READY_TO_TAKE_HOME, at(15))
        self.assertEqual(record.discharge_report.kind, Kind.READY_TO_TAKE_HOME)

    def test_it_rejects_bad_input_with_clear_messages_and_keeps_nothing(self) -> None:
        with self.assertRaises(ValidationError) as ctx:
            self.call(
                Kind.ADMISSION,
                at(9, day=20),
                ward_phone="",
                summary="",
                patient=actions.Subject("Tolvan", "19121212-1213"),
            )
        errors = ctx.exception.message_dict
        self.assertIn("Händelsetiden kan inte vara efter registreringstiden", errors["call_at"][0])
        self.assertIn("ward_phone", errors)
        self.assertIn("SP-07", errors["summary"][0])
        self.assertIn("Kontrollsiffran", errors["identifier"][0])
        self.assertFalse(DowntimeRecord.objects.exists())

    def test_it_is_idempotent(self) -> None:
        same = key()
        first = self.call(Kind.ADMISSION, at(9), idempotency_key=same)
        second = self.call(Kind.ADMISSION, at(9), idempotency_key=same)
        self.assertEqual(first.pk, second.pk)
        self.assertEqual(DischargeReport.objects.count(), 1)
