"""Which systems a unit uses: the link, its validation and audit, the unit tree, the pages
that show it, the admin, and the demo catalogue."""

from __future__ import annotations

from pathlib import Path
from tempfile import TemporaryDirectory

from django.core.exceptions import ValidationError
from django.test import TestCase

from reservrutin.accounts.models import Unit, User
from reservrutin.audit.models import AuditEvent
from reservrutin.registry import queries
from reservrutin.registry.actions import link_system_to_unit, unlink_system_from_unit
from reservrutin.registry.demo.load import CATALOG, load
from reservrutin.registry.models import System, SystemParty, UnitSystem
from reservrutin.test import BaseTestCase


class UnitSystemActionTests(BaseTestCase):
    def test_it_links_once_and_audits_who_did_it(self) -> None:
        link = link_system_to_unit(self.unit_a, self.system_a, by=self.adam)
        self.assertEqual(list(self.unit_a.systems.all()), [self.system_a])
        self.assertEqual(list(System.objects.used_by(self.unit_a)), [self.system_a])
        self.assertEqual(link_system_to_unit(self.unit_a, self.system_a, by=self.adam), link)
        event = AuditEvent.objects.get(action="registry.unit_system_linked")
        self.assertEqual(event.actor, self.adam)
        self.assertEqual(event.detail, {"unit": "unit-a", "system": "system-a"})

    def test_it_refuses_a_system_of_another_organisation(self) -> None:
        with self.assertRaises(ValidationError) as ctx:
            link_system_to_unit(self.unit_a, self.system_b, by=self.adam)
        self.assertIn("System B tillhör Kommun B", ctx.exception.message_dict["system"][0])
        self.assertFalse(UnitSystem.objects.exists())

    def test_unlinking_is_audited_and_harmless_twice(self) -> None:
        link_system_to_unit(self.unit_a, self.system_a, by=self.adam)
        self.assertTrue(unlink_system_from_unit(self.unit_a, self.system_a, by=self.adam))
        self.assertFalse(unlink_system_from_unit(self.unit_a, self.system_a, by=self.adam))
        self.assertFalse(UnitSystem.objects.exists())
        self.assertEqual(
            AuditEvent.objects.filter(action="registry.unit_system_unlinked").count(), 1
        )

    def test_a_parent_unit_uses_what_its_units_use_but_not_the_reverse(self) -> None:
        parent = Unit.objects.create(organisation=self.org_a, key="parent", name="Förvaltning")
        Unit.objects.filter(pk=self.unit_a.pk).update(parent=parent)
        other = System.objects.create(organisation=self.org_a, key="other", name="Annat")
        link_system_to_unit(self.unit_a, self.system_a, by=None)
        link_system_to_unit(parent, other, by=None)
        ids = queries.unit_system_ids(self.org_a)
        self.assertEqual(ids[self.unit_a.pk], {self.system_a.pk})
        self.assertEqual(ids[parent.pk], {self.system_a.pk, other.pk})
        self.assertNotIn(self.unit_a2.pk, ids)
        self.assertEqual(
            [s.name for s in queries.systems_by_unit(self.org_a)[parent.pk]], ["Annat", "System A"]
        )


class UnitSystemPageTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        link_system_to_unit(cls.unit_a, cls.system_a, by=None)

    def test_the_organisation_page_shows_each_units_systems(self) -> None:
        for user in (self.alice, self.maria, self.carl):
            with self.subTest(user=user.username):
                self.login(user)
                page = self.client.get("/org/org-a/")
                self.assertContains(
                    page, '<td><a href="/org/org-a/system/system-a/">System A</a></td>', html=True
                )
                self.assertContains(page, "<td>–</td>", html=True)  # unit A2 uses none
        # An administrator also gets the link to change it (test_unit_systems_page.py).
        self.login(self.adam)
        page = self.client.get("/org/org-a/")
        self.assertContains(page, '<a href="/org/org-a/system/system-a/">System A</a>', html=True)
        self.assertContains(page, 'href="/org/org-a/enhet/unit-a/system/"')

    def test_the_system_page_lists_the_units_that_use_it(self) -> None:
        self.login(self.alice)
        page = self.client.get("/org/org-a/system/system-a/")
        self.assertContains(page, "Enheter som använder systemet")
        self.assertContains(page, "<li>Avdelning A</li>", html=True)

    def test_outsiders_and_anonymous_visitors_see_nothing(self) -> None:
        self.assert_requires_login("/org/org-a/system/system-a/")
        self.login(self.bob)
        self.assertEqual(self.client.get("/org/org-a/").status_code, 404)
        self.assertEqual(self.client.get("/org/org-a/system/system-a/").status_code, 404)

    def test_a_supplier_sees_the_system_but_not_the_customers_units(self) -> None:
        SystemParty.objects.create(
            system=self.system_a, organisation=self.org_b, kind="it_supplier"
        )
        self.login(self.bob)
        page = self.client.get("/org/org-b/system/system-a/")
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, "Enheter som använder systemet")
        self.assertNotContains(page, "Avdelning A")


class UnitSystemAdminTests(BaseTestCase):
    url = "/admin/registry/unitsystem/"

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.root = User.objects.create_superuser("root", "root@example.org", "x" * 20)

    def test_an_administrator_links_and_unlinks_through_the_actions(self) -> None:
        self.client.force_login(self.root)
        response = self.client.post(
            f"{self.url}add/", {"unit": self.unit_a.pk, "system": self.system_a.pk}
        )
        self.assertEqual(response.status_code, 302)
        link = UnitSystem.objects.get()
        self.assertEqual(
            AuditEvent.objects.get(action="registry.unit_system_linked").actor, self.root
        )
        response = self.client.post(f"{self.url}{link.pk}/delete/", {"post": "yes"})
        self.assertEqual(response.status_code, 302)
        self.assertFalse(UnitSystem.objects.exists())
        self.assertEqual(
            AuditEvent.objects.get(action="registry.unit_system_unlinked").actor, self.root
        )

    def test_a_system_of_another_organisation_is_a_form_error(self) -> None:
        self.client.force_login(self.root)
        response = self.client.post(
            f"{self.url}add/", {"unit": self.unit_a.pk, "system": self.system_b.pk}
        )
        self.assertContains(response, "tillhör Kommun B")
        self.assertFalse(UnitSystem.objects.exists())

    def test_people_without_admin_access_are_sent_to_the_admin_login(self) -> None:
        for user in (self.alice, self.carl, self.adam, self.bob):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.get(f"{self.url}add/")
                self.assertEqual(response.status_code, 302)
                self.assertIn("/admin/login/", response["Location"])


class DemoCatalogueTests(TestCase):
    def test_the_catalogue_links_units_to_their_systems_and_loads_twice(self) -> None:
        load()
        count = UnitSystem.objects.count()
        self.assertGreater(count, 10)
        hemtjanst = Unit.objects.get(organisation__key="linkoping", key="hemtjanst-norr")
        self.assertEqual({s.key for s in hemtjanst.systems.all()}, {"treserva", "tes"})
        load()
        self.assertEqual(UnitSystem.objects.count(), count)

    def test_an_unknown_system_in_the_catalogue_is_named(self) -> None:
        text = CATALOG.read_text(encoding="utf-8").replace(
            "systems: [treserva, tes]}", "systems: [treserva, tess]}"
        )
        with TemporaryDirectory() as tmp:
            path = Path(tmp) / "catalog.yaml"
            path.write_text(text, encoding="utf-8")
            with self.assertRaisesMessage(
                ValueError, "unit 'linkoping:hemtjanst-norr' names unknown system 'tess'"
            ):
                load(path)
