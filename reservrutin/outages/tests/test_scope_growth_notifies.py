"""Issue 12: when a confirmed outage's scope grows (a reporter adds "nu även Avdelning A2"),
the scenario's alerts reach the people on duty for the newly covered unit, and nobody
already told is told again."""

from __future__ import annotations

from django.core.cache import cache

from reservrutin.notifications.models import OutboxMessage
from reservrutin.outages import actions
from reservrutin.outages.models import Escalation
from reservrutin.outages.tests.helpers import at
from reservrutin.outages.tests.scope_helpers import install_scope_world, submit
from reservrutin.test import BaseTestCase


class ScopeGrowthNotifiesTest(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        install_scope_world(cls)

    def setUp(self) -> None:
        cache.clear()

    def confirmed_at_unit_a(self):
        with at(10):
            submitted = submit(
                self,
                "journal-unit-a",
                part=self.journal,
                fault_type="function_broken",
                extent="my_unit",
                unit=self.unit_a,
            )
            assert submitted.outage is not None
            actions.confirm_outage(submitted.outage, by=self.carl, scenario_key="lokalt-journal")
        return submitted

    def test_a_newly_covered_units_people_on_duty_are_told_once(self) -> None:
        submitted = self.confirmed_at_unit_a()
        outage = submitted.outage
        self.assertFalse(Escalation.objects.filter(outage=outage, person=self.chief_a2).exists())
        with at(10, 20):
            actions.add_to_report(submitted.report, by=self.alice, unit=self.unit_a2)
        told = [e.person for e in Escalation.objects.filter(outage=outage).order_by("id")]
        self.assertEqual(told.count(self.chief_a2), 1)
        self.assertEqual(told.count(self.chief_a), 1)
        self.assertEqual(told.count(self.owner), 1)
        self.assertTrue(OutboxMessage.objects.filter(recipient=self.chief_a2.phone).exists())

    def test_a_scope_that_does_not_grow_tells_nobody_new(self) -> None:
        submitted = self.confirmed_at_unit_a()
        before = Escalation.objects.filter(outage=submitted.outage).count()
        with at(10, 20):
            actions.add_to_report(submitted.report, by=self.alice, text="Fortfarande nere.")
        self.assertEqual(Escalation.objects.filter(outage=submitted.outage).count(), before)

    def test_an_outage_not_yet_confirmed_alerts_nobody_when_it_grows(self) -> None:
        with at(10):
            submitted = submit(
                self,
                "journal-unit-a-unconfirmed",
                part=self.journal,
                fault_type="function_broken",
                extent="my_unit",
                unit=self.unit_a,
            )
        with at(10, 20):
            actions.add_to_report(submitted.report, by=self.alice, unit=self.unit_a2)
        self.assertFalse(Escalation.objects.filter(outage=submitted.outage).exists())
