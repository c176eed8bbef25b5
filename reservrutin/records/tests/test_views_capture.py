"""The capture form: transcribing paper through the UI (TES-04, SOD-15, SP-11)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from reservrutin.audit.models import AuditEvent
from reservrutin.records.models import BackRegistration, DowntimeRecord
from reservrutin.records.tests.helpers import NEXT_MORNING, PNR, RecordsTestCase, key

URL = "/org/org-a/efterregistrering/ny/"


class CaptureViewTests(RecordsTestCase):
    def post_data(self, **overrides: Any) -> dict[str, Any]:
        data = {
            "idempotency_key": key(),
            "outage": self.outage.pk,
            "unit": self.unit_a.pk,
            "record_type": "journal_note",
            "event_at": "2026-11-18T09:40",
            "written_by_name": "Nora Karlsson",
            "subject_name": "Tolvan Tolvansson",
            "identifier": PNR,
            "content": "Gav Alvedon.",
            "target_system": self.system_a.pk,
        }
        data.update(overrides)
        return data

    def test_it_requires_login(self) -> None:
        self.assert_requires_login(URL)

    def test_it_shows_the_form_to_unit_staff_and_not_to_outsiders(self) -> None:
        for user, status in ((self.alice, 200), (self.maria, 200), (self.adam, 200),
                             (self.bob, 404), (self.carl, 404)):  # fmt: skip
            self.login(user)
            self.assertEqual(self.client.get(URL).status_code, status, user)

    def test_it_captures_and_redirects_to_the_record(self) -> None:
        self.login(self.alice)
        response = self.client.post(URL, self.post_data())
        record = DowntimeRecord.objects.get()
        self.assertRedirects(response, f"/org/org-a/efterregistrering/{record.code}/")
        # Swedish wall-clock input, stored as the right instant.
        self.assertEqual(record.event_at, dt.datetime(2026, 11, 18, 8, 40, tzinfo=dt.UTC))
        self.assertNotIn(PNR.replace("-", ""), response["Location"])

    def test_it_ignores_posted_entry_and_done_times(self) -> None:
        """SP-11: no path sets an entry or done time in the past."""
        self.login(self.alice)
        self.client.post(
            URL,
            self.post_data(
                entered_at="2026-11-18T09:40",
                done_at="2026-11-18T09:41",
                status="done",
                responsible=self.adam.pk,
            ),
        )
        record = DowntimeRecord.objects.get()
        self.assertEqual(record.entered_at, NEXT_MORNING)
        self.assertEqual(record.back_registration.status, BackRegistration.Status.PENDING)
        self.assertIsNone(record.back_registration.done_at)
        self.assertEqual(record.back_registration.responsible, self.alice)

    def test_it_keeps_the_input_and_explains_an_event_time_after_entry(self) -> None:
        self.login(self.alice)
        response = self.client.post(URL, self.post_data(event_at="2026-11-19T09:00"))
        self.assertContains(response, "Händelsetiden kan inte vara efter registreringstiden")
        self.assertContains(response, "Gav Alvedon.")
        self.assertContains(response, "Nora Karlsson")
        self.assertFalse(DowntimeRecord.objects.exists())

    def test_it_explains_an_invalid_identity_number(self) -> None:
        self.login(self.alice)
        response = self.client.post(URL, self.post_data(identifier="19121212-1213"))
        self.assertContains(response, "Kontrollsiffran stämmer inte")
        self.assertContains(response, "Gav Alvedon.")
        self.assertFalse(DowntimeRecord.objects.exists())

    def test_a_double_submission_creates_one_record(self) -> None:
        self.login(self.alice)
        data = self.post_data()
        first = self.client.post(URL, data)
        second = self.client.post(URL, data)
        self.assertEqual(first["Location"], second["Location"])
        self.assertEqual(DowntimeRecord.objects.count(), 1)

    def test_it_refuses_a_unit_the_user_does_not_belong_to(self) -> None:
        self.login(self.alice)
        response = self.client.post(URL, self.post_data(unit=self.unit_a2.pk))
        self.assertEqual(response.status_code, 200)
        self.assertFalse(DowntimeRecord.objects.exists())
        self.assertFalse(AuditEvent.objects.filter(action="records.captured").exists())
