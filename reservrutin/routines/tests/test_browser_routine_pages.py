"""Browser tests: the routine page and the "Vad gör jag nu?" role view, with axe (issue 3)."""

from __future__ import annotations

import pytest

from reservrutin.accounts.models import Membership, Organisation
from reservrutin.registry.demo.load import load
from reservrutin.routines.demo import load_demo
from reservrutin.test import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_reads_the_routine_and_filters_it_to_one_role(browser_page) -> None:
    load()
    load_demo()
    user = make_user("kim", "Kim Kundtjänst")
    Membership.objects.create(
        user=user, organisation=Organisation.objects.get(key="region-skane"), role="staff"
    )
    browser_page.login("kim", PASSWORD)
    browser_page.goto("/org/region-skane/rutiner/")
    page = browser_page.page
    page.get_by_role("link", name="Reservrutin för Sesam LMN").first.click()
    page.wait_for_load_state()
    browser_page.check()
    assert page.get_by_role(
        "heading", name="Sesam LMN-server blir oåtkomlig för samtliga användare"
    ).is_visible()
    # LMN-09 timer in words
    assert "Efter 4 timmar" in page.content()

    page.get_by_role("link", name="Kundservice").first.click()
    page.wait_for_load_state()
    browser_page.check()
    text = page.content()
    assert "Informera inringande förskrivare" in text
    # the role view leaves out what only the telephony owner does
    assert "Telefoniansvarig" not in page.locator("main h1").inner_text()
