"""Issue 12 bad input: a part that is not one of the chosen systems' is refused with a clear
message next to the field, and nothing typed is lost."""

from __future__ import annotations

from django.urls import reverse

from reservrutin.outages import actions
from reservrutin.outages.models import Outage, Report
from reservrutin.outages.tests.helpers import at
from reservrutin.outages.tests.scope_helpers import install_scope_world, submit
from reservrutin.registry.models import System, SystemPart
from reservrutin.test import BaseTestCase


class UnknownPartTest(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        install_scope_world(cls)
        cls.other = System.objects.create(organisation=cls.org_a, key="system-c", name="System C")
        cls.other_part = SystemPart.objects.create(system=cls.other, key="lab", name="Labbet")
        cls.foreign_part = SystemPart.objects.create(
            system=cls.system_b, key="annan", name="Annan organisations del"
        )

    def post(self, part: object) -> object:
        return self.client.post(
            reverse("outages:report", args=["org-a"]),
            {
                "systems": [self.system_a.pk],
                "part": part,
                "fault_type": "function_broken",
                "extent": "my_unit",
                "unit": self.unit_a.pk,
                "description": "Journalen visar fel patient",
                "idempotency_key": "part-1",
                "check_0": "nej",
                "check_1": "ja",
            },
        )

    def test_a_part_of_another_chosen_system_is_refused_and_the_form_kept(self) -> None:
        self.login(self.alice)
        with at(10):
            response = self.post(self.other_part.pk)
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Okänd systemdel ”Labbet” för System A", status_code=400)
        self.assertContains(response, "Journalen visar fel patient", status_code=400)
        self.assertFalse(Report.objects.exists())
        self.assertFalse(Outage.objects.exists())

    def test_a_part_nobody_offered_is_refused(self) -> None:
        self.login(self.alice)
        for value in (self.foreign_part.pk, "999999", "journal"):
            with self.subTest(value=value), at(10):
                response = self.post(value)
                self.assertEqual(response.status_code, 400)
                self.assertContains(response, "Okänd systemdel.", status_code=400)
                self.assertContains(response, "Journalen visar fel patient", status_code=400)
        self.assertFalse(Report.objects.exists())

    def test_the_action_refuses_it_too(self) -> None:
        with at(10), self.assertRaisesMessage(actions.OutageError, "Okänd systemdel"):
            submit(
                self, "direct", part=self.other_part, fault_type="function_broken", extent="my_unit"
            )

    def test_a_known_part_is_stored(self) -> None:
        self.login(self.alice)
        with at(10):
            response = self.post(self.journal.pk)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Report.objects.get().part, self.journal)
