"""Every PDF the product makes is tagged PDF/UA-1 (issue 17, DOS-lagen): a structure tree,
``/MarkInfo`` marked, a language and a title, and the text a screen reader would read.

One test per kind of PDF: routine page, downtime binder (routines, contacts, blank forms and
wall checklist), blank form, outage review, outage checklist and the exercise's after-action
report. They all go through ``reservrutin.printouts.pdf.html_to_pdf``; these tests read the
bytes a user gets.
"""

from __future__ import annotations

import datetime as dt
import io

import time_machine
from django.urls import reverse
from pypdf import PdfReader

from reservrutin.lib import clock
from reservrutin.outages.tests.factories import make_outage
from reservrutin.readiness.exercises import (
    end_exercise,
    exercise_report,
    render_report_pdf,
    start_exercise,
)
from reservrutin.readiness.tests.exercise_helpers import make_exercise_routine
from reservrutin.readiness.tests.helpers import import_and_approve, make_roles
from reservrutin.test import BaseTestCase

START = dt.datetime(2026, 6, 15, 8, 0, tzinfo=dt.UTC)


class TaggedPdfTestCase(BaseTestCase):
    def assert_tagged(self, data: bytes, *, lang: str, title: str, texts: list[str]) -> None:
        """``data`` is a tagged PDF in ``lang`` whose title contains ``title`` and whose
        text contains each of ``texts``."""
        self.assertTrue(data.startswith(b"%PDF"))
        reader = PdfReader(io.BytesIO(data))
        catalog = reader.trailer["/Root"]
        self.assertIn("/StructTreeRoot", catalog)
        tree = catalog["/StructTreeRoot"].get_object()
        self.assertTrue(tree.get("/K"), "the structure tree has no children")
        self.assertEqual(str(catalog["/Lang"]), lang)
        self.assertIs(bool(catalog["/MarkInfo"]["/Marked"]), True)
        self.assertIn(title, reader.metadata.title or "")
        # PDF/UA asks viewers to show the title rather than the file name.
        self.assertIs(bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"]), True)
        text = "\n".join(page.extract_text() for page in reader.pages)
        for expected in texts:
            self.assertIn(expected, text)

    def test_the_routine_page_pdf(self) -> None:
        make_exercise_routine(self.org_a, [self.maria])
        self.login(self.alice)
        response = self.client.get(reverse("routines:pdf", args=["org-a", "rutin-ovning"]))
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assert_tagged(
            response.content,
            lang="sv",
            title="Rutin för övning",
            texts=["Rutin för övning", "System A nere för alla"],
        )

    @time_machine.travel("2026-06-15 10:00 +0200", tick=False)
    def test_the_unit_binder_pdf_with_its_forms_and_checklist(self) -> None:
        make_roles(self.org_a)
        import_and_approve("1.4")
        self.login(self.alice)
        response = self.client.get(reverse("readiness:binder_pdf", args=["org-a", "unit-a"]))
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assert_tagged(
            response.content,
            lang="sv",
            title="Driftstoppspärm",
            texts=["Driftstoppspärm", "Rutin A", "version 1.4", "Telefonlista"],
        )

    def test_a_blank_form_pdf(self) -> None:
        outage = make_outage(self.org_a, [self.system_a])
        self.login(self.alice)
        url = reverse("records:blank_form", args=["org-a", "journal_note"])
        response = self.client.get(url, {"unit": "unit-a", "outage": outage.code})
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assert_tagged(
            response.content,
            lang="sv",
            title="Journalanteckning",
            texts=["Journalanteckning", "Avdelning A"],
        )

    def test_the_outage_review_pdf_in_swedish_and_in_english(self) -> None:
        outage = make_outage(self.org_a, [self.system_a])
        self.login(self.carl)
        change = "outages:change"
        now = clock.local(clock.now()).strftime("%Y-%m-%dT%H:%M")
        self.client.post(
            reverse(change, args=["org-a", outage.code, "atgardad"]), {"resolved_at": now}
        )
        self.client.post(reverse(change, args=["org-a", outage.code, "avsluta"]))
        url = reverse("outages:review_pdf", args=["org-a", outage.code])
        self.assert_tagged(
            self.client.get(url).content,
            lang="sv",
            title="Uppföljning",
            texts=["Inget SLA registrerat", outage.title],
        )
        self.client.cookies["django_language"] = "en"
        self.assert_tagged(
            self.client.get(url).content, lang="en", title="Follow-up", texts=[outage.title]
        )

    def test_the_outage_checklist_pdf(self) -> None:
        outage = make_outage(self.org_a, [self.system_a])
        self.login(self.alice)
        url = reverse("outages:checklist_pdf", args=["org-a", outage.code])
        response = self.client.get(url)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assert_tagged(
            response.content, lang="sv", title="Checklista", texts=["Checklista", outage.title]
        )

    def test_the_exercise_report_pdf(self) -> None:
        make_exercise_routine(self.org_a, [self.maria])
        with time_machine.travel(START, tick=False):
            exercise = start_exercise(
                self.org_a,
                "rutin-ovning",
                "nere",
                unit=self.unit_a,
                speed=60.0,
                participants=[self.maria, self.carl],
                by=self.carl,
            )
        with time_machine.travel(START + dt.timedelta(minutes=10), tick=False):
            end_exercise(exercise, by=self.carl)
            data = render_report_pdf(exercise_report(exercise))
        self.assert_tagged(
            data, lang="sv", title="Övningsrapport", texts=["ÖVNING", "Efterrapport"]
        )
