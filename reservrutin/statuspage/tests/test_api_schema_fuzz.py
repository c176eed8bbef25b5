"""schemathesis against the API through its own OpenAPI description (``/api/v1/openapi.json``):
a bounded number of generated requests per operation, every default check passes (no 500,
responses as described, problem details for errors, 405 with ``Allow`` for undeclared
methods) (issue 14)."""

from __future__ import annotations

import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from reservrutin.statuspage import fastpath
from reservrutin.statuspage.tests.helpers import StatusTestCase

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


class ApiSchemaFuzzTests(HypothesisTestCase, StatusTestCase):
    def setUp(self) -> None:
        cache.clear()
        fastpath.forget()
        self.addCleanup(fastpath.forget)
        # As Django's test client does: the test's transaction must survive the request
        # signals of the WSGI handler schemathesis calls.
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        self.addCleanup(signals.request_started.connect, close_old_connections)
        self.addCleanup(signals.request_finished.connect, close_old_connections)
        self.publish(title="<b>Journalen</b> \u202e", body="Använd papper & penna")
        self.schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())

    def operations(self) -> list:
        found = [result.ok() for result in self.schema.get_all_operations()]
        self.assertEqual(len(found), 2)
        return found

    def test_generated_requests_pass_every_check(self) -> None:
        for operation in self.operations():
            with self.subTest(operation=operation.label):

                @FUZZ
                @given(case=operation.as_strategy())
                def check(case: schemathesis.Case) -> None:
                    case.call_and_validate()

                check()

    def test_requests_for_real_organisations_and_systems_pass_every_check(self) -> None:
        known = {"org": st.sampled_from(["org-a", "org-b"])}
        for operation in self.operations():
            with self.subTest(operation=operation.label):
                names = {p.name for p in operation.iter_parameters()}
                fixed = {"org": "org-a"}
                if "system" in names:
                    fixed["system"] = "system-a"

                @FUZZ
                @given(case=operation.as_strategy(path_parameters=fixed), org=known["org"])
                def check(case: schemathesis.Case, org: str) -> None:
                    case.path_parameters = {**case.path_parameters, "org": org}
                    response = case.call_and_validate()
                    assert response.status_code in (200, 304, 404)

                check()
