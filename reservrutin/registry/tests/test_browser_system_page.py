"""Browser test: log in, open a system page, switch language; axe finds nothing."""

from __future__ import annotations

import pytest

from reservrutin.accounts.models import Membership, Organisation
from reservrutin.registry.demo.load import load
from reservrutin.test import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_logs_in_opens_a_system_page_and_switches_language(browser_page) -> None:
    load()
    user = make_user("vera", "Vera Viklund")
    Membership.objects.create(
        user=user, organisation=Organisation.objects.get(key="soderkoping"), role="staff"
    )
    browser_page.login("vera", PASSWORD)
    browser_page.check()
    browser_page.goto("/org/soderkoping/system/lmo-app/")
    page = browser_page.page
    assert page.get_by_role("heading", level=1).inner_text() == "LMO-appen (Lifecare)"
    assert page.get_by_text("Behöver för att fungera").is_visible()
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    browser_page.check()
    assert page.get_by_text("Needs to work").is_visible()
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("button", name="Svenska").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "sv"
    browser_page.check()
