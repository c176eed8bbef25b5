from __future__ import annotations

from reservrutin.test import BaseTestCase


class OrganisationPageTests(BaseTestCase):
    def test_it_shows_the_organisation_to_its_staff(self) -> None:
        self.login(self.alice)
        response = self.client.get("/org/org-a/")
        self.assertContains(response, "Region A")
