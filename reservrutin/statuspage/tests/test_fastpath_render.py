"""Once Django has answered a public address, the fast path renders it again by calling the
view's render directly, without Django's request cycle, with Django's headers."""

from __future__ import annotations

import io
from typing import Any

import time_machine
from django.core import signals
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.test import override_settings

from reservrutin.statuspage import fastpath
from reservrutin.statuspage.tests.helpers import StatusTestCase

#: Every public address with a ``public`` view, for org-a and system-a2.
PUBLIC_PATHS = [
    "/status/org-a/",
    "/status/org-a/en/",
    "/status/org-a/feed.atom",
    "/status/org-a/feed.json",
    "/status/org-a/planerat.ics",
    "/status/org-a/widget/",
    "/status/org-a/widget.html",
    "/status/org-a/system/system-a2/",
    "/status/org-a/system/system-a2/en/",
    "/status/org-a/system/system-a2/feed.atom",
    "/status/org-a/system/system-a2/widget/",
    "/api/v1/status/org-a.json",
    "/api/v1/status/org-a/system-a2.json",
]


class CountingDjango:
    """Django's own WSGI handler, counting the requests that reach it."""

    def __init__(self) -> None:
        self.handler = WSGIHandler()
        self.calls = 0

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        self.calls += 1
        return self.handler(environ, start_response)


def environ(path: str, **extra: Any) -> dict[str, Any]:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": io.StringIO(),
        **extra,
    }


def call(app: Any, path: str, **extra: Any) -> tuple[str, dict[str, str], bytes]:
    seen: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        seen["status"], seen["headers"] = status, {k.lower(): v for k, v in headers}

    result = app(environ(path, **extra), start_response)
    body = b"".join(result)
    if hasattr(result, "close"):
        result.close()
    return seen["status"], seen["headers"], body


@override_settings(STATUSPAGE_FRESH_MS=0)
@time_machine.travel("2026-11-22 10:00:00+00:00", tick=False)
class LeanRenderTests(StatusTestCase):
    def setUp(self) -> None:
        cache.clear()
        fastpath.forget()
        self.addCleanup(fastpath.forget)
        # As Django's test client does: the test's transaction must survive the request
        # signals.
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        self.addCleanup(signals.request_started.connect, close_old_connections)
        self.addCleanup(signals.request_finished.connect, close_old_connections)
        self.django = CountingDjango()
        self.app = fastpath.PublicFastPath(self.django)

    def test_it_renders_a_known_address_without_django_with_django_headers(self) -> None:
        first = call(self.app, "/status/org-a/")
        self.publish(title="Journalen går inte att öppna")
        cache.clear()
        status, headers, body = call(self.app, "/status/org-a/")
        self.assertEqual(self.django.calls, 1)
        self.assertEqual(status, "200 OK")
        self.assertIn("Journalen går inte att öppna".encode(), body)
        # Django's answer to the same page now, for comparison.
        _, expected_headers, expected_body = call(self.django, "/status/org-a/")
        self.assertEqual(body, expected_body)
        self.assertEqual(headers, expected_headers)
        self.assertNotEqual(headers["etag"], first[1]["etag"])
        self.assertEqual(headers["x-frame-options"], "DENY")
        self.assertEqual(headers["content-length"], str(len(body)))

    def test_every_public_address_gets_the_same_answer_as_from_django(self) -> None:
        self.publish(title="Planerad omstart")
        for path in PUBLIC_PATHS:
            with self.subTest(path=path):
                fastpath.forget()
                self.django.calls = 0
                learned = call(self.app, path)
                lean = call(self.app, path)
                self.assertEqual(self.django.calls, 1)
                self.assertEqual(lean[0], "200 OK")
                self.assertEqual(lean, learned)

    def test_it_answers_304_when_the_client_has_the_page(self) -> None:
        _, headers, _ = call(self.app, "/status/org-a/")
        status, _, body = call(self.app, "/status/org-a/", HTTP_IF_NONE_MATCH=headers["etag"])
        self.assertEqual((status, body), ("304 Not Modified", b""))
        self.assertEqual(self.django.calls, 1)

    def test_a_new_host_or_scheme_goes_through_django_first(self) -> None:
        call(self.app, "/status/org-a/")
        status, _, _ = call(self.app, "/status/org-a/", HTTP_HOST="elak.example.org")
        self.assertEqual(status, "400 Bad Request")  # Django's ALLOWED_HOSTS
        call(self.app, "/status/org-a/", **{"wsgi.url_scheme": "https"})
        self.assertEqual(self.django.calls, 3)
        call(self.app, "/status/org-a/", HTTP_HOST="elak.example.org")
        self.assertEqual(self.django.calls, 4)  # a refused host is never learned

    def test_an_address_that_stops_existing_is_answered_by_django(self) -> None:
        call(self.app, "/status/org-a/system/system-a2/")
        self.system_a2.public = False
        self.system_a2.save(update_fields=["public"])
        status, _, _ = call(self.app, "/status/org-a/system/system-a2/")
        self.assertEqual(status, "404 Not Found")
        self.assertEqual(self.django.calls, 2)
        call(self.app, "/status/org-a/system/system-a2/")
        self.assertEqual(self.django.calls, 3)

    def test_head_gets_the_headers_only(self) -> None:
        call(self.app, "/status/org-a/")
        status, headers, body = call(self.app, "/status/org-a/", REQUEST_METHOD="HEAD")
        self.assertEqual((status, body), ("200 OK", b""))
        self.assertGreater(int(headers["content-length"]), 1000)
        self.assertEqual(self.django.calls, 1)

    def test_a_language_cookie_does_not_change_a_public_page(self) -> None:
        call(self.app, "/status/org-a/")
        with_cookie = call(self.app, "/status/org-a/", HTTP_COOKIE="django_language=en")
        self.assertEqual(with_cookie[1]["content-language"], "sv")
        self.assertIn(b"Alla system fungerar som vanligt.", with_cookie[2])
        english = call(self.app, "/status/org-a/en/")
        self.assertEqual(english[1]["content-language"], "en")
        self.assertIn(b"All systems are working as usual.", english[2])

    @override_settings(STATUSPAGE_FRESH_MS=1000)
    def test_with_a_freshness_window_a_lean_render_is_kept_too(self) -> None:
        call(self.app, "/status/org-a/")  # learned and kept
        fastpath._HOT.clear()  # as when the window ends
        call(self.app, "/status/org-a/")  # rendered without Django, and kept
        self.publish()  # in another process: nothing here is told
        kept = call(self.app, "/status/org-a/")
        self.assertNotIn(b"System A ligger nere", kept[2])
        self.assertEqual(self.django.calls, 1)
