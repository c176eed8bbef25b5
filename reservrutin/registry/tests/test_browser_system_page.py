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


def test_an_admin_sets_the_systems_a_unit_uses(browser_page) -> None:
    load()
    org = Organisation.objects.get(key="soderkoping")
    admin = make_user("adam", "Adam Admin")
    Membership.objects.create(user=admin, organisation=org, role=Membership.Role.ORG_ADMIN)
    browser_page.login("adam", PASSWORD)
    browser_page.goto("/org/soderkoping/")
    page = browser_page.page
    page.get_by_role("link", name="Ändra – Aspgården").click()
    page.wait_for_load_state()
    browser_page.check()
    page.get_by_label("LMO-appen (Lifecare)").uncheck()
    page.get_by_role("button", name="Spara").click()
    page.wait_for_load_state()
    browser_page.check()
    assert "1 borttagna" in page.content()
    unit = org.units.get(key="aspgarden")
    assert "lmo-app" not in set(unit.systems.values_list("key", flat=True))
