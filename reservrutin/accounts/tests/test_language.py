"""Swedish first: the interface is Swedish unless the person picks English."""

from __future__ import annotations

from reservrutin.test import BaseTestCase


class LanguageTests(BaseTestCase):
    def test_it_is_swedish_even_when_the_browser_prefers_english(self) -> None:
        response = self.client.get("/logga-in/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
        self.assertContains(response, 'lang="sv"')
        self.assertContains(response, "Användarnamn")

    def test_the_language_switch_gives_english_and_back(self) -> None:
        self.client.post("/i18n/setlang/", {"language": "en", "next": "/logga-in/"})
        self.assertContains(self.client.get("/logga-in/"), "Username")
        self.client.post("/i18n/setlang/", {"language": "sv", "next": "/logga-in/"})
        self.assertContains(self.client.get("/logga-in/"), "Användarnamn")
