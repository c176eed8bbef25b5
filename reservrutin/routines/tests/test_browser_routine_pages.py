"""Browser tests: the routine page and the "Vad gör jag nu?" role view, and the upload page
explaining a broken file, with axe (issue 3)."""

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


def test_it_shows_a_routine_owner_what_is_wrong_with_a_file_in_swedish(browser_page) -> None:
    from reservrutin.registry.models import System
    from reservrutin.routines.tests.test_routine_upload import BROKEN

    organisation = Organisation.objects.create(
        key="org-a", name="Region A", kind=Organisation.Kind.REGION
    )
    System.objects.create(organisation=organisation, key="system-a", name="System A")
    owner = make_user("ulla", "Ulla Systemägare")
    Membership.objects.create(user=owner, organisation=organisation, role=Membership.Role.ORG_ADMIN)
    browser_page.login("ulla", PASSWORD)
    browser_page.goto("/org/org-a/rutiner/ladda-upp/")
    page = browser_page.page
    page.get_by_label("eller klistra in texten").fill(BROKEN)
    page.get_by_role("button", name="Kontrollera och ladda upp").click()
    page.wait_for_load_state()
    # The page answers 400 on purpose (the file was refused), which the browser logs too.
    assert sorted(browser_page.console) == [
        f"HTTP 400: {browser_page.base_url}/org/org-a/rutiner/ladda-upp/",
        "error: Failed to load resource: the server responded with a status of 400 (Bad Request)",
    ]
    browser_page.console.clear()
    browser_page.check()
    assert page.get_by_role("heading", name="Rutinen har 3 fel").is_visible()
    page.get_by_role("link", name="Rad 5, kolumn 10").click()
    row = page.locator("#rad-5")
    assert "ska vara text, men är ett tal (1.0); sätt citattecken runt värdet" in row.inner_text()
    # The text stays in the box, ready to be fixed.
    assert "version: 1.0" in page.get_by_label("eller klistra in texten").input_value()
