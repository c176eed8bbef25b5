"""The paper checklist of an outage's steps (PDF): one page where it fits, columns for
initials and time, read back from the real PDF with pypdf."""

from __future__ import annotations

import io

from django.urls import reverse
from pypdf import PdfReader

from reservrutin.outages import actions
from reservrutin.outages.models import Outage
from reservrutin.outages.tests.helpers import DemoTestCase, at


class ChecklistPdfTest(DemoTestCase):
    def _outage(self) -> Outage:
        with at(7):
            submitted = self.report("linkoping", ["tes"], by=self.user("jonas.strom"))
            return actions.confirm_outage(
                submitted.outage,
                by=self.user("mikael.sund"),
                scenario_key="oplanerat-driftstopp-tes",
            )

    def _text(self, outage: Outage) -> tuple[str, int]:
        self.client.force_login(self.user("jonas.strom"))
        with at(8):
            response = self.client.get(
                reverse("outages:checklist_pdf", args=["linkoping", outage.code])
            )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        reader = PdfReader(io.BytesIO(response.content))
        text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
        return text, len(reader.pages)

    def test_it_prints_the_scenario_steps_on_one_page_with_initials_and_time(self) -> None:
        outage = self._outage()
        text, pages = self._text(outage)
        self.assertEqual(pages, 1)
        self.assertIn("Checklista", text)
        self.assertIn("Oplanerat driftstopp i TES", text)
        self.assertIn("Initialer", text)
        self.assertIn("Klockslag", text)
        for step in ("Informera dina kollegor om driftstoppet.", "Använd konventionella"):
            self.assertIn(step, text)
        self.assertIn("Medarbetare", text)

    def test_it_prints_ticks_already_made(self) -> None:
        outage = self._outage()
        task = outage.tasks.get(source_key="oplanerat-driftstopp-tes:informera-kollegor")
        with at(7, 40):
            actions.complete_task(task, by=self.user("jonas.strom"))
        text, _pages = self._text(outage)
        self.assertIn("Informera dina kollegor om driftstoppet. Jonas Ström 07:40", text)

    def test_it_links_the_checklist_from_the_outage_page(self) -> None:
        outage = self._outage()
        self.client.force_login(self.user("jonas.strom"))
        page = self.client.get(reverse("outages:detail", args=["linkoping", outage.code]))
        self.assertContains(page, reverse("outages:checklist_pdf", args=["linkoping", outage.code]))
