"""The page where an organisation admin sets which systems a unit uses."""

from __future__ import annotations

from reservrutin.audit.models import AuditEvent
from reservrutin.registry.actions import link_system_to_unit
from reservrutin.registry.models import System
from reservrutin.test import BaseTestCase

URL = "/org/org-a/enhet/unit-a/system/"


class UnitSystemsPageTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.system_a2 = System.objects.create(
            organisation=cls.org_a, key="system-a2", name="System A2"
        )

    def as_user(self, user) -> None:
        self.client.force_login(user)

    def test_an_admin_ticks_the_systems_and_links_and_unlinks_are_audited(self) -> None:
        link_system_to_unit(self.unit_a, self.system_a, by=self.adam)
        self.as_user(self.adam)
        page = self.client.get(URL)
        self.assertContains(page, "System som enheten använder")
        self.assertContains(page, f'value="{self.system_a.pk}" id="id_systems_0" checked')
        response = self.client.post(URL, {"systems": [self.system_a2.pk]}, follow=True)
        self.assertContains(response, "Sparat: 1 system tillagda, 1 borttagna.")
        self.assertEqual(list(self.unit_a.systems.all()), [self.system_a2])
        actions = set(AuditEvent.objects.values_list("action", flat=True))
        self.assertIn("registry.unit_system_unlinked", actions)
        self.assertIn("registry.unit_system_linked", actions)

    def test_a_system_of_another_organisation_cannot_be_ticked(self) -> None:
        self.as_user(self.adam)
        response = self.client.post(URL, {"systems": [self.system_b.pk]})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'class="error"')
        self.assertFalse(self.unit_a.systems.exists())

    def test_only_the_organisations_admins_may_change_it(self) -> None:
        for user in (self.alice, self.carl, self.maria, self.petra):
            with self.subTest(user=user.username):
                self.client.logout()
                self.as_user(user)
                self.assertEqual(self.client.get(URL).status_code, 403)
                self.assertEqual(
                    self.client.post(URL, {"systems": [self.system_a.pk]}).status_code, 403
                )
        self.assertFalse(self.unit_a.systems.exists())

    def test_outsiders_get_404_and_anonymous_visitors_the_login(self) -> None:
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/logga-in/", response["Location"])
        self.as_user(self.bob)
        self.assertEqual(self.client.get(URL).status_code, 404)
        self.as_user(self.adam)
        self.assertEqual(self.client.get("/org/org-a/enhet/finns-inte/system/").status_code, 404)

    def test_the_organisation_page_links_to_it_for_admins_only(self) -> None:
        self.as_user(self.adam)
        self.assertContains(self.client.get("/org/org-a/"), URL)
        self.client.logout()
        self.as_user(self.alice)
        self.assertNotContains(self.client.get("/org/org-a/"), URL)
