"""Browser tests: the Content-Security-Policy holds in Chromium. The public pages and the
widget load without a violation (``browser_page`` fails on any), and a violation is caught
(issue 14). The widget's ``frame-ancestors`` is checked on the headers (test_headers.py)."""

from __future__ import annotations

import pytest

from reservrutin.accounts.models import Organisation
from reservrutin.registry.models import System

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _organisation() -> Organisation:
    org = Organisation.objects.create(key="org-a", name="Region A", kind=Organisation.Kind.REGION)
    System.objects.create(organisation=org, key="journal", name="Journalen")
    return org


def test_the_public_pages_load_without_a_policy_violation(browser_page) -> None:
    _organisation()
    for path in ("/status/org-a/", "/status/org-a/en/", "/status/org-a/widget/", "/logga-in/"):
        browser_page.goto(path)  # checks the console for violations, axe and more
    assert browser_page.csp_violations() == []


def test_a_policy_violation_fails_the_check(browser_page) -> None:
    page = browser_page.page
    page.route(
        "**/probe/",
        lambda route: route.fulfill(
            status=200,
            content_type="text/html",
            headers={"Content-Security-Policy": "style-src 'self'"},
            body='<!doctype html><html lang="sv"><title>x</title><style>p{}</style><p>x</p>',
        ),
    )
    page.goto(browser_page.base_url + "/probe/")
    assert browser_page.csp_violations()
    with pytest.raises(AssertionError):
        browser_page.check()
    browser_page.console.clear()
