"""The static mirror serves the same bytes as the live pages, written atomically."""

from __future__ import annotations

import http.server
import io
import tempfile
import threading
import urllib.request
from functools import partial
from pathlib import Path

from django.core.cache import cache
from django.core.management import call_command
from django.test import override_settings

from reservrutin.statuspage.models import PageVersion
from reservrutin.statuspage.tests.helpers import StatusTestCase
from reservrutin.statuspage.worker import mirror_one

URLS = [
    "/status/org-a/",
    "/status/org-a/en/",
    "/status/org-a/feed.atom",
    "/status/org-a/feed.json",
    "/status/org-a/widget/",
    "/status/org-a/system/system-a/",
    "/api/v1/status/org-a.json",
    "/api/v1/openapi.json",
]


class StaticMirrorTests(StatusTestCase):
    def setUp(self) -> None:
        cache.clear()
        self.publish()
        self.dir = Path(tempfile.mkdtemp())

    def serve(self) -> tuple[http.server.ThreadingHTTPServer, str]:
        handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(self.dir))
        handler.log_message = lambda *args: None
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        return server, f"http://127.0.0.1:{server.server_port}"

    def test_the_export_served_by_a_plain_web_server_matches_the_live_pages(self) -> None:
        call_command("statuspage", "export", str(self.dir), stdout=io.StringIO())
        _, base = self.serve()
        for url in URLS:
            with self.subTest(url=url):
                live = self.client.get(url).content
                with urllib.request.urlopen(base + url, timeout=5) as response:
                    self.assertEqual(response.read(), live)

    def test_it_leaves_no_half_written_files(self) -> None:
        call_command("statuspage", "export", str(self.dir), stdout=io.StringIO())
        self.assertEqual(list(self.dir.rglob(".tmp-*")), [])

    def test_the_worker_rewrites_the_mirror_after_a_publish(self) -> None:
        with override_settings(STATIC_MIRROR_DIR=str(self.dir)):
            self.assertTrue(mirror_one())
            self.assertFalse(mirror_one())  # nothing new
            page = (self.dir / "status/org-a/index.html").read_text()
            self.assertIn("System A ligger nere", page)
            self.publish(title="Ny störning")
            self.assertTrue(mirror_one())
        self.assertIn("Ny störning", (self.dir / "status/org-a/index.html").read_text())
        row = PageVersion.objects.get(organisation=self.org_a)
        self.assertEqual(row.version, row.mirrored_version)

    def test_the_worker_does_nothing_without_a_mirror_directory(self) -> None:
        with override_settings(STATIC_MIRROR_DIR=""):
            self.assertFalse(mirror_one())

    def test_an_unknown_organisation_is_a_clear_error(self) -> None:
        from django.core.management.base import CommandError

        with self.assertRaises(CommandError):
            call_command(
                "statuspage", "export", str(self.dir), "--org", "nope", stdout=io.StringIO()
            )
