"""Resolving an outage ends its driftinfo with a final update ("Åtgärdat" and the time) and
gives the systems back their state everywhere the public looks: status page, API, Atom and
JSON feeds, widget and the static mirror (issue 12)."""

from __future__ import annotations

import datetime as dt
import json

from reservrutin.outages.actions import confirm_outage, resolve_outage
from reservrutin.outages.models import Outage, TimelineEntry
from reservrutin.outages.tests.helpers import DemoTestCase, at, local
from reservrutin.outages.tests.public_helpers import (
    mirror_page,
    public_views,
    publish_for,
    system_state,
)
from reservrutin.statuspage.actions import set_final_update
from reservrutin.statuspage.models import Notice, PageVersion

BODY = "Felsökning pågår tillsammans med Visma."


class ResolveClearsPublicPageTest(DemoTestCase):
    def start(self) -> tuple[Outage, Notice]:
        eva = self.user("eva.lind")
        with at(9):
            outage = self.report("region-skane", ["sesam-s2"], by=eva).outage
            outage = confirm_outage(outage, by=eva, scenario_key="server-oatkomlig")
        with at(9, 5):
            notice = publish_for(outage, eva, "Sesam S2 går inte att nå", BODY)
        return outage, notice

    def test_before_resolving_every_public_view_shows_the_outage(self) -> None:
        self.start()
        views = public_views("region-skane")
        for name in ("page", "api", "atom", "json_feed"):
            self.assertIn(BODY, views[name], name)
        self.assertEqual(system_state("region-skane", "sesam-s2"), "outage")
        self.assertIn(BODY, mirror_page("region-skane"))

    def test_resolving_clears_page_api_feeds_widget_and_mirror(self) -> None:
        outage, notice = self.start()
        mirror_page("region-skane")  # the mirror is up to date with the outage
        version = PageVersion.objects.get(organisation=outage.organisation).version
        with at(10, 30):
            resolve_outage(outage, at=local(10, 20), by=self.user("eva.lind"))
        self.assertGreater(
            PageVersion.objects.get(organisation=outage.organisation).version, version
        )
        notice.refresh_from_db()
        self.assertEqual(notice.status, Notice.Status.ENDED)
        self.assertEqual(notice.final_update, "Åtgärdat 10:20. Sesam S2 fungerar igen.")

        views = public_views("region-skane")
        self.assertEqual(system_state("region-skane", "sesam-s2"), "ok")
        document = json.loads(views["api"])
        self.assertNotIn("outage", {s["state"] for s in document["systems"]})
        ended = next(n for n in document["notices"] if n["id"] == str(notice.code))
        self.assertEqual(ended["status"], "ended")
        self.assertEqual(ended["final_update"], "Åtgärdat 10:20. Sesam S2 fungerar igen.")
        # The page: nothing current, the notice in the history with its final update.
        current, _, history = views["page"].partition("Tidigare driftinformation")
        self.assertNotIn("Sesam S2 går inte att nå", current)
        self.assertIn("Åtgärdat 10:20", history)
        self.assertNotIn("Avbrott", views["widget"])
        self.assertIn("Åtgärdat 10:20", views["atom"])
        feed = json.loads(views["json_feed"])
        item = next(i for i in feed["items"] if i["id"] == str(notice.code))
        self.assertTrue(item["content_text"].startswith("Åtgärdat 10:20"))
        self.assertEqual(item["_reservrutin"]["status"], "ended")
        mirrored = mirror_page("region-skane")
        self.assertNotIn('class="notice outage"', mirrored)
        self.assertIn("Åtgärdat 10:20", mirrored)
        entry = outage.timeline.filter(kind=TimelineEntry.Kind.NOTICE).last()
        self.assertIn("Åtgärdat 10:20", entry.text)

    def test_a_final_update_written_before_resolving_is_used(self) -> None:
        outage, notice = self.start()
        with at(10):
            set_final_update(
                notice, by=self.user("eva.lind"), text="Efterregistrera remisserna i S2."
            )
        # Nothing public changes before the outage is resolved.
        self.assertNotIn("Efterregistrera", public_views("region-skane")["page"])
        with at(10, 30):
            resolve_outage(outage, at=local(10, 25), by=None)
        notice.refresh_from_db()
        self.assertEqual(notice.final_update, "Åtgärdat 10:25. Efterregistrera remisserna i S2.")

    def test_the_publisher_may_edit_the_final_update_after(self) -> None:
        outage, notice = self.start()
        with at(10, 30):
            resolve_outage(outage, at=local(10, 20), by=None)
        with at(11):
            set_final_update(
                notice, by=self.user("eva.lind"), text="Åtgärdat 10:20. Orsak: nätverksfel."
            )
        notice.refresh_from_db()
        self.assertIn("Orsak: nätverksfel", public_views("region-skane")["page"])
        self.assertEqual(
            notice.revisions.get().final_update, "Åtgärdat 10:20. Sesam S2 fungerar igen."
        )

    def test_the_final_update_gives_the_date_when_resolved_another_day(self) -> None:
        outage, notice = self.start()
        with at(8, day=outage.started_at.date() + dt.timedelta(days=1)):
            resolve_outage(outage, at=local(23, 40), by=None)
        notice.refresh_from_db()
        self.assertTrue(notice.final_update.startswith("Åtgärdat 2026-11-24 23:40."))
