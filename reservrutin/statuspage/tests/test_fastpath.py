"""The WSGI fast path serves public status responses again without entering Django.

These tests are about the kept bytes, with a stand-in for Django; rendering a learned
address without Django is in test_fastpath_render.py.
"""

from __future__ import annotations

from typing import Any
from unittest import mock

from django.test import SimpleTestCase, override_settings
from django.urls import Resolver404

from reservrutin.statuspage import fastpath


class FakeApp:
    """A stand-in for Django's WSGI handler that counts calls."""

    def __init__(
        self, status: str = "200 OK", headers: list[tuple[str, str]] | None = None
    ) -> None:
        self.calls = 0
        self.status = status
        self.headers = headers or [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Cache-Control", "public, max-age=30"),
            ("ETag", '"abc"'),
            ("X-Frame-Options", "DENY"),
        ]

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        self.calls += 1
        start_response(self.status, self.headers)
        return [b"<html>", str(self.calls).encode()]


def get(
    app: fastpath.PublicFastPath, path: str, **environ: str
) -> tuple[str, dict[str, str], bytes]:
    seen: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        seen["status"], seen["headers"] = status, dict(headers)

    body = b"".join(app({"REQUEST_METHOD": "GET", "PATH_INFO": path, **environ}, start_response))
    return seen["status"], seen["headers"], body


@override_settings(STATUSPAGE_FRESH_MS=1000)
class FastPathTests(SimpleTestCase):
    def setUp(self) -> None:
        fastpath.forget()
        # The stand-in has no views to learn.
        unknown = mock.patch.object(fastpath, "resolve", side_effect=Resolver404)
        unknown.start()
        self.addCleanup(unknown.stop)

    def test_it_serves_a_public_page_again_without_django(self) -> None:
        inner = FakeApp()
        app = fastpath.PublicFastPath(inner)
        first = get(app, "/status/org-a/")
        second = get(app, "/status/org-a/")
        self.assertEqual(inner.calls, 1)
        self.assertEqual(first, second)
        self.assertEqual(second[1]["X-Frame-Options"], "DENY")  # headers kept as Django made them

    def test_it_answers_304_to_a_matching_etag(self) -> None:
        app = fastpath.PublicFastPath(FakeApp())
        get(app, "/status/org-a/")
        status, _, body = get(app, "/status/org-a/", HTTP_IF_NONE_MATCH='"abc"')
        self.assertEqual(status, "304 Not Modified")
        self.assertEqual(body, b"")

    def test_it_goes_back_to_django_after_the_freshness_window(self) -> None:
        inner = FakeApp()
        app = fastpath.PublicFastPath(inner)
        with mock.patch.object(fastpath.time, "monotonic", return_value=100.0):
            get(app, "/status/org-a/")
        with mock.patch.object(fastpath.time, "monotonic", return_value=101.5):
            get(app, "/status/org-a/")
        self.assertEqual(inner.calls, 2)

    def test_it_never_keeps_private_or_personal_responses(self) -> None:
        cases = {
            "cookie": [("Cache-Control", "public"), ("Set-Cookie", "csrftoken=x")],
            "vary": [("Cache-Control", "public"), ("Vary", "Cookie")],
            "not public": [("Cache-Control", "private")],
        }
        for name, headers in cases.items():
            with self.subTest(name=name):
                fastpath.forget()
                inner = FakeApp(headers=headers)
                app = fastpath.PublicFastPath(inner)
                get(app, "/status/org-a/prenumerera/")
                get(app, "/status/org-a/prenumerera/")
                self.assertEqual(inner.calls, 2)

    def test_it_leaves_other_paths_methods_and_query_strings_to_django(self) -> None:
        inner = FakeApp()
        app = fastpath.PublicFastPath(inner)
        for _ in range(2):
            get(app, "/org/org-a/")
            get(app, "/status/org-a/", QUERY_STRING="x=1")
            get(app, "/status/org-a/", REQUEST_METHOD="POST")
        self.assertEqual(inner.calls, 6)

    def test_a_failed_response_is_not_kept(self) -> None:
        inner = FakeApp(status="404 Not Found")
        app = fastpath.PublicFastPath(inner)
        get(app, "/status/nope/")
        get(app, "/status/nope/")
        self.assertEqual(inner.calls, 2)

    @override_settings(STATUSPAGE_FRESH_MS=0)
    def test_it_keeps_nothing_without_a_freshness_window(self) -> None:
        inner = FakeApp()
        app = fastpath.PublicFastPath(inner)
        get(app, "/status/org-a/")
        get(app, "/status/org-a/")
        self.assertEqual(inner.calls, 2)

    def test_a_publish_in_this_process_clears_it(self) -> None:
        from reservrutin.statuspage.rendering import forget_recent

        inner = FakeApp()
        app = fastpath.PublicFastPath(inner)
        get(app, "/status/org-a/")
        forget_recent()
        get(app, "/status/org-a/")
        self.assertEqual(inner.calls, 2)


@override_settings(STATUSPAGE_FRESH_MS=1000)
class StampedeTests(SimpleTestCase):
    def test_concurrent_misses_render_once(self) -> None:
        import threading

        fastpath.forget()
        self.addCleanup(fastpath.forget)
        release = threading.Event()

        class SlowApp(FakeApp):
            def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
                release.wait(5)
                return super().__call__(environ, start_response)

        inner = SlowApp()
        app = fastpath.PublicFastPath(inner)
        threads = [threading.Thread(target=get, args=(app, "/status/org-a/")) for _ in range(8)]
        for t in threads:
            t.start()
        release.set()
        for t in threads:
            t.join(10)
        self.assertEqual(inner.calls, 1)
