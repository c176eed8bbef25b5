"""Hostile strings (markup, quotes, NUL, lone surrogates, huge numbers, RTL marks) posted to
every form a persona reaches by following links: no 500, and no markup from them survives
in the answer (issue 14). A bounded number of examples per form."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlencode

from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from hypothesis import HealthCheck, given, settings
from hypothesis.extra.django import TestCase as HypothesisTestCase

from reservrutin.statuspage.tests.helpers import StatusTestCase
from reservrutin.statuspage.tests.hostile import REQUEST_TEXT, markup_that_survived
from reservrutin.tests.test_crawl_headers import SKIP, crawl

FUZZ = settings(
    max_examples=3,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
MAX_PAGES = 80
FORM = "application/x-www-form-urlencoded"


class _Forms(HTMLParser):
    """The POST forms of a page: action and fields (name, kind, a value to keep)."""

    def __init__(self, url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.url = url
        self.links: list[str] = []
        self.forms: list[tuple[str, list[tuple[str, str, str]]]] = []
        self._form: list[tuple[str, str, str]] | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href", "").startswith("/"):
            self.links.append(a["href"].split("#")[0])
        if tag == "form" and a.get("method", "").lower() == "post":
            self._form = []
            self.forms.append((a.get("action") or self.url, self._form))
        if self._form is None or not a.get("name"):
            return
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("hidden", "submit", "checkbox", "radio"):
                self._form.append((a["name"], "keep", a.get("value", "on")))
            elif kind != "file":
                self._form.append((a["name"], "text", ""))
        elif tag == "textarea":
            self._form.append((a["name"], "text", ""))
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select:
            self._form.append((self._select, "keep", a.get("value", "")))
            self._select = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None


class FormFuzzTests(HypothesisTestCase, StatusTestCase):
    def forms(self) -> dict[str, list[tuple[str, str, str]]]:
        """Every POST form reachable from the start pages, by its action."""
        found: dict[str, list[tuple[str, str, str]]] = {}

        def visit(url: str, response: HttpResponse) -> list[str]:
            if not response.get("Content-Type", "").startswith("text/html"):
                return []
            page = _Forms(url)
            page.feed(response.content.decode())
            for action, fields in page.forms:
                if not SKIP.search(action):
                    found.setdefault(action, fields)
            return page.links

        crawl(self.client, visit, limit=MAX_PAGES)
        return found

    def test_hostile_input_to_every_form_gets_an_answer_without_markup(self) -> None:
        self.publish(title="Journalen ligger nere")
        tried = 0
        # Anonymous reaches the public forms (login, fault report, subscriptions); the
        # organisation's administrator reaches every form of the organisation.
        for persona in (None, self.adam):
            self.client.logout()
            if persona is not None:
                self.login(persona)
            for action, fields in self.forms().items():
                with self.subTest(persona=persona and persona.username, form=action):
                    tried += 1
                    self.fuzz(action, fields, persona)
        self.assertGreater(tried, 5)

    def fuzz(self, action: str, fields: list[tuple[str, str, str]], persona: object) -> None:
        @FUZZ
        @given(text=REQUEST_TEXT)
        def post(text: str) -> None:
            with transaction.atomic():
                cache.clear()
                data: dict[str, list[str]] = {}
                for name, kind, value in fields:
                    data.setdefault(name, []).append(text if kind == "text" else value)
                # As a browser sends it; a lone surrogate goes as the bytes it would be.
                body = urlencode(data, doseq=True, errors="surrogatepass")
                response = self.client.post(action, body, content_type=FORM)
                self.assertLess(response.status_code, 500, (action, text))
                if response.get("Content-Type", "").startswith("text/html"):
                    body = response.content.decode()
                    bad = markup_that_survived(body, allowed_tags={"style", "svg"})
                    self.assertEqual(bad, [], (action, text))
                transaction.set_rollback(True)
            if persona is not None:
                self.login(persona)  # a form may have signed the persona out

        post()
