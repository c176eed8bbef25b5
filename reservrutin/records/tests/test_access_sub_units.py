"""A unit manager of a parent unit sees the records of the units under it; staff do not."""

from __future__ import annotations

from reservrutin.accounts.models import Membership, Unit
from reservrutin.records import access
from reservrutin.records.tests.helpers import RecordsTestCase
from reservrutin.test import make_user


class SubUnitAccessTests(RecordsTestCase):
    def test_a_parent_units_manager_sees_the_child_units_records(self) -> None:
        parent = Unit.objects.create(organisation=self.org_a, key="omrade", name="Område Norr")
        self.unit_a.parent = parent
        self.unit_a.save(update_fields=["parent"])
        area_manager = make_user("olle", "Olle Områdeschef")
        Membership.objects.create(
            user=area_manager,
            organisation=self.org_a,
            unit=parent,
            role=Membership.Role.UNIT_MANAGER,
        )
        area_staff = make_user("sam", "Sam Personal")
        Membership.objects.create(
            user=area_staff, organisation=self.org_a, unit=parent, role=Membership.Role.STAFF
        )
        record = self.capture()
        self.assertIn(record, access.visible_records(area_manager))
        self.assertIn(self.unit_a, access.managed_units(area_manager, self.org_a))
        self.assertNotIn(record, access.visible_records(area_staff))
        self.assertNotIn(record, access.visible_records(self.bob))
