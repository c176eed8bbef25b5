"""Issue 12 proof: an outage of one part at one unit notifies only that unit's people on
duty (and the organisation-wide system owner) and shows the part's state publicly."""

from __future__ import annotations

from django.core.cache import cache
from django.urls import reverse

from reservrutin.notifications.models import OutboxMessage
from reservrutin.outages import actions
from reservrutin.outages.models import Escalation
from reservrutin.outages.tests.helpers import at
from reservrutin.outages.tests.scope_helpers import install_scope_world, submit
from reservrutin.statuspage.models import Notice
from reservrutin.test import BaseTestCase


class PartAtOneUnitTest(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        install_scope_world(cls)

    def setUp(self) -> None:
        cache.clear()

    def report_journal_at_unit_a(self) -> actions.Submitted:
        return submit(
            self,
            "journal-unit-a",
            part=self.journal,
            fault_type="function_broken",
            extent="my_unit",
            unit=self.unit_a,
        )

    def test_it_limits_the_outage_to_the_unit_and_the_part(self) -> None:
        with at(10):
            submitted = self.report_journal_at_unit_a()
        outage = submitted.outage
        assert outage is not None
        self.assertEqual(list(outage.units.all()), [self.unit_a])
        self.assertEqual(list(outage.parts.all()), [self.journal])
        self.assertEqual(submitted.report.part, self.journal)

    def test_it_notifies_only_the_units_people_on_duty_and_the_system_owner(self) -> None:
        with at(10):
            outage = self.report_journal_at_unit_a().outage
            assert outage is not None
            actions.confirm_outage(outage, by=self.carl, scenario_key="lokalt-journal")
        told = {e.person for e in Escalation.objects.filter(outage=outage)}
        self.assertEqual(told, {self.chief_a, self.owner})
        self.assertFalse(OutboxMessage.objects.filter(recipient=self.chief_a2.email).exists())
        self.assertFalse(OutboxMessage.objects.filter(recipient=self.chief_a2.phone).exists())
        self.assertTrue(OutboxMessage.objects.filter(recipient=self.chief_a.phone).exists())

    def test_an_outage_for_the_whole_organisation_notifies_every_unit(self) -> None:
        with at(10):
            outage = submit(self, "everyone", unit=self.unit_a).outage
            assert outage is not None
            actions.confirm_outage(outage, by=self.carl, scenario_key="hela-systemet")
        told = {e.person for e in Escalation.objects.filter(outage=outage)}
        self.assertEqual(told, {self.chief_a, self.chief_a2, self.owner})

    def test_it_shows_the_parts_state_on_the_status_page_and_in_the_api(self) -> None:
        with at(10):
            outage = self.report_journal_at_unit_a().outage
            assert outage is not None
            actions.confirm_outage(outage, by=self.carl, scenario_key="lokalt-journal")
            actions.publish_notice_text(outage, "Journalen fungerar inte på Avdelning A.", by=None)
            notice = Notice.objects.get(outage=outage)
            self.assertEqual([p["part"] for p in notice.part_states], ["journal"])
            page = self.client.get(reverse("statuspage:page", args=["org-a"]))
            api = self.client.get(reverse("statuspage:api", args=["org-a"])).json()
        self.assertContains(page, '<p class="parts">Journal: Avbrott</p>', html=False)
        self.assertNotContains(page, "Bokning")
        system = next(s for s in api["systems"] if s["key"] == "system-a")
        self.assertEqual(
            system["parts"],
            [{"key": "journal", "name": "Journal", "state": "outage", "note": None}],
        )

    def test_a_whole_system_notice_shows_what_each_part_still_does(self) -> None:
        with at(10):
            outage = submit(self, "whole").outage
            assert outage is not None
            actions.publish_notice_text(outage, "System A ligger nere.", by=None)
            page = self.client.get(reverse("statuspage:page", args=["org-a"]))
            api = self.client.get(reverse("statuspage:api", args=["org-a"])).json()
        self.assertContains(
            page, "Bokning: Avbrott · Journal: Avbrott · Mobilappen: Fungerar offline"
        )
        system = next(s for s in api["systems"] if s["key"] == "system-a")
        app = next(p for p in system["parts"] if p["key"] == "app")
        self.assertEqual((app["state"], app["note"]), ("affected", "Fungerar offline"))
