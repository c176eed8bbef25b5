"""While the database cannot be reached every page answers 503 with Retry-After and a
short page pointing to the static mirror (Swedish, English on English pages), the public
status page's fast path included; a wrong query stays a 500; the site recovers by itself.

The database "goes away" through ``connection.execute_wrapper``: every query raises what
Django raises when PostgreSQL has stopped.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from typing import Any

import psycopg
from django.core import signals
from django.db import OperationalError, close_old_connections, connection
from django.test import Client, override_settings
from django.urls import reverse

from reservrutin.statuspage import fastpath
from reservrutin.statuspage.tests.test_fastpath_render import call
from reservrutin.test import BaseTestCase
from reservrutin.wsgi import application

MIRROR = "https://mirror.example.org/driftinfo"


@contextlib.contextmanager
def database(cause: Exception) -> Iterator[list[str]]:
    """Every query fails with ``cause`` as Django wraps it; yields the queries tried."""
    tried: list[str] = []

    def fail(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        tried.append(sql)
        raise OperationalError(str(cause)) from cause

    with connection.execute_wrapper(fail):
        yield tried


def gone() -> contextlib.AbstractContextManager[list[str]]:
    return database(psycopg.OperationalError("server closed the connection unexpectedly"))


def wsgi_get(path: str) -> tuple[str, dict[str, str], bytes]:
    """A GET through the project's WSGI application (fast path included); header names
    in lower case."""
    return call(application, path)


@override_settings(STATUS_MIRROR_URL=MIRROR)
class DatabaseUnavailableTests(BaseTestCase):
    def assert_unavailable(self, response: Any) -> str:
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response["Retry-After"], "30")
        self.assertEqual(response["Cache-Control"], "no-store")
        return response.content.decode()

    def test_the_status_page_answers_503_with_a_link_to_its_mirror_copy(self) -> None:
        with gone(), self.assertLogs("reservrutin.unavailable", level="WARNING"):
            response = self.client.get("/status/org-a/")
        page = self.assert_unavailable(response)
        self.assertIn("Reservrutin är inte tillgänglig just nu", page)
        self.assertIn(f'href="{MIRROR}/status/org-a/"', page)
        self.assertEqual(response["Content-Language"], "sv")

    def test_the_english_status_page_answers_in_english(self) -> None:
        with gone(), self.assertLogs("reservrutin.unavailable", level="WARNING"):
            response = self.client.get("/status/org-a/en/")
        page = self.assert_unavailable(response)
        self.assertIn("Reservrutin is not available right now", page)
        self.assertIn(f'href="{MIRROR}/status/org-a/en/"', page)

    def test_the_api_answers_a_problem(self) -> None:
        with gone(), self.assertLogs("reservrutin.unavailable", level="WARNING"):
            response = self.client.get("/api/v1/status/org-a.json")
        self.assert_unavailable(response)
        self.assertEqual(response["Content-Type"], "application/problem+json")
        problem = json.loads(response.content)
        self.assertEqual((problem["status"], problem["mirror"]), (503, f"{MIRROR}/"))

    def test_a_signed_in_page_answers_503_although_a_middleware_meets_the_error(self) -> None:
        """The idle-timeout middleware loads the user before any view runs: the error
        reaches handler500, which answers 503 too."""
        self.login(self.carl)
        client = Client(raise_request_exception=False)
        client.cookies = self.client.cookies
        with gone() as tried, self.assertLogs("django.request", level="ERROR"):
            response = client.get(reverse("accounts:home"))
        self.assertTrue(tried)  # the middleware did try the database
        page = self.assert_unavailable(response)
        self.assertIn(f'href="{MIRROR}/"', page)

    def test_without_a_mirror_the_page_still_answers_503(self) -> None:
        with (
            override_settings(STATUS_MIRROR_URL=""),
            gone(),
            self.assertLogs("reservrutin.unavailable", level="WARNING"),
        ):
            page = self.assert_unavailable(self.client.get("/status/org-a/"))
        self.assertNotIn("href=", page)

    def test_a_wrong_query_is_a_500_not_a_503(self) -> None:
        try:
            sqlite3.connect(":memory:").execute("SELECT * FROM no_such_table")
        except sqlite3.OperationalError as exc:
            wrong = exc
        client = Client(raise_request_exception=False)
        with database(wrong), self.assertLogs("django.request", level="ERROR"):
            response = client.get("/status/org-a/")
        self.assertEqual(response.status_code, 500)
        self.assertNotIn("Retry-After", response)

    def test_it_recovers_by_itself_when_the_database_is_back(self) -> None:
        with gone(), self.assertLogs("reservrutin.unavailable", level="WARNING"):
            self.assert_unavailable(self.client.get("/status/org-a/"))
        response = self.client.get("/status/org-a/")
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("Retry-After", response)

    @override_settings(STATUSPAGE_FRESH_MS=1)
    def test_the_fast_path_answers_503_and_recovers(self) -> None:
        """A learned address renders without Django; when that render meets a lost
        database, Django answers it, with the 503 page, and nothing broken is kept."""
        fastpath.forget()
        self.addCleanup(fastpath.forget)
        # As Django's test client does: the test's transaction must survive the request
        # signals (closing the connection inside it would break it on PostgreSQL).
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        self.addCleanup(signals.request_started.connect, close_old_connections)
        self.addCleanup(signals.request_finished.connect, close_old_connections)
        status, _headers, _body = wsgi_get("/status/org-a/")
        self.assertTrue(status.startswith("200"))
        self.assertTrue(fastpath._LEARNED)
        fastpath._HOT.clear()  # the kept bytes have expired
        with gone() as tried, self.assertLogs("reservrutin.unavailable", level="WARNING"):
            status, headers, body = wsgi_get("/status/org-a/")
        self.assertTrue(tried)
        self.assertTrue(status.startswith("503"), status)
        self.assertEqual(headers["retry-after"], "30")
        self.assertIn(f"{MIRROR}/status/org-a/".encode(), body)
        fastpath._HOT.clear()
        status, _headers, _body = wsgi_get("/status/org-a/")
        self.assertTrue(status.startswith("200"))
