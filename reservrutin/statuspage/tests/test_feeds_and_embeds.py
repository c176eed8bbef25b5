"""Feeds, API and embeds carry the same driftinfo as the page (LMN-03)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from django.core.cache import cache

from reservrutin.statuspage.tests.helpers import StatusTestCase

ATOM = "{http://www.w3.org/2005/Atom}"


class FeedTests(StatusTestCase):
    def setUp(self) -> None:
        cache.clear()
        self.notice = self.publish(
            outage=self.outage, instructions=[{"role": "Förskrivare", "text": "Ring Kundservice."}]
        )

    def test_lmn_03_the_atom_feed_carries_the_notice(self) -> None:
        response = self.client.get("/status/org-a/feed.atom")
        self.assertEqual(response["Content-Type"], "application/atom+xml; charset=utf-8")
        root = ET.fromstring(response.content)
        titles = [e.findtext(f"{ATOM}title") for e in root.findall(f"{ATOM}entry")]
        self.assertEqual(titles, ["Avbrott: System A ligger nere"])
        entry_id = root.find(f"{ATOM}entry").findtext(f"{ATOM}id")
        self.assertEqual(entry_id, f"urn:uuid:{self.notice.code}")

    def test_lmn_03_the_json_feed_is_json_feed_1_1(self) -> None:
        data = json.loads(self.client.get("/status/org-a/feed.json").content)
        self.assertEqual(data["version"], "https://jsonfeed.org/version/1.1")
        self.assertEqual(data["items"][0]["id"], str(self.notice.code))
        self.assertEqual(data["items"][0]["_reservrutin"]["severity"], "outage")

    def test_the_api_matches_its_openapi_description(self) -> None:
        spec = json.loads(self.client.get("/api/v1/openapi.json").content)
        doc = json.loads(self.client.get("/api/v1/status/org-a.json").content)
        status = spec["components"]["schemas"]["Status"]
        self.assertTrue(set(status["required"]) <= set(doc))
        notice_schema = spec["components"]["schemas"]["Notice"]
        self.assertTrue(set(notice_schema["required"]) <= set(doc["notices"][0]))
        self.assertEqual(doc["overall"], "outage")
        self.assertEqual(doc["notices"][0]["instructions"][0]["role"], "Förskrivare")
        self.assertIn("/api/v1/status/{org}.json", spec["paths"])

    def test_per_system_feeds_only_carry_that_system(self) -> None:
        data = json.loads(self.client.get("/status/org-a/system/system-a2/feed.json").content)
        self.assertEqual(data["items"], [])
        data = json.loads(self.client.get("/api/v1/status/org-a/system-a.json").content)
        self.assertEqual([s["key"] for s in data["systems"]], ["system-a"])

    def test_lmn_03_the_widget_can_be_framed_by_the_intranet(self) -> None:
        response = self.client.get("/status/org-a/widget/")
        self.assertNotIn("X-Frame-Options", response)
        self.assertContains(response, "System A ligger nere")
        self.assertNotContains(response, "<script")
        page = self.client.get("/status/org-a/")
        self.assertEqual(page["X-Frame-Options"], "DENY")

    def test_lmn_03_the_server_side_include_is_a_bare_fragment(self) -> None:
        response = self.client.get("/status/org-a/widget.html")
        body = response.content.decode()
        self.assertTrue(body.lstrip().startswith('<div class="w rr-driftinfo">'))
        self.assertNotIn("<html", body)
        self.assertNotIn("<script", body)
        self.assertIn("http://", body)  # absolute links, since it is shown on other sites

    def test_feeds_answer_conditional_requests(self) -> None:
        first = self.client.get("/status/org-a/feed.atom")
        again = self.client.get("/status/org-a/feed.atom", HTTP_IF_NONE_MATCH=first["ETag"])
        self.assertEqual(again.status_code, 304)

    def test_feeds_never_carry_personal_data(self) -> None:
        for url in (
            "/status/org-a/feed.atom",
            "/status/org-a/feed.json",
            "/api/v1/status/org-a.json",
        ):
            body = self.client.get(url).content.decode()
            with self.subTest(url=url):
                self.assertNotIn("Adam", body)
                self.assertNotIn("@example.org", body)


class CalendarFeedTests(StatusTestCase):
    def test_the_planned_outages_calendar_is_icalendar(self) -> None:
        import datetime as dt

        from reservrutin.lib import clock
        from reservrutin.statuspage.planned import schedule_planned_outage

        cache.clear()
        starts = clock.now() + dt.timedelta(days=30)
        schedule_planned_outage(
            self.org_a,
            by=self.carl,
            systems=[self.system_a],
            title="Patchonsdag",
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2),
            rrule="FREQ=MONTHLY;BYDAY=+2WE",
            impact="Omstart 5–10 minuter.",
            staff_instructions="Spara ofta.",
            outage_type="service_window",
        )
        response = self.client.get("/status/org-a/planerat.ics")
        self.assertEqual(response["Content-Type"], "text/calendar; charset=utf-8")
        body = response.content.decode()
        self.assertTrue(body.startswith("BEGIN:VCALENDAR"))
        self.assertIn("RRULE:FREQ=MONTHLY;BYDAY=+2WE", body)
        self.assertIn("SUMMARY:Patchonsdag", body)
