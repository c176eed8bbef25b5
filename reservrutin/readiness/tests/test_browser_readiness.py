"""Browser tests: a unit manager ticks off items, a coordinator reads the organisation
overview, starts an exercise and reads its after-action report. axe checks every page
(conftest)."""

from __future__ import annotations

import pytest

from reservrutin.accounts.models import Membership, Organisation, Unit
from reservrutin.readiness.models import Exercise, ReadinessCheck, ReadinessItem
from reservrutin.readiness.tests.exercise_helpers import make_exercise_routine
from reservrutin.readiness.tests.helpers import import_and_approve, make_roles
from reservrutin.registry.models import System
from reservrutin.test import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def setup_world() -> tuple[Organisation, Unit]:
    org = Organisation.objects.create(key="org-a", name="Region A", kind="region")
    unit = Unit.objects.create(organisation=org, key="unit-a", name="Avdelning A")
    Unit.objects.create(organisation=org, key="unit-a2", name="Avdelning A2")
    System.objects.create(organisation=org, key="system-a", name="System A")
    maria = make_user("maria", "Maria Månsson")
    Membership.objects.create(user=maria, organisation=org, unit=unit, role="unit_manager")
    carl = make_user("carl", "Carl Carlsson")
    Membership.objects.create(user=carl, organisation=org, role="coordinator")
    make_roles(org)
    import_and_approve()
    return org, unit


def test_sod_09_the_unit_manager_ticks_off_items(browser_page) -> None:
    _org, unit = setup_world()
    item = ReadinessItem.objects.get(unit=unit, item_key="datorer-laddade")
    browser_page.login("maria", PASSWORD)
    browser_page.goto("/org/org-a/enhet/unit-a/beredskap/")
    page = browser_page.page
    assert page.locator("tr.overdue").count() == 3
    row = page.locator(f"#item-{item.code}")
    row.get_by_label("Anteckning").fill("Alla laddade i morse")
    row.get_by_role("button", name="Bocka av").click()
    page.wait_for_load_state()
    browser_page.check()
    assert page.get_by_text("Avbockat: Bärbara datorer").is_visible()
    assert page.locator("tr.overdue").count() == 2
    assert ReadinessCheck.objects.get().note == "Alla laddade i morse"
    page.get_by_label("Punkt").fill("Reservnycklar i nyckelskåpet")
    page.get_by_label("Hur ofta").select_option(label="Varje vecka")
    page.get_by_role("button", name="Lägg till").click()
    page.wait_for_load_state()
    browser_page.check()
    assert page.get_by_role("rowheader", name="Reservnycklar i nyckelskåpet").is_visible()


def test_the_coordinator_reads_the_overview(browser_page) -> None:
    setup_world()
    browser_page.login("carl", PASSWORD)
    browser_page.goto("/org/org-a/beredskap/")
    page = browser_page.page
    assert page.get_by_role("link", name="Avdelning A2").is_visible()
    assert page.get_by_text("0 %").first.is_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Ladda ner som CSV").click()
    assert download.value.suggested_filename == "beredskap-org-a.csv"


def test_the_coordinator_starts_an_exercise_and_reads_its_report(browser_page) -> None:
    org, _unit = setup_world()
    make_exercise_routine(org, [])
    browser_page.login("carl", PASSWORD)
    browser_page.goto("/org/org-a/ovningar/")
    page = browser_page.page
    page.get_by_label("Rutin och scenario").select_option(
        label="Rutin för övning – System A nere för alla"
    )
    page.get_by_label("Enhet").select_option(label="Avdelning A")
    page.get_by_label("Tidsfaktor").fill("60")
    page.get_by_label("Maria Månsson").check()
    page.get_by_role("button", name="Starta övningen").click()
    page.wait_for_load_state()
    browser_page.check()
    exercise = Exercise.objects.get()
    assert exercise.outage.is_exercise
    browser_page.goto("/org/org-a/ovningar/")
    page.get_by_role("link", name="Rapport").first.click()
    page.wait_for_load_state()
    browser_page.check()
    assert page.get_by_role("heading", level=1).inner_text().startswith("ÖVNING")
    assert page.get_by_text("Ta fram driftstoppspärmen.").first.is_visible()
    page.get_by_role("button", name="Avsluta övningen").click()
    page.wait_for_load_state()
    browser_page.check()
    exercise.refresh_from_db()
    assert exercise.ended_at is not None
