"""Printable blank forms: prefilled header, reserved number and a QR code that decodes to it."""

from __future__ import annotations

import io

import zxingcpp
from PIL import Image
from pypdf import PdfReader

from reservrutin.records.models import RecordNumber
from reservrutin.records.tests.helpers import RecordsTestCase


class BlankFormTests(RecordsTestCase):
    def url(self, record_type: str = "journal_note") -> str:
        return f"/org/org-a/blanketter/{record_type}.pdf?unit=unit-a&outage={self.outage.code}"

    def test_it_prints_the_prefilled_fields_and_reserves_the_number(self) -> None:
        self.login(self.alice)
        response = self.client.get(self.url())
        self.assertEqual(response["Content-Type"], "application/pdf")
        reserved = RecordNumber.objects.get()
        self.assertEqual((reserved.unit, reserved.outage), (self.unit_a, self.outage))
        text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
        for expected in (
            "Journalanteckning",
            reserved.number,
            "Region A",
            "Avdelning A",
            "Journalsystemet nere",
            "2026-11-19",
        ):
            self.assertIn(expected, text)

    def test_the_qr_code_decodes_to_the_record_number(self) -> None:
        self.login(self.alice)
        response = self.client.get(self.url("discharge_phone_report"))
        number = RecordNumber.objects.get().number
        page = PdfReader(io.BytesIO(response.content)).pages[0]
        decoded = []
        for image in page.images:
            picture = Image.open(io.BytesIO(image.data)).convert("L")
            decoded += [result.text for result in zxingcpp.read_barcodes(picture)]
        self.assertEqual(decoded, [number])

    def test_every_record_type_has_a_form(self) -> None:
        from reservrutin.records.models import RecordType

        self.login(self.maria)
        for record_type in RecordType.values:
            self.assertEqual(self.client.get(self.url(record_type)).status_code, 200)
        numbers = list(RecordNumber.objects.values_list("number", flat=True))
        self.assertEqual(len(set(numbers)), len(RecordType.values))

    def test_persona_matrix(self) -> None:
        self.assert_requires_login(self.url())
        for user in (self.bob, self.carl):
            self.login(user)
            self.assertEqual(self.client.get(self.url()).status_code, 404)
        self.login(self.alice)
        self.assertEqual(self.client.get("/org/org-a/blanketter/nope.pdf").status_code, 404)
        self.assertFalse(RecordNumber.objects.exists())

    def test_a_printed_number_is_used_when_the_paper_is_transcribed(self) -> None:
        self.login(self.alice)
        self.client.get(self.url())
        number = RecordNumber.objects.get().number
        record = self.capture(number=number)
        self.assertEqual(record.number, number)
