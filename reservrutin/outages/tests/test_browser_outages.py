"""Browser tests: the report flow with self-check (SOD-11), the outage page with countdown
and task board, acknowledging an escalation from its link. axe runs on every page."""

from __future__ import annotations

import pytest

from reservrutin.outages import actions, messaging
from reservrutin.outages.models import Report
from reservrutin.outages.tests.factories import make_escalation
from reservrutin.outages.tests.helpers import load_demo_data, with_password
from reservrutin.registry.models import System
from reservrutin.test import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_reports_without_login_after_the_self_check_sod_10_sod_11(browser_page) -> None:
    load_demo_data()
    browser_page.goto("/org/soderkoping/felanmalan/")
    page = browser_page.page
    assert page.get_by_role("heading", name="Kontrollera först").is_visible()
    for group in page.locator("fieldset:has(input[type=radio])").all():
        group.get_by_label("Nej").check()
    page.get_by_label("Lifecare", exact=True).check()
    page.get_by_label("Typ av fel").select_option("cannot_log_in")
    page.get_by_label("Omfattning – vilka har problem?").select_option("my_unit")
    page.get_by_label("Vilken verksamhet har upptäckt felet?").select_option(label="Aspgården")
    page.get_by_label("Ditt namn").fill("Vikarie Vik")
    page.get_by_label("Telefon där vi når dig").fill("070-123 45 67")
    page.get_by_role("button", name="Skicka felanmälan").click()
    page.wait_for_load_state()
    browser_page.check()
    assert page.get_by_role("heading", name="Tack för din felanmälan").is_visible()
    assert page.get_by_role("heading", name="Gör så här nu").is_visible()
    assert page.get_by_text("Anmälan är ännu inte verifierad.").is_visible()
    report = Report.objects.get()
    assert not report.is_verified
    assert len(report.self_check) == 6


def test_it_shows_the_outage_page_with_countdown_and_task_board(browser_page) -> None:
    load_demo_data()
    sara = with_password("sara.holm")
    submitted = actions.submit_report(
        sara.memberships.first().organisation,
        systems=[System.objects.get(key="sesam-lmn")],
        fault_type="unreachable",
        extent="everyone",
        idempotency_key="browser-1",
        reporter=sara,
    )
    outage = actions.confirm_outage(submitted.outage, by=sara, scenario_key="server-oatkomlig")
    browser_page.login("sara.holm", PASSWORD)
    browser_page.goto(f"/org/region-skane/storningar/{outage.code}/")
    page = browser_page.page
    assert "Reservrutinen aktiveras om" in page.locator("#countdown").inner_text()
    assert page.get_by_text("Vi ber dig avvakta").first.is_visible()
    page.get_by_role("button", name="Markera som klar").first.click()
    page.wait_for_load_state()
    browser_page.check()
    assert page.get_by_text("Klar", exact=False).first.is_visible()


def test_it_acknowledges_an_escalation_from_its_link(browser_page) -> None:
    load_demo_data()
    sara = with_password("sara.holm")
    submitted = actions.submit_report(
        sara.memberships.first().organisation,
        systems=[System.objects.get(key="sesam-s2")],
        fault_type="unreachable",
        extent="everyone",
        idempotency_key="browser-2",
        reporter=sara,
    )
    # Who is on duty depends on the real clock here, so the escalation is made directly.
    escalation = make_escalation(submitted.outage, sara)
    browser_page.goto(f"/kvittera/{messaging.ack_token(escalation)}/")
    page = browser_page.page
    page.get_by_role("button", name="Jag har tagit emot meddelandet").click()
    page.wait_for_load_state()
    browser_page.check()
    assert page.get_by_text("Kvitterat").is_visible()
    escalation.refresh_from_db()
    assert escalation.acknowledged_at is not None
