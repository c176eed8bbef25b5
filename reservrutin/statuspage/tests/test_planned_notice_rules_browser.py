"""Browser test: with Söderköping's routine in force (SOD-03), the planning page lists the
routine's notice rules with their source, and a start 3 days ahead asks for a reason before
the window is scheduled. axe finds nothing on the page or on the unit page of the registry."""

from __future__ import annotations

import datetime as dt

import pytest

from reservrutin.accounts.models import Membership, Organisation
from reservrutin.lib import clock
from reservrutin.outages.models import TimelineEntry
from reservrutin.registry.demo.load import load
from reservrutin.routines.actions import approve_version, import_routine
from reservrutin.routines.demo import SEEDS_DIR
from reservrutin.statuspage.models import PlannedWindow
from reservrutin.test import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sod_03_the_planning_page_shows_the_routines_rules_and_asks_for_a_reason(
    browser_page,
) -> None:
    load()
    path = SEEDS_DIR / "soderkoping-lifecare-phoniro.yaml"
    approve_version(import_routine(path.read_bytes(), filename=path.name, by=None).version, by=None)
    user = make_user("klara", "Klara Samordnare")
    Membership.objects.create(
        user=user, organisation=Organisation.objects.get(key="soderkoping"), role="coordinator"
    )
    browser_page.login("klara", PASSWORD)
    page = browser_page.page

    browser_page.goto("/org/soderkoping/planerat/")
    rules = page.get_by_role("table", name="Aviseringsregler")
    assert rules.get_by_role("row").count() == 3  # heading + 14 days + 2–3 days
    assert rules.get_by_role("link", name="version 1").count() == 2
    assert page.get_by_text("Avbrott aviseras minst 14 dagar i förväg").is_visible()

    start = clock.local(clock.now()).date() + dt.timedelta(days=3)
    page.get_by_label("Rubrik").fill("Uppgradering av Lifecare")
    page.get_by_label("Lifecare", exact=True).check()
    page.get_by_label("Typ").select_option("version_upgrade")
    page.get_by_label("Börjar").fill(f"{start:%Y-%m-%d}T18:00")
    page.get_by_label("Slutar").fill(f"{start:%Y-%m-%d}T20:00")
    page.get_by_label("Påverkan").fill("Lifecare går inte att använda.")
    page.get_by_role("button", name="Planera").click()
    page.wait_for_load_state()
    # The 400 answer is expected here; only axe and the page content matter.
    browser_page.console.clear()
    browser_page.check()
    assert page.get_by_role("alert").get_by_text("minst 14 dagar i förväg").is_visible()
    assert not PlannedWindow.objects.exists()

    page.get_by_label("Skäl till kort varsel").fill("Säkerhetsrättning från leverantören.")
    page.get_by_role("button", name="Planera").click()
    page.wait_for_load_state()
    browser_page.check()
    window = PlannedWindow.objects.get()
    entry = window.occurrences.get().outage.timeline.get(kind=TimelineEntry.Kind.NOTE)
    assert entry.data["rule_source"]["routine"] == "lifecare-phoniro"

    browser_page.goto("/org/soderkoping/")
    units = page.get_by_role("table", name="Enheter")
    assert units.get_by_role("row", name="Aspgården").get_by_role("link", name="Phoniro").count()
