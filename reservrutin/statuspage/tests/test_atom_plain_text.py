"""The Atom feed sends notice texts as plain text and names an author, so a feed reader
shows markup typed into a notice as text instead of rendering it (issue 14)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from django.core.cache import cache

from reservrutin.statuspage.tests.helpers import StatusTestCase

ATOM = "{http://www.w3.org/2005/Atom}"
MARKUP = '<img src=x onerror="alert(1)"><b>Fet</b> & <a href="javascript:x">länk</a>'


class AtomPlainTextTests(StatusTestCase):
    def setUp(self) -> None:
        cache.clear()
        self.publish(body=MARKUP)

    def test_summaries_are_plain_text_with_the_text_as_typed(self) -> None:
        root = ET.fromstring(self.client.get("/status/org-a/feed.atom").content)
        (entry,) = root.findall(f"{ATOM}entry")
        summary = entry.find(f"{ATOM}summary")
        assert summary is not None
        self.assertEqual(summary.get("type"), "text")
        self.assertEqual(summary.text, MARKUP)  # the reader shows it, escaped in the XML
        self.assertNotIn(b'type="html"', self.client.get("/status/org-a/feed.atom").content)

    def test_the_feed_names_its_author(self) -> None:
        root = ET.fromstring(self.client.get("/status/org-a/system/system-a/feed.atom").content)
        self.assertEqual(root.findtext(f"{ATOM}author/{ATOM}name"), "Region A")
