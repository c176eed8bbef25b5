"""The discharge report form and the payment overview (SP-04…SP-09, SP-12)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine

from reservrutin.audit.models import AuditEvent
from reservrutin.records.models import DischargeReport
from reservrutin.records.tests.helpers import NEXT_MORNING, PNR, RecordsTestCase, key

URL = "/org/org-a/utskrivningsklar/ny/"


class DischargeViewTests(RecordsTestCase):
    def data(self, **overrides: Any) -> dict[str, Any]:
        data = {
            "idempotency_key": key(),
            "outage": self.outage.pk,
            "unit": self.unit_a.pk,
            "kind": "ready_for_discharge",
            "call_at": "2026-11-18T10:00",
            "patient_name": "Tolvan Tolvansson",
            "identifier": PNR,
            "ward": "Avdelning 12",
            "ward_phone": "0920-284012",
            "caller_name": "Nora Karlsson",
            "caller_organisation": "Region A",
            "receiver_name": "Kim Lind",
            "receiver_organisation": "Kommun B",
            "summary": "Utskrivningsklar, behöver hemtjänst.",
            "written_by_name": "Nora Karlsson",
        }
        data.update(overrides)
        return data

    def test_it_documents_a_call(self) -> None:
        self.login(self.alice)
        response = self.client.post(URL, self.data())
        report = DischargeReport.objects.get()
        self.assertRedirects(response, f"/org/org-a/efterregistrering/{report.record.code}/")

    def test_it_explains_a_discharge_before_admission_and_keeps_input(self) -> None:
        self.login(self.alice)
        self.client.post(URL, self.data(kind="admission", call_at="2026-11-18T11:00"))
        response = self.client.post(URL, self.data(kind="discharge"))
        self.assertContains(response, "Utskrivningen kan inte vara före inskrivningen")
        self.assertContains(response, "Utskrivningsklar, behöver hemtjänst.")
        self.assertEqual(DischargeReport.objects.count(), 1)

    def test_it_requires_the_doctor_for_a_change(self) -> None:
        """SP-08."""
        self.login(self.alice)
        response = self.client.post(
            URL, self.data(kind="new_estimated_date", estimated_discharge_date="2026-11-30")
        )
        self.assertContains(response, "vilken läkare")

    def test_persona_matrix(self) -> None:
        self.assert_requires_login(URL)
        self.login(self.bob)
        self.assertEqual(self.client.get(URL).status_code, 404)


class PaymentViewTests(RecordsTestCase):
    def test_it_lists_patients_with_payment_start_and_missing_amount(self) -> None:
        self.login(self.alice)
        self.client.post(URL, DischargeViewTests.data(self))  # type: ignore[arg-type]
        url = f"/org/org-a/enhet/unit-a/betalningsansvar/?outage={self.outage.code}"
        with time_machine.travel(NEXT_MORNING + dt.timedelta(days=6), tick=False):
            self.login(self.alice)
            response = self.client.get(url)
            csv = self.client.get(url + "&format=csv").content.decode()
        self.assertContains(response, "Tolvan Tolvansson")
        self.assertContains(response, "2026-11-22 00:00")
        self.assertContains(response, "belopp saknas för år 2026")
        self.assertNotContains(response, PNR)
        self.assertTrue(AuditEvent.objects.filter(action="records.listed").exists())
        self.assertIn("2026-11-22 00:00", csv)
        self.assertNotIn(PNR, csv)

    def test_persona_matrix(self) -> None:
        url = "/org/org-a/enhet/unit-a/betalningsansvar/"
        self.assert_requires_login(url)
        for user, status in ((self.maria, 200), (self.adam, 200), (self.bob, 404),
                             (self.carl, 404)):  # fmt: skip
            self.login(user)
            self.assertEqual(self.client.get(url).status_code, status, user)
