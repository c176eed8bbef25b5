"""Registry pages for every persona (allowed, outsider, anonymous) and bad URLs."""

from __future__ import annotations

from reservrutin.registry.models import ContactPoint, Dependency, DutySchedule, OpeningHours, System
from reservrutin.test import BaseTestCase


class RegistryViewTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.infra = System.objects.create(
            organisation=cls.org_a,
            key="login",
            name="Inloggning A",
            kind=System.Kind.INFRASTRUCTURE,
        )
        Dependency.objects.create(system=cls.system_a, depends_on=cls.infra, kind="login")
        schedule = DutySchedule.objects.create(organisation=cls.org_a, key="office", name="Kontor")
        from datetime import time

        OpeningHours.objects.create(
            schedule=schedule, days="workdays", opens=time(8), closes=time(16)
        )
        cls.desk = ContactPoint.objects.create(
            organisation=cls.org_a,
            key="desk",
            name="Servicedesk A",
            kind="service_desk",
            phone="010-100 00 00",
            schedule=schedule,
        )
        cls.urls = [
            "/org/org-a/",
            "/org/org-a/system/system-a/",
            "/org/org-a/telefonlista/",
        ]

    def test_it_shows_every_page_to_the_organisations_staff(self) -> None:
        for user in (self.alice, self.carl, self.petra, self.maria, self.adam):
            self.login(user)
            for url in self.urls:
                with self.subTest(user=user.username, url=url):
                    self.assertEqual(self.client.get(url).status_code, 200)

    def test_it_hides_another_organisations_pages_from_outsiders(self) -> None:
        self.login(self.bob)
        for url in self.urls:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)

    def test_it_sends_anonymous_visitors_to_login(self) -> None:
        for url in self.urls:  # "/" is the public front door (accounts tests)
            with self.subTest(url=url):
                self.assert_requires_login(url)

    def test_sp_01_partner_organisations_see_each_others_pages(self) -> None:
        self.org_a.partners.add(self.org_b)
        self.login(self.bob)
        self.assertEqual(self.client.get("/org/org-a/telefonlista/").status_code, 200)

    def test_it_answers_404_for_an_unknown_organisation_or_system(self) -> None:
        self.login(self.adam)
        self.assertEqual(self.client.get("/org/finns-inte/").status_code, 404)
        self.assertEqual(self.client.get("/org/org-a/system/finns-inte/").status_code, 404)
        self.assertEqual(self.client.get("/org/org-b/system/system-b/").status_code, 404)

    def test_the_system_page_shows_dependencies_both_ways_and_contact_points(self) -> None:
        self.login(self.alice)
        page = self.client.get("/org/org-a/system/login/").content.decode()
        self.assertIn("System A", page)  # affected if the login is down
        page = self.client.get("/org/org-a/system/system-a/").content.decode()
        self.assertIn("Inloggning A", page)
        self.assertIn("Servicedesk A", page)

    def test_the_home_page_lists_only_visible_organisations(self) -> None:
        self.login(self.alice)
        page = self.client.get("/").content.decode()
        self.assertIn("Region A", page)
        self.assertNotIn("Kommun B", page)

    def test_the_directory_is_printable(self) -> None:
        self.login(self.alice)
        page = self.client.get("/org/org-a/telefonlista/").content.decode()
        self.assertIn("010-100 00 00", page)
        self.assertIn('href="tel:0101000000"', page)
