"""Hostile strings typed into notices, systems and organisations go through every public
renderer (status page, system page, combined page, Atom, JSON Feed, API, widget, mirror):
no 500, no markup survives, the feeds and the API stay valid (issue 14)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from urllib.parse import quote

from django.core.cache import cache
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis.extra.django import TestCase as HypothesisTestCase

from reservrutin.registry.models import System
from reservrutin.statuspage import fastpath, mirror
from reservrutin.statuspage.tests.helpers import StatusTestCase
from reservrutin.statuspage.tests.hostile import (
    REQUEST_TEXT,
    STORED_TEXT,
    markup_that_survived,
)

FUZZ = settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

HTML = [
    "/status/org-a/",
    "/status/org-a/en/",
    "/status/org-a/samlad/",
    "/status/org-a/system/system-a/",
    "/status/org-a/widget/",
    "/status/org-a/widget.html",
]
ATOM = ["/status/org-a/feed.atom", "/status/org-a/system/system-a/feed.atom"]
JSON = [
    "/status/org-a/feed.json",
    "/api/v1/status/org-a.json",
    "/api/v1/status/org-a/system-a.json",
]


def strings(value: object) -> set[str]:
    """Every string in a JSON document."""
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return set().union(*(strings(v) for v in value))
    return set()


class HostileRenderTests(HypothesisTestCase, StatusTestCase):
    def setUp(self) -> None:
        self.addCleanup(fastpath.forget)

    def check_html(self, url: str, body: str) -> None:
        self.assertEqual(markup_that_survived(body, allowed_tags={"style", "svg"}), [], url)
        self.assertLessEqual(body.count("<style>"), 1, url)

    @FUZZ
    @given(
        title=STORED_TEXT,
        body=STORED_TEXT,
        extra=STORED_TEXT,
        url=STORED_TEXT,
        name=STORED_TEXT,
    )
    def test_hostile_text_in_a_notice_reaches_no_page_as_markup(
        self, title: str, body: str, extra: str, url: str, name: str
    ) -> None:
        with transaction.atomic():
            cache.clear()
            fastpath.forget()
            self.org_a.name = name
            self.org_a.save(update_fields=["name"])
            System.objects.filter(pk=self.system_a.pk).update(name=extra)
            self.system_a.refresh_from_db()
            self.publish(
                title=title,
                body=body,
                backup_routine=extra,
                instructions=[{"role": extra, "text": body}],
                links=[{"title": title, "url": url}],
            )
            for path in HTML:
                response = self.client.get(path)
                self.assertEqual(response.status_code, 200, path)
                self.check_html(path, response.content.decode())
            for path in ATOM:
                response = self.client.get(path)
                self.assertEqual(response.status_code, 200, path)
                feed = ET.fromstring(response.content)
                for summary in feed.iter("{http://www.w3.org/2005/Atom}summary"):
                    self.assertEqual(summary.get("type"), "text")
            for path in JSON:
                response = self.client.get(path)
                self.assertEqual(response.status_code, 200, path)
                self.assertIn(title.strip(), strings(json.loads(response.content)), path)
            for path, page in mirror.files_for(self.org_a):
                if page.content_type.startswith("text/html"):
                    self.check_html(path, page.body.decode())
            transaction.set_rollback(True)

    @FUZZ
    @given(segment=REQUEST_TEXT, query=REQUEST_TEXT)
    def test_hostile_addresses_get_an_answer_not_a_500(self, segment: str, query: str) -> None:
        part = quote(segment, safe="", errors="surrogatepass")
        qs = "?q=" + quote(query, safe="", errors="surrogatepass")
        for path in (
            f"/status/{part}/",
            f"/status/org-a/system/{part}/",
            f"/status/{part}/feed.atom",
            f"/status/org-a/{part}",
            f"/api/v1/status/{part}.json",
            f"/api/v1/status/org-a/{part}.json",
            f"/status/org-a/{qs}",
            f"/api/v1/status/org-a.json{qs}",
        ):
            response = self.client.get(path)
            self.assertLess(response.status_code, 500, path)
            if path.startswith("/api/") and response.status_code >= 400:
                self.assertEqual(response["Content-Type"], "application/problem+json", path)
            if response["Content-Type"].startswith("text/html"):
                self.check_html(path, response.content.decode())
