"""The API answers every error as RFC 9457 problem details, undeclared methods with 405 and
``Allow``, and conditional requests as Django's own helpers do (issue 14)."""

from __future__ import annotations

import json

from django.core.cache import cache
from django.test import Client
from django.utils.http import http_date

from reservrutin.statuspage.tests.helpers import StatusTestCase

API = "/api/v1/status/org-a.json"


class ApiErrorTests(StatusTestCase):
    def setUp(self) -> None:
        cache.clear()
        # A browser's POST without a CSRF token: Django's CSRF check is on.
        self.client = Client(enforce_csrf_checks=True)

    def assert_problem(self, response, status: int) -> dict:
        self.assertEqual(response.status_code, status)
        self.assertEqual(response["Content-Type"], "application/problem+json")
        problem = json.loads(response.content)
        self.assertEqual(problem["status"], status)
        self.assertEqual(problem["type"], "about:blank")
        self.assertTrue(problem["title"])
        self.assertTrue(problem["detail"])
        return problem

    def test_an_undeclared_method_gets_405_with_allow_not_the_csrf_page(self) -> None:
        for url in (API, "/api/v1/status/org-a/system-a.json", "/api/v1/openapi.json"):
            for method in ("post", "put", "patch", "delete"):
                with self.subTest(url=url, method=method):
                    response = getattr(self.client, method)(url)
                    self.assert_problem(response, 405)
                    self.assertEqual(response["Allow"], "GET, HEAD, OPTIONS")

    def test_an_unknown_organisation_system_or_address_is_a_404_problem(self) -> None:
        for url in (
            "/api/v1/status/finns-inte.json",
            "/api/v1/status/org-a/finns-inte.json",
            "/api/v1/status/org-b/system-a.json",
            "/api/v1/finns-inte",
        ):
            with self.subTest(url=url):
                self.assert_problem(self.client.get(url), 404)

    def test_if_none_match_with_the_etag_or_a_star_gets_304(self) -> None:
        etag = self.client.get(API)["ETag"]
        for value in (etag, "*", f'"other", {etag}'):
            with self.subTest(value=value):
                response = self.client.get(API, headers={"If-None-Match": value})
                self.assertEqual(response.status_code, 304)
                self.assertEqual(response.content, b"")
        self.assertEqual(self.client.get(API, headers={"If-None-Match": '"x"'}).status_code, 200)

    def test_if_modified_since_compares_with_the_last_change(self) -> None:
        self.publish()
        cache.clear()
        last_modified = self.client.get(API)["Last-Modified"]
        self.assertEqual(
            self.client.get(API, headers={"If-Modified-Since": last_modified}).status_code, 304
        )
        self.assertEqual(
            self.client.get(API, headers={"If-Modified-Since": http_date(0)}).status_code, 200
        )

    def test_a_failed_precondition_is_a_412_problem(self) -> None:
        self.assert_problem(self.client.get(API, headers={"If-Match": '"not-it"'}), 412)

    def test_the_status_page_answers_conditional_requests_the_same_way(self) -> None:
        etag = self.client.get("/status/org-a/")["ETag"]
        response = self.client.get("/status/org-a/", headers={"If-None-Match": etag})
        self.assertEqual(response.status_code, 304)
