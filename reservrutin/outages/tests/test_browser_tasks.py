"""Browser test of the redesigned task list (issue 12): TES-10 tasks per person with their
progress, ticking one's own with the time it was done on paper, "Jag kan inte" and a
coordinator's takeover. axe runs on every page (conftest ``browser_page``)."""

from __future__ import annotations

import pytest

from reservrutin.lib import clock
from reservrutin.outages import actions
from reservrutin.outages.models import Task
from reservrutin.outages.tests.helpers import load_demo_data, with_password
from reservrutin.registry.models import System
from reservrutin.test import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_ticks_my_own_task_with_the_time_it_was_done_on_paper(browser_page) -> None:
    load_demo_data()
    jonas, mikael = with_password("jonas.strom"), with_password("mikael.sund")
    submitted = actions.submit_report(
        jonas.memberships.first().organisation,
        systems=[System.objects.get(key="tes")],
        fault_type="unreachable",
        extent="everyone",
        idempotency_key="browser-tasks-1",
        reporter=jonas,
    )
    outage = actions.confirm_outage(
        submitted.outage, by=mikael, scenario_key="oplanerat-driftstopp-tes"
    )
    outage = actions.resolve_outage(outage, at=clock.now(), by=mikael)
    started = clock.local(outage.started_at).strftime("%Y-%m-%dT%H:%M")

    browser_page.login("jonas.strom", PASSWORD)
    browser_page.goto(f"/org/linkoping/storningar/{outage.code}/")
    page = browser_page.page
    assert page.get_by_text("0 av 1 klara").first.is_visible()
    mine = page.locator(f"#uppgift-{Task.objects.get(source=Task.Source.RESOLUTION).code}")
    mine.get_by_text("Gjort tidigare, på papper?").click()
    mine.get_by_label("Utfört (om det gjordes tidigare)").fill(started)
    assert mine.get_by_text("Jag kan inte – anmäl frånvaro").is_visible()
    mine.get_by_role("button", name="Markera som klar").click()
    page.wait_for_load_state()
    browser_page.check()
    assert page.get_by_text("1 av 1 klara").first.is_visible()
    assert page.get_by_text("registrerat", exact=False).first.is_visible()

    # A coordinator sees "Ta över steget" on a step that is not theirs.
    browser_page.login("mikael.sund", PASSWORD)
    browser_page.goto(f"/org/linkoping/storningar/{outage.code}/")
    step = page.locator("details:has-text('Ta över steget')").first
    step.locator("summary").click()
    step.get_by_label("Varför tar du över? (står i tidslinjen)").fill("Ingen medarbetare nås")
    step.get_by_role("button", name="Ta över").click()
    page.wait_for_load_state()
    browser_page.check()
    assert page.get_by_text("Ingen medarbetare nås", exact=False).first.is_visible()
