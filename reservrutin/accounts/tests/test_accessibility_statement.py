"""The accessibility statement (tillgänglighetsredogörelse, DOS-lagen) is public, linked from
every footer, honest about what fails, and names the organisation's own contact."""

from __future__ import annotations

from django.test import override_settings

from reservrutin.test import BaseTestCase

URL = "/tillganglighet/"


class AccessibilityStatementTests(BaseTestCase):
    def test_every_persona_can_read_it(self) -> None:
        for user in (None, self.alice, self.bob, self.carl, self.petra, self.maria, self.adam):
            with self.subTest(user=user):
                self.client.logout()
                if user is not None:
                    self.login(user)
                response = self.client.get(URL)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "Tillgänglighet för Reservrutin")

    def test_it_follows_the_template_sections_and_says_what_fails(self) -> None:
        page = self.client.get(URL).content.decode()
        for heading in (
            "Hur tillgänglig är tjänsten?",
            "Rapportera brister i tjänstens tillgänglighet",
            "Tillsyn",
            "Innehåll som inte är tillgängligt",
            "Hur vi testat tjänsten",
        ):
            with self.subTest(heading=heading):
                self.assertIn(heading, page)
        self.assertIn("inte taggade", page)
        self.assertIn("axe", page)
        self.assertIn("320 pixlar", page)

    def test_without_a_contact_it_points_to_the_own_organisation(self) -> None:
        page = self.client.get(URL).content.decode()
        self.assertIn("Kontakta IT-servicedesken", page)
        self.assertNotIn("mailto:", page)

    @override_settings(
        ACCESSIBILITY_CONTACT_EMAIL="tillganglighet@region.example",
        ACCESSIBILITY_CONTACT_PHONE="010-123 45 67",
        ACCESSIBILITY_PUBLISHER="Region Exempel",
    )
    def test_it_names_the_configured_contact(self) -> None:
        page = self.client.get(URL).content.decode()
        self.assertIn('href="mailto:tillganglighet@region.example"', page)
        self.assertIn('href="tel:0101234567"', page)
        self.assertIn("Region Exempel står bakom den här tjänsten.", page)
        self.assertNotIn("Kontakta IT-servicedesken", page)

    def test_it_is_complete_in_english(self) -> None:
        self.client.cookies["django_language"] = "en"
        page = self.client.get(URL).content.decode()
        self.assertIn("Accessibility of Reservrutin", page)
        self.assertIn("not tagged", page)
        self.assertNotIn("Tillsyn", page)

    def test_every_footer_links_to_it_and_to_driftinfo(self) -> None:
        pages = {None: ["/", "/logga-in/", "/status/", URL], self.alice: ["/", "/org/org-a/"]}
        for user, urls in pages.items():
            self.client.logout()
            if user is not None:
                self.login(user)
            for url in urls:
                with self.subTest(user=user, url=url):
                    page = self.client.get(url).content.decode()
                    footer = page[page.index("<footer") :]
                    self.assertIn(f'href="{URL}"', footer)
                    self.assertIn('href="/status/"', footer)
                    self.assertIn('rel="icon" href="/static/favicon.svg"', page)

    def test_the_favicon_is_a_same_origin_static_file(self) -> None:
        from django.contrib.staticfiles import finders

        path = finders.find("favicon.svg")
        self.assertIsNotNone(path)
        with open(path, encoding="utf-8") as f:
            self.assertTrue(f.read().startswith("<svg"))
