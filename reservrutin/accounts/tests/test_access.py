"""Permission-checked getters (SP-01 partner visibility, role scoping)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from reservrutin.accounts.access import get_organisation_for_user, has_role, visible_organisations
from reservrutin.accounts.models import Membership, Organisation
from reservrutin.test import BaseTestCase

R = Membership.Role


class AccessTests(BaseTestCase):
    def test_it_gives_members_their_own_organisation(self) -> None:
        self.assertEqual(get_organisation_for_user(self.alice, "org-a"), self.org_a)

    def test_it_hides_other_organisations_as_not_found(self) -> None:
        with self.assertRaises(Http404):
            get_organisation_for_user(self.bob, "org-a")

    def test_only_org_admins_get_write_access(self) -> None:
        self.assertEqual(get_organisation_for_user(self.adam, "org-a", write=True), self.org_a)
        for user in (self.alice, self.carl, self.petra, self.maria):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                get_organisation_for_user(user, "org-a", write=True)

    def test_sp_01_a_region_and_its_municipalities_see_each_other(self) -> None:
        self.org_a.partners.add(self.org_b)
        self.assertIn(self.org_a, visible_organisations(self.bob))
        self.assertIn(self.org_b, visible_organisations(self.alice))

    def test_suppliers_are_visible_to_every_member(self) -> None:
        supplier = Organisation.objects.create(key="visma", name="Visma", kind="supplier")
        self.assertIn(supplier, visible_organisations(self.bob))
        self.assertNotIn(supplier, visible_organisations(self.anonymous_user()))

    def test_a_publisher_scoped_to_a_system_publishes_only_for_it(self) -> None:
        self.assertTrue(has_role(self.petra, self.org_a, R.PUBLISHER, system_id=self.system_a.pk))
        other = self.system_b.pk
        self.assertFalse(has_role(self.petra, self.org_a, R.PUBLISHER, system_id=other))
        self.assertFalse(has_role(self.alice, self.org_a, R.PUBLISHER, system_id=self.system_a.pk))
        self.assertTrue(has_role(self.adam, self.org_a, R.PUBLISHER, system_id=other))

    def test_a_unit_manager_manages_only_their_unit(self) -> None:
        self.assertTrue(has_role(self.maria, self.org_a, R.UNIT_MANAGER, unit_id=self.unit_a.pk))
        self.assertFalse(has_role(self.maria, self.org_a, R.UNIT_MANAGER, unit_id=self.unit_a2.pk))

    def test_inactive_users_hold_no_role(self) -> None:
        self.carl.is_active = False
        self.carl.save(update_fields=["is_active"])
        self.assertFalse(has_role(self.carl, self.org_a, R.COORDINATOR))

    @staticmethod
    def anonymous_user():
        from django.contrib.auth.models import AnonymousUser

        return AnonymousUser()
