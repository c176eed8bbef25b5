"""Browser test with axe: a publisher writes a notice's final update and keeps the notice
after its outage; the notice list shows it as kept (issue 12)."""

from __future__ import annotations

import datetime as dt

import pytest

from reservrutin.accounts.models import Membership, Organisation
from reservrutin.lib import clock
from reservrutin.outages.models import Outage
from reservrutin.registry.demo.load import load
from reservrutin.statuspage.actions import create_notice
from reservrutin.statuspage.models import Notice
from reservrutin.test import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_publisher_writes_the_final_update_and_keeps_the_notice(browser_page) -> None:
    load()
    org = Organisation.objects.get(key="soderkoping")
    publisher = make_user("pia", "Pia Publicerare")
    Membership.objects.create(user=publisher, organisation=org, role=Membership.Role.PUBLISHER)
    lifecare = org.systems.get(key="lifecare")
    outage = Outage.objects.create(
        organisation=org,
        title="Lifecare går inte att nå",
        started_at=clock.now() - dt.timedelta(hours=1),
        created_at=clock.now(),
        status=Outage.Status.CONFIRMED,
    )
    outage.systems.add(lifecare)
    notice = create_notice(
        org,
        by=publisher,
        title="Lifecare går inte att nå",
        body="Använd reservrutinen.",
        systems=[lifecare],
        outage=outage,
        publish=True,
    )

    browser_page.login("pia", PASSWORD)
    browser_page.goto(f"/org/soderkoping/driftinfo/{notice.code}/")
    page = browser_page.page
    page.get_by_role("textbox", name="Slutbesked").fill("Efterregistrera i Lifecare i kväll.")
    page.get_by_role("button", name="Spara slutbeskedet").click()
    page.wait_for_load_state()
    browser_page.check()
    page.get_by_role("button", name="Behåll efter störningen").click()
    page.wait_for_load_state()
    browser_page.check()
    assert page.get_by_role("button", name="Avsluta när störningen är åtgärdad").is_visible()
    notice.refresh_from_db()
    assert notice.final_update == "Efterregistrera i Lifecare i kväll."
    assert notice.kept_at is not None
    assert notice.status == Notice.Status.PUBLISHED

    browser_page.goto("/org/soderkoping/driftinfo/")
    assert "Behålls efter störningen" in page.content()
