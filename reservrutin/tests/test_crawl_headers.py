"""A crawl as each persona: every page reached by following links carries a
Content-Security-Policy, and no page needs ``'unsafe-inline'``: no inline script, no
``style`` attribute, no event handler, and inline CSS only where the policy names its hash
(issue 14)."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable
from html.parser import HTMLParser

from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client

from reservrutin.statuspage.tests.helpers import StatusTestCase

START = ["/", "/status/org-a/", "/status/org-a/widget/", "/api/v1/status/org-a.json"]
MAX_PAGES = 150
#: Links that change state or leave the persona's session.
SKIP = re.compile(r"^/(logga-ut|admin/logout)|\.(pdf|ics|csv)$")


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.inline: list[str] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "a" and (named.get("href") or "").startswith("/"):
            self.links.append(named["href"].split("#")[0])
        if tag == "script" and not named.get("src") and named.get("type") != "application/json":
            self.inline.append("<script> without src")
        for name, _ in attrs:
            if name == "style" or name.startswith("on"):
                self.inline.append(f"<{tag} {name}=>")
        self._in_style = tag == "style"

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False


def _hash(css: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(css.encode()).digest()).decode() + "'"


def crawl(
    client: Client, visit: Callable[[str, HttpResponse], list[str]], *, limit: int = MAX_PAGES
) -> int:
    """Follow links from ``START`` as ``client``'s persona, breadth first, up to ``limit``
    pages: ``visit(url, response)`` checks a page and returns its links. Returns how many
    pages it visited."""
    seen: set[str] = set()
    queue = list(START)
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen or SKIP.search(url):
            continue
        seen.add(url)
        queue += [link for link in visit(url, client.get(url)) if link not in seen]
    return len(seen)


class CrawlHeadersTests(StatusTestCase):
    def check(self, url: str, response: HttpResponse) -> list[str]:
        self.assertLess(response.status_code, 500, url)
        policy = response.get("Content-Security-Policy", "")
        self.assertIn("default-src 'self'", policy, url)
        self.assertNotIn("'unsafe-inline'", policy, url)
        if not response.get("Content-Type", "").startswith("text/html"):
            return []
        page = _Page()
        page.feed(response.content.decode())
        self.assertEqual(page.inline, [], url)
        style_src = re.search(r"style-src ([^;]*)", policy)
        for css in page.styles:
            self.assertIn(_hash(css), style_src.group(1) if style_src else "", url)
        return page.links

    def test_every_page_has_the_policy_for_every_persona(self) -> None:
        self.publish(title="Journalen ligger nere")
        visited = {}
        for persona in (None, self.alice, self.carl, self.petra, self.maria, self.adam):
            with self.subTest(persona=persona and persona.username):
                self.client.logout()
                if persona is not None:
                    self.login(persona)
                cache.clear()
                visited[persona] = crawl(self.client, self.check)
        # The crawl reaches well past the start pages for a signed-in administrator.
        self.assertGreater(visited[self.adam], 30)
