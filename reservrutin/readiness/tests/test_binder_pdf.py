"""The downtime binder PDF (SOD-14, TES-04, SP-10): the routine version in force, the
contact points with opening hours, the phone directory, blank forms and the wall
checklist; versioned by content, with a "printed" mark."""

from __future__ import annotations

import datetime as dt
import io

import time_machine
from django.urls import reverse
from pypdf import PdfReader

from reservrutin.readiness.actions import add_local_item
from reservrutin.readiness.binder import binder_status, current_binder
from reservrutin.readiness.models import BinderPrint
from reservrutin.readiness.tests.helpers import import_and_approve, make_roles
from reservrutin.registry.models import ContactPoint, DutySchedule, OpeningHours
from reservrutin.test import BaseTestCase


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


@time_machine.travel("2026-06-15 10:00 +0200", tick=False)
class BinderPdfTestCase(BaseTestCase):
    def setUp(self) -> None:
        make_roles(self.org_a)
        import_and_approve("1.4")
        office = DutySchedule.objects.create(
            organisation=self.org_a, key="kontorstid", name="Kontorstid"
        )
        OpeningHours.objects.create(
            schedule=office, days="workdays", opens=dt.time(8), closes=dt.time(16)
        )
        ContactPoint.objects.create(
            organisation=self.org_a,
            key="servicedesk",
            name="Servicedesk Region A",
            kind=ContactPoint.Kind.SERVICE_DESK,
            phone="013-20 70 00",
            schedule=office,
        )
        self.url = reverse("readiness:binder_pdf", args=["org-a", "unit-a"])
        self.unit_url = reverse("readiness:unit", args=["org-a", "unit-a"])

    def test_sod_14_the_pdf_has_routine_contacts_directory_forms_and_checklist(self) -> None:
        self.login(self.alice)
        response = self.client.get(self.url)
        self.assertEqual(response["Content-Type"], "application/pdf")
        text = pdf_text(response.content)
        self.assertIn("Driftstoppspärm", text)
        self.assertIn("Rutin A", text)
        self.assertIn("version 1.4", text)
        self.assertIn("Servicedesk Region A", text)
        self.assertIn("013-20 70 00", text)
        self.assertIn("08:00", text)  # opening hours
        self.assertIn("Telefonlista", text)
        self.assertIn("Blankett: Journalanteckning", text)
        self.assertIn("Löpnummer", text)
        self.assertIn("Beredskapslista för väggen", text)
        self.assertIn("Bärbara datorer", text)

    def test_tes_03_local_additions_are_in_the_binder(self) -> None:
        add_local_item(
            self.unit_a, by=self.maria, text="Reservnycklar i skåpet", recurrence="weekly"
        )
        text = pdf_text(self.client_pdf())
        self.assertIn("Reservnycklar i skåpet", text)

    def client_pdf(self) -> bytes:
        self.login(self.maria)
        return self.client.get(self.url).content

    def test_it_keeps_the_version_while_nothing_changes_and_bumps_it_on_change(self) -> None:
        first = current_binder(self.unit_a)
        self.assertEqual(current_binder(self.unit_a), first)
        ContactPoint.objects.filter(key="servicedesk").update(phone="013-20 70 01")
        second = current_binder(self.unit_a)
        self.assertEqual(second.version, first.version + 1)

    def test_sod_14_a_new_routine_version_makes_a_new_binder(self) -> None:
        first = current_binder(self.unit_a)
        import_and_approve("1.5")
        self.assertEqual(current_binder(self.unit_a).version, first.version + 1)

    def test_the_unit_page_says_when_the_printed_binder_is_outdated(self) -> None:
        self.login(self.maria)
        self.assertContains(self.client.get(self.unit_url), "inte markerad som utskriven")
        version = binder_status(self.unit_a).current.version
        url = reverse("readiness:binder_printed", args=["org-a", "unit-a"])
        self.assertRedirects(self.client.post(url, {"version": version}), self.unit_url)
        self.assertEqual(BinderPrint.objects.get().printed_by, self.maria)
        self.assertContains(self.client.get(self.unit_url), "Den utskrivna pärmen är aktuell")
        import_and_approve("1.5")
        response = self.client.get(self.unit_url)
        self.assertContains(response, "Den utskrivna pärmen är äldre än den aktuella")

    def test_only_managers_mark_printed_and_outsiders_get_404(self) -> None:
        url = reverse("readiness:binder_printed", args=["org-a", "unit-a"])
        self.login(self.alice)
        self.assertEqual(self.client.post(url, {"version": "1"}).status_code, 403)
        self.login(self.bob)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.assert_requires_login(self.url)
