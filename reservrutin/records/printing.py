"""Printable blank forms (PDF) with a reserved record number and its QR code.

The QR code encodes only the record number: no personal data is ever printed by us; staff
write the patient on the paper by hand. The code is embedded as a PNG so that it prints
sharply at a fixed size and can be read back from the PDF in tests.
"""

from __future__ import annotations

import segno
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import translation

from reservrutin.lib import clock
from reservrutin.printouts.pdf import html_to_pdf
from reservrutin.records.models import RecordNumber, RecordType

#: Which fields each blank form asks for, beyond the shared header.
FIELDS: dict[str, list[str]] = {
    RecordType.JOURNAL_NOTE: ["Patientens namn", "Personnummer/reservnummer", "Anteckning"],
    RecordType.DEVIATION: ["Vad hände", "Åtgärd", "Berörd patient/brukare (om någon)"],
    RecordType.SIGNING_LIST: ["Patientens namn", "Personnummer/reservnummer", "Läkemedel/insats", "Signering per tillfälle"],
    RecordType.TIME_REGISTRATION: ["Medarbetare", "Brukare", "Insats", "Tid från–till"],
    RecordType.PAPER_REFERRAL: ["Patientens namn", "Personnummer/reservnummer", "Remitteras till", "Frågeställning"],
    RecordType.ACUTE_PRESCRIPTION: ["Patientens namn", "Personnummer/reservnummer", "Läkemedel, styrka, dosering", "Förskrivare"],
    RecordType.DISCHARGE_PHONE_REPORT: ["Patientens namn", "Personnummer/reservnummer", "Inskrivning/utskrivningsklar/utskrivning", "Avdelningens telefon", "Till/från vem (organisation)", "Bedömande läkare (vid ändring)", "Sammanfattning"],
}  # fmt: skip


def qr_for(number: str) -> segno.QRCode:
    """The QR code printed on a form: the record number and nothing else."""
    return segno.make(number, error="m", micro=False)


def blank_form_pdf(reserved: RecordNumber, *, request: HttpRequest | None = None) -> bytes:
    now = clock.local(clock.now())
    # Forms are printed in Swedish whatever the UI language: they go into Swedish binders.
    with translation.override("sv"):
        html = render_to_string(
            "records/blank_form.html",
            {
                "reserved": reserved,
                "type_label": RecordType(reserved.record_type).label,
                "fields": FIELDS[reserved.record_type],
                "qr": qr_for(reserved.number).png_data_uri(scale=8, border=4),
                "printed_at": now,
            },
        )
    return html_to_pdf(html)
