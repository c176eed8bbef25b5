"""A routine's validity on its pages (issue 13): "Giltighetstiden har gått ut" on the page
and in the organisation's list after "Gäller t.o.m.", and "Saknas i rutinen" for the
organisation's administrators, which goes once the registry has what was missing."""

from __future__ import annotations

import time_machine
from django.urls import reverse

from reservrutin.registry.models import ContactPoint
from reservrutin.routines.actions import approve_version, import_routine
from reservrutin.test import BaseTestCase

ROUTINE = """\
schema: reservrutin/routine/v2
key: rutin-a
title: Rutin A
organisation: org-a
version: "1"
valid_from: 2026-01-01
valid_to: 2026-06-30
systems: [system-a]
scenarios:
  - key: nere
    title: System A nere
    scope: system_unreachable_for_all
    steps:
      - kind: call_contact_point
        what: Ring servicedesk.
        contact_points:
          - key: servicedesk
"""


class RoutineValidityTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.point = ContactPoint.objects.create(
            organisation=cls.org_a,
            key="servicedesk",
            name="Servicedesk",
            kind=ContactPoint.Kind.SERVICE_DESK,
        )
        cls.version = import_routine(ROUTINE, filename="a.yaml", by=cls.adam).version
        approve_version(cls.version, by=cls.adam)

    def test_it_is_valid_through_the_end_date(self) -> None:
        detail = reverse("routines:detail", args=["org-a", "rutin-a"])
        listing = reverse("routines:list", args=["org-a"])
        with time_machine.travel("2026-06-30 22:00 +0200", tick=False):
            self.login(self.alice)
            self.assertNotContains(self.client.get(detail), "Giltighetstiden har gått ut")
            self.assertNotContains(self.client.get(listing), "Giltighetstiden har gått ut")

    def test_it_says_the_validity_has_run_out_after_the_end_date(self) -> None:
        detail = reverse("routines:detail", args=["org-a", "rutin-a"])
        listing = reverse("routines:list", args=["org-a"])
        with time_machine.travel("2026-07-01 00:05 +0200", tick=False):
            self.login(self.alice)
            self.assertContains(self.client.get(detail), "Giltighetstiden har gått ut")
            response = self.client.get(listing)
            self.assertContains(response, "Giltighetstiden har gått ut")
            self.assertContains(response, "gällde t.o.m. 2026-06-30")

    def test_admins_see_what_is_missing_until_the_registry_has_it(self) -> None:
        url = reverse("routines:detail", args=["org-a", "rutin-a"])
        self.login(self.adam)
        response = self.client.get(url)
        self.assertContains(response, "Saknas i rutinen")
        self.assertContains(response, "kontaktvägen har inget telefonnummer i registret")
        self.point.phone = "040-123 45"
        self.point.save()
        response = self.client.get(url)
        self.assertNotContains(response, "Saknas i rutinen")

    def test_staff_do_not_see_the_administrators_list(self) -> None:
        self.login(self.alice)
        url = reverse("routines:detail", args=["org-a", "rutin-a"])
        self.assertNotContains(self.client.get(url), "Saknas i rutinen")

    def test_a_version_in_force_gets_its_expiry_reminder_due_30_days_before(self) -> None:
        self.version.refresh_from_db()
        self.assertEqual(str(self.version.valid_to), "2026-06-30")
        self.assertEqual(
            self.version.expiry_reminder_due_at.isoformat(), "2026-05-31T06:00:00+00:00"
        )
