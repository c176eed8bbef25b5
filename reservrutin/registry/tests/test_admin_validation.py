"""Bad registry input gets a clear message and keeps what was typed."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.test import TestCase

from reservrutin.accounts.models import Organisation, User
from reservrutin.lib.phone import e164, validate_phone
from reservrutin.registry.models import Dependency, DutySchedule, System


class AdminValidationTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.admin = User.objects.create_superuser("root", "root@example.org", "x" * 20)
        cls.org = Organisation.objects.create(key="org", name="Org", kind="region")

    def setUp(self) -> None:
        self.client.force_login(self.admin)

    def _schedule_post(self, rows: list[tuple[str, str, str]]) -> dict[str, str]:
        data = {
            "organisation": str(self.org.pk),
            "key": "kontor",
            "name": "Kontorstid",
            "note": "",
            "rules-TOTAL_FORMS": str(len(rows)),
            "rules-INITIAL_FORMS": "0",
            "rules-MIN_NUM_FORMS": "0",
            "rules-MAX_NUM_FORMS": "1000",
        }
        for i, (days, opens, closes) in enumerate(rows):
            data.update(
                {f"rules-{i}-days": days, f"rules-{i}-opens": opens, f"rules-{i}-closes": closes}
            )
        return data

    def test_it_refuses_overlapping_opening_hours_and_keeps_the_input(self) -> None:
        data = self._schedule_post([("workdays", "08:00", "16:00"), ("wed", "15:00", "18:00")])
        response = self.client.post("/admin/registry/dutyschedule/add/", data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Tiderna överlappar")
        self.assertContains(response, 'value="Kontorstid"')
        self.assertContains(response, 'value="15:00"')
        self.assertFalse(DutySchedule.objects.exists())

    def test_it_refuses_inverted_opening_hours(self) -> None:
        data = self._schedule_post([("every_day", "22:00", "07:00")])
        response = self.client.post("/admin/registry/dutyschedule/add/", data)
        self.assertContains(response, "Dela upp tider över midnatt")
        self.assertFalse(DutySchedule.objects.exists())

    def test_it_accepts_workdays_and_weekends_at_the_same_hours(self) -> None:
        data = self._schedule_post([("workdays", "08:00", "16:00"), ("non_workdays", "08:00", "")])
        response = self.client.post("/admin/registry/dutyschedule/add/", data)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(DutySchedule.objects.get().rules.count(), 2)

    def test_it_refuses_a_dependency_cycle(self) -> None:
        a = System.objects.create(organisation=self.org, key="a", name="Alfa")
        b = System.objects.create(organisation=self.org, key="b", name="Beta")
        Dependency.objects.create(system=b, depends_on=a, kind="login")
        data = {
            "organisation": str(self.org.pk),
            "key": "a",
            "name": "Alfa",
            "kind": "application",
            "description": "",
            "criticality": "high",
            "public": "on",
            "parts-TOTAL_FORMS": "0",
            "parts-INITIAL_FORMS": "0",
            "parts-MIN_NUM_FORMS": "0",
            "parts-MAX_NUM_FORMS": "1000",
            "dependencies-TOTAL_FORMS": "1",
            "dependencies-INITIAL_FORMS": "0",
            "dependencies-MIN_NUM_FORMS": "0",
            "dependencies-MAX_NUM_FORMS": "1000",
            "dependencies-0-depends_on": str(b.pk),
            "dependencies-0-kind": "login",
            "dependencies-0-note": "",
            "parties-TOTAL_FORMS": "0",
            "parties-INITIAL_FORMS": "0",
            "parties-MIN_NUM_FORMS": "0",
            "parties-MAX_NUM_FORMS": "1000",
        }
        response = self.client.post(f"/admin/registry/system/{a.pk}/change/", data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Beroendet skulle ge en cirkel: Alfa → Beta → Alfa.")
        self.assertEqual(Dependency.objects.count(), 1)

    def test_it_refuses_malformed_phone_numbers_with_a_clear_message(self) -> None:
        for bad in ("abc", "013-20 70 OO", "12", "+46 013 20 70 00", "1234567890123456"):
            with self.subTest(bad=bad), self.assertRaises(ValidationError):
                validate_phone(bad)
        for good in ("013-20 70 00", "30 000", "71010", "+46 13 20 70 00", "0920-28 40 00"):
            with self.subTest(good=good):
                validate_phone(good)
        self.assertEqual(e164("013-20 70 00"), "+4613207000")

    def test_the_contact_point_admin_keeps_a_malformed_phone_number_on_screen(self) -> None:
        data = {
            "organisation": str(self.org.pk),
            "key": "desk",
            "name": "Desk",
            "kind": "service_desk",
            "phone": "ring mig",
            "email": "",
            "url": "",
            "note": "",
            "in_directory": "on",
        }
        response = self.client.post("/admin/registry/contactpoint/add/", data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Ange ett telefonnummer med siffror")
        self.assertContains(response, 'value="ring mig"')
