"""Confirming an outage whose scenario has a holding line (LMN-02, issue 12): the public sees
"Störning" and the routine's line at once, until a publisher replaces it with their own."""

from __future__ import annotations

from reservrutin.outages.actions import confirm_outage
from reservrutin.outages.models import Outage, Timer
from reservrutin.outages.tests.helpers import DemoTestCase, at
from reservrutin.outages.tests.public_helpers import api, public_views, publish_for, system_state
from reservrutin.statuspage.models import Notice

LINE = "Vi undersöker en störning i Sesam LMN."


class HoldingLineTest(DemoTestCase):
    def start(self, *, confirm: bool = True) -> Outage:
        sara = self.user("sara.holm")
        with at(9):
            outage = self.report("region-skane", ["sesam-lmn"], by=sara).outage
            if confirm:
                outage = confirm_outage(outage, by=sara, scenario_key="server-oatkomlig")
        return outage

    def test_a_reported_outage_shows_nothing_publicly(self) -> None:
        self.start(confirm=False)
        self.assertEqual(system_state("region-skane", "sesam-lmn"), "ok")
        self.assertNotIn(LINE, public_views("region-skane")["page"])

    def test_confirming_shows_storning_and_the_line_on_page_and_api(self) -> None:
        outage = self.start()
        views = public_views("region-skane")
        self.assertIn(LINE, views["page"])
        self.assertIn('class="st disturbance"', views["page"])
        self.assertIn("Störning", views["page"])
        self.assertEqual(system_state("region-skane", "sesam-lmn"), "disturbance")
        notice = Notice.objects.get(outage=outage)
        self.assertTrue(notice.is_holding_line)
        self.assertIsNone(notice.published_by)  # the approved routine published it
        self.assertIn(LINE, api("region-skane")["notices"][0]["body"])
        # The holding line is driftinfo: no reminder to the publisher is needed.
        self.assertFalse(Timer.objects.filter(outage=outage, key="publicera-driftinfo").exists())

    def test_a_publishers_own_driftinfo_replaces_the_holding_line(self) -> None:
        outage = self.start()
        with at(9, 10):
            publish_for(
                outage,
                self.user("eva.lind"),
                "Sesam LMN går inte att nå",
                "Felsökning pågår tillsammans med Visma.",
            )
        page = public_views("region-skane")["page"]
        self.assertIn("Felsökning pågår", page)
        self.assertNotIn(LINE + "</p>", page.split("Tidigare driftinformation")[0])
        self.assertEqual(system_state("region-skane", "sesam-lmn"), "outage")
        line = Notice.objects.get(outage=outage, is_holding_line=True)
        self.assertEqual(line.status, Notice.Status.ENDED)
