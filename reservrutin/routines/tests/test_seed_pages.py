"""Every seed renders as a page, per role, and as a PDF whose text holds its scenarios and
steps (SOD-14: the routine is always available on paper)."""

from __future__ import annotations

import io
import re

from django.test import TestCase
from django.urls import reverse
from pypdf import PdfReader

from reservrutin.accounts.models import Membership
from reservrutin.routines.demo import load_demo
from reservrutin.routines.tests.helpers import make_demo_registry
from reservrutin.test import make_user


def squash(text: str) -> str:
    # Lines wrap after hyphens and slashes in print ("IT-\nfunktionen"), so compare without
    # the space a wrap leaves there.
    return re.sub(r"([-/])\s+", r"\1", re.sub(r"\s+", " ", text)).strip()


class SeedPagesTestCase(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        orgs = make_demo_registry()
        cls.versions = load_demo()
        cls.user = make_user("reader")
        for key in ("region-skane", "region-norrbotten", "linkoping", "soderkoping"):
            Membership.objects.create(
                user=cls.user, organisation=orgs[key], role=Membership.Role.STAFF
            )

    def setUp(self) -> None:
        self.client.force_login(self.user)

    def test_it_renders_every_seed_as_a_page(self) -> None:
        for version in self.versions:
            routine = version.routine
            response = self.client.get(
                reverse("routines:detail", args=[routine.organisation.key, routine.key])
            )
            self.assertEqual(response.status_code, 200, routine.key)
            doc = version.document()
            for scenario in doc.scenarios:
                self.assertContains(response, scenario.title)

    def test_it_writes_timers_in_words_lmn_09(self) -> None:
        response = self.client.get(reverse("routines:detail", args=["region-skane", "sesam-lmn"]))
        self.assertContains(
            response,
            "Efter 4 timmar utan prognos: reservrutinen för akuta förskrivningar aktiveras",
        )
        self.assertContains(response, "30 000")

    def test_it_says_what_one_role_does_now(self) -> None:
        url = reverse("routines:role", args=["region-skane", "sesam-lmn", "telefoniansvarig"])
        response = self.client.get(url)
        self.assertContains(response, "Lägg in ett lavinmeddelande på telefonslingan.")
        self.assertNotContains(response, "Anmäl omedelbart driftstörningen")
        url = reverse("routines:role", args=["linkoping", "treserva-tes", "medarbetare"])
        self.assertContains(
            self.client.get(url), "Efterregistrera dina tider och insatser i TES-appen."
        )
        missing = reverse("routines:role", args=["linkoping", "treserva-tes", "okand"])
        self.assertEqual(self.client.get(missing).status_code, 404)

    def test_it_prints_every_seed_as_a_pdf_with_scenarios_and_steps(self) -> None:
        for version in self.versions:
            routine = version.routine
            response = self.client.get(
                reverse("routines:pdf", args=[routine.organisation.key, routine.key])
            )
            self.assertEqual(response["Content-Type"], "application/pdf")
            reader = PdfReader(io.BytesIO(response.content))
            text = squash(" ".join(page.extract_text() for page in reader.pages))
            doc = version.document()
            for scenario in doc.scenarios:
                self.assertIn(squash(scenario.title), text, routine.key)
                for step in scenario.steps:
                    self.assertIn(squash(step.what), text, routine.key)
            self.assertIn(f"Sida 1 av {len(reader.pages)}", text)
            # The live address is printed (it wraps after slashes on paper).
            self.assertIn(
                f"/org/{routine.organisation.key}/rutiner/{routine.key}/", text.replace("/ ", "/")
            )
