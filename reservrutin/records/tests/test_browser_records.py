"""Browser tests: transcribe a paper record, hand it over, mark it done and read the SP-11
note; document a Lifecare SP phone report. axe checks every page (conftest)."""

from __future__ import annotations

import datetime as dt

import pytest

from reservrutin.accounts.models import Membership, Organisation, Unit
from reservrutin.lib import clock
from reservrutin.outages.models import Outage
from reservrutin.records.models import BackRegistration, DischargeReport, DowntimeRecord
from reservrutin.registry.models import System
from reservrutin.test import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def setup_world() -> tuple[Organisation, Unit, Outage]:
    org = Organisation.objects.create(key="region-a", name="Region A", kind="region")
    unit = Unit.objects.create(organisation=org, key="avd-12", name="Avdelning 12")
    system = System.objects.create(organisation=org, key="cosmic", name="Cosmic")
    now = clock.now()
    outage = Outage.objects.create(
        organisation=org,
        title="Cosmic nere",
        started_at=now - dt.timedelta(days=1),
        resolved_at=now - dt.timedelta(hours=12),
        created_at=now - dt.timedelta(days=1),
        status=Outage.Status.BACK_REGISTRATION,
    )
    outage.systems.add(system)
    nora = make_user("nora", "Nora Karlsson")
    Membership.objects.create(user=nora, organisation=org, unit=unit, role="staff")
    maria = make_user("maria", "Maria Månsson")
    Membership.objects.create(user=maria, organisation=org, unit=unit, role="unit_manager")
    return org, unit, outage


def test_it_transcribes_reassigns_and_marks_done_with_the_note(browser_page) -> None:
    _org, _unit, outage = setup_world()
    event = clock.local(outage.started_at + dt.timedelta(hours=1, minutes=40))
    browser_page.login("nora", PASSWORD)
    browser_page.goto(f"/org/region-a/efterregistrering/ny/?outage={outage.code}&unit=avd-12")
    page = browser_page.page
    page.get_by_label("Händelsetid").fill(event.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Patientens eller brukarens namn").fill("Tolvan Tolvansson")
    page.get_by_label("Personnummer eller reservnummer").fill("19121212-1213")
    page.get_by_label("Innehåll").fill("Gav Alvedon 1 g.")
    page.get_by_role("button", name="Registrera").click()
    page.wait_for_load_state()
    browser_page.check()
    # A wrong check digit: a clear message, and nothing typed is lost.
    assert page.get_by_text("Kontrollsiffran stämmer inte").is_visible()
    assert page.get_by_label("Innehåll").input_value() == "Gav Alvedon 1 g."
    page.get_by_label("Personnummer eller reservnummer").fill("19121212-1212")
    page.get_by_role("button", name="Registrera").click()
    page.wait_for_load_state()
    browser_page.check()
    record = DowntimeRecord.objects.get()
    assert record.number in page.get_by_role("heading", level=1).inner_text()

    page.get_by_label("Ny ansvarig").select_option(label="Maria Månsson")
    page.get_by_label("Skäl").first.fill("Nora är ledig i morgon")
    page.get_by_role("button", name="Lämna över").click()
    page.wait_for_load_state()
    browser_page.check()
    assert BackRegistration.objects.get().responsible.username == "maria"

    page.get_by_label("Referens i systemet").fill("Cosmic 4711")
    page.get_by_role("button", name="Efterregistrerad nu").click()
    page.wait_for_load_state()
    browser_page.check()
    backreg = BackRegistration.objects.get()
    assert backreg.status == "done"
    note = page.locator("#note").input_value()
    assert f"Händelsen inträffade {event:%Y-%m-%d} kl. {event:%H:%M}" in note
    assert "dokumenterades på papper av Nora Karlsson" in note
    done = clock.local(backreg.done_at)
    assert f"Registrerad i systemet {done:%Y-%m-%d} kl. {done:%H:%M}" in note
    assert "Redatering är inte tillåten." in note


def test_it_documents_a_discharge_phone_report(browser_page) -> None:
    _org, _unit, outage = setup_world()
    call = clock.local(outage.started_at + dt.timedelta(hours=2))
    browser_page.login("nora", PASSWORD)
    browser_page.goto(f"/org/region-a/utskrivningsklar/ny/?outage={outage.code}&unit=avd-12")
    page = browser_page.page
    page.get_by_label("Samtalet gällde").select_option(label="Utskrivningsklar")
    page.get_by_label("Tid för samtalet").fill(call.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Patientens namn").fill("Tolvan Tolvansson")
    page.get_by_label("Personnummer eller reservnummer").fill("19121212-1212")
    page.locator("#id_ward").fill("Avdelning 12")
    page.get_by_label("Avdelningens telefon").fill("0920-284012")
    page.get_by_label("Vem ringde").fill("Nora Karlsson")
    page.get_by_label("Till/från vem").fill("Kim Lind")
    page.get_by_label("Mottagarens organisation").fill("Kommun B")
    page.get_by_label("Sammanfattning av överrapporteringen").fill("Klar för hemgång.")
    page.get_by_role("button", name="Registrera").click()
    page.wait_for_load_state()
    browser_page.check()
    report = DischargeReport.objects.get()
    assert report.call_at == call.replace(second=0, microsecond=0)
    assert page.get_by_text("Telefonrapport", exact=True).first.is_visible()
    browser_page.goto(f"/org/region-a/enhet/avd-12/betalningsansvar/?outage={outage.code}")
    assert page.get_by_text("Tolvan Tolvansson").is_visible()
