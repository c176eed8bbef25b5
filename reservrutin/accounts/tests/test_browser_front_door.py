"""Browser tests (issue 15): the anonymous front door during an outage shows the outage
first; a home-care worker's home shows her unit's outage and her task. axe on every page,
keyboard (skip link) and no sideways scrolling at 320 px."""

from __future__ import annotations

import pytest

from reservrutin.accounts.models import Membership, Organisation, User
from reservrutin.outages.actions import confirm_outage, submit_report
from reservrutin.outages.tests.helpers import load_demo_data
from reservrutin.registry.demo.load import load
from reservrutin.registry.models import System
from reservrutin.statuspage import actions
from reservrutin.test import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits_320_px(browser_page, path: str) -> None:
    page = browser_page.page
    page.set_viewport_size({"width": 320, "height": 640})
    browser_page.goto(path)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"{path} is {width} px wide at 320 px"
    page.set_viewport_size({"width": 1280, "height": 800})


def test_the_anonymous_front_door_shows_the_current_outage_first(browser_page) -> None:
    load()
    org = Organisation.objects.get(key="soderkoping")
    publisher = make_user("pia", "Pia Publicerare")
    Membership.objects.create(user=publisher, organisation=org, role=Membership.Role.PUBLISHER)
    actions.create_notice(
        org,
        by=publisher,
        title="Lifecare går inte att nå",
        body="Använd reservrutinen.",
        systems=[System.objects.get(organisation=org, key="lifecare")],
        severity="outage",
        publish=True,
    )
    browser_page.goto("/")
    page = browser_page.page
    headings = page.get_by_role("heading").all_inner_texts()
    assert headings[:2] == ["Driftinformation", "Störningar just nu"], headings
    text = page.inner_text("main")
    assert text.index("Lifecare går inte att nå") < text.index("Alla organisationer")
    assert page.get_by_role("link", name="Logga in").first.is_visible()
    # Keyboard: the first Tab reaches the skip link.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Hoppa till innehållet"
    _fits_320_px(browser_page, "/")
    browser_page.goto("/status/")
    browser_page.goto("/tillganglighet/")
    _fits_320_px(browser_page, "/tillganglighet/")


def test_a_home_care_workers_home_shows_her_units_outage_and_her_task(browser_page) -> None:
    load_demo_data()
    jonas = User.objects.get(username="jonas.strom")
    jonas.set_password(PASSWORD)
    jonas.save()
    linkoping = Organisation.objects.get(key="linkoping")
    submitted = submit_report(
        linkoping,
        systems=[System.objects.get(organisation=linkoping, key="tes")],
        reporter=jonas,
        fault_type="unreachable",
        extent="everyone",
        idempotency_key="browser-home",
    )
    confirm_outage(
        submitted.outage,
        by=User.objects.get(username="mikael.sund"),
        scenario_key="oplanerat-driftstopp-tes",
    )
    browser_page.login("jonas.strom", PASSWORD)
    browser_page.goto("/")
    page = browser_page.page
    main = page.inner_text("main")
    assert submitted.outage.title in main
    assert main.index(submitted.outage.title) < main.index("Mina uppgifter")
    assert "Gör så här nu" in main
    assert "Informera dina kollegor om driftstoppet." in main
    assert "Hemtjänstgrupp Norr" in main  # her unit's readiness
    page.get_by_role("link", name=submitted.outage.title).click()
    page.wait_for_load_state()
    assert f"/storningar/{submitted.outage.code}/" in page.url
