"""Content-Security-Policy on the public pages: inline CSS only by its hash, the widget framed
only by the organisation's allow-list, and the same headers from Django, the fast path and
the static mirror (issue 14)."""

from __future__ import annotations

import base64
import hashlib
import io
import re
import tempfile
from pathlib import Path

from django.core import signals
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import close_old_connections

from reservrutin.statuspage import fastpath
from reservrutin.statuspage.models import EmbedOrigin
from reservrutin.statuspage.tests.helpers import StatusTestCase
from reservrutin.statuspage.tests.test_fastpath_render import CountingDjango, call


def directives(policy: str) -> dict[str, set[str]]:
    parts = (d.split() for d in policy.split(";") if d.strip())
    return {name: set(values) for name, *values in parts}


def inline_style_hashes(body: str) -> set[str]:
    return {
        "'sha256-" + base64.b64encode(hashlib.sha256(css.encode()).digest()).decode() + "'"
        for css in re.findall(r"<style>(.*?)</style>", body, re.S)
    }


class ContentSecurityPolicyTests(StatusTestCase):
    def setUp(self) -> None:
        cache.clear()
        fastpath.forget()
        self.addCleanup(fastpath.forget)
        # The fast path sends Django's request signals itself; inside a test's transaction
        # closing "old" connections would close the test's own (as in test_fastpath_render).
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        self.addCleanup(signals.request_started.connect, close_old_connections)
        self.addCleanup(signals.request_finished.connect, close_old_connections)

    def test_the_status_page_allows_its_own_css_by_hash_and_nothing_inline_else(self) -> None:
        for url in ("/status/org-a/", "/status/org-a/en/", "/status/org-a/system/system-a/"):
            with self.subTest(url=url):
                response = self.client.get(url)
                policy = directives(response["Content-Security-Policy"])
                hashes = inline_style_hashes(response.content.decode())
                self.assertEqual(len(hashes), 1)
                self.assertLessEqual(hashes, policy["style-src"])
                self.assertNotIn("'unsafe-inline'", response["Content-Security-Policy"])
                self.assertEqual(policy["script-src"], {"'self'"})
                self.assertEqual(policy["frame-ancestors"], {"'none'"})
                self.assertEqual(response["X-Frame-Options"], "DENY")

    def test_the_widget_is_framed_only_by_the_organisations_allow_list(self) -> None:
        response = self.client.get("/status/org-a/widget/")
        policy = directives(response["Content-Security-Policy"])
        self.assertEqual(policy["frame-ancestors"], {"'self'"})
        self.assertNotIn("X-Frame-Options", response)
        self.assertLessEqual(inline_style_hashes(response.content.decode()), policy["style-src"])

        EmbedOrigin.objects.create(
            organisation=self.org_a, origin="https://intranat.region-a.se", label="LMN-03"
        )
        EmbedOrigin.objects.create(organisation=self.org_a, origin="https://*.hemvist.example.se")
        EmbedOrigin.objects.create(organisation=self.org_b, origin="https://kommun-b.example.se")
        cache.clear()
        policy = directives(self.client.get("/status/org-a/widget/")["Content-Security-Policy"])
        self.assertEqual(
            policy["frame-ancestors"],
            {"'self'", "https://intranat.region-a.se", "https://*.hemvist.example.se"},
        )

    def test_every_other_page_may_not_be_framed(self) -> None:
        EmbedOrigin.objects.create(organisation=self.org_a, origin="https://intranat.region-a.se")
        for url in ("/status/org-a/", "/status/org-a/feed.atom", "/api/v1/status/org-a.json", "/"):
            with self.subTest(url=url):
                response = self.client.get(url)
                policy = directives(response["Content-Security-Policy"])
                self.assertEqual(policy["frame-ancestors"], {"'none'"})

    def test_an_origin_that_could_add_to_the_header_is_refused(self) -> None:
        for origin in (
            "https://a.se; script-src *",
            "https://a.se/sökväg",
            "'unsafe-inline'",
            "javascript:alert(1)",
            "https://a.se https://b.se",
        ):
            with self.subTest(origin=origin), self.assertRaises(ValidationError):
                EmbedOrigin(organisation=self.org_a, origin=origin).full_clean()
        EmbedOrigin(
            organisation=self.org_a, origin="https://intranat.region-a.se:8443"
        ).full_clean()

    def test_the_fast_path_sends_the_widgets_current_allow_list(self) -> None:
        app = fastpath.PublicFastPath(CountingDjango())
        first = call(app, "/status/org-a/widget/")
        EmbedOrigin.objects.create(organisation=self.org_a, origin="https://intranat.region-a.se")
        cache.clear()  # as when the render cache's minute ends
        lean = call(app, "/status/org-a/widget/")
        self.assertEqual(app.app.calls, 1)  # rendered without Django
        self.assertNotIn("intranat", first[1]["content-security-policy"])
        self.assertIn("https://intranat.region-a.se", lean[1]["content-security-policy"])
        self.assertNotIn("x-frame-options", lean[1])

    def test_the_mirror_lists_the_same_headers_as_the_live_pages(self) -> None:
        EmbedOrigin.objects.create(organisation=self.org_a, origin="https://intranat.region-a.se")
        root = Path(tempfile.mkdtemp())
        call_command("statuspage", "export", str(root), stdout=io.StringIO())
        listed: dict[str, dict[str, str]] = {}
        for line in (root / "status" / "org-a" / "_headers").read_text().splitlines():
            if not line.startswith(" "):
                path = line
                listed[path] = {}
            else:
                name, value = line.strip().split(": ", 1)
                listed[path][name] = value
        for url in ("/status/org-a/", "/status/org-a/widget/", "/api/v1/status/org-a.json"):
            with self.subTest(url=url):
                live = self.client.get(url)
                headers = listed[url]
                self.assertEqual(
                    directives(headers["Content-Security-Policy"]),
                    directives(live["Content-Security-Policy"]),
                )
                self.assertEqual(headers.get("X-Frame-Options"), live.get("X-Frame-Options"))
                self.assertEqual(headers["Content-Type"], live["Content-Type"])

    def test_a_304_carries_the_pages_own_policy(self) -> None:
        EmbedOrigin.objects.create(organisation=self.org_a, origin="https://intranat.region-a.se")
        etag = self.client.get("/status/org-a/widget/")["ETag"]
        response = self.client.get("/status/org-a/widget/", headers={"If-None-Match": etag})
        self.assertEqual(response.status_code, 304)
        policy = directives(response["Content-Security-Policy"])
        self.assertIn("https://intranat.region-a.se", policy["frame-ancestors"])
        self.assertNotIn("X-Frame-Options", response)
