"""Browser tests: the public status page and publishing a notice, with axe."""

from __future__ import annotations

import pytest

from reservrutin.accounts.models import Membership, Organisation
from reservrutin.registry.demo.load import load
from reservrutin.statuspage.models import Notice
from reservrutin.test import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_publishes_a_notice_that_appears_on_the_public_page(browser_page) -> None:
    load()
    org = Organisation.objects.get(key="soderkoping")
    publisher = make_user("pia", "Pia Publicerare")
    Membership.objects.create(user=publisher, organisation=org, role=Membership.Role.PUBLISHER)

    browser_page.goto("/status/soderkoping/")
    page = browser_page.page
    assert "Alla system fungerar som vanligt." in page.content()

    browser_page.login("pia", PASSWORD)
    browser_page.goto("/org/soderkoping/driftinfo/ny/")
    page.get_by_label("Rubrik").fill("Lifecare går inte att nå")
    page.get_by_label("Text").fill("Använd reservrutinen. Nästa besked kl. 11.")
    page.get_by_label("Allvarlighet").select_option("outage")
    page.get_by_label("Lifecare", exact=True).check()
    page.get_by_role("button", name="Förhandsvisa").click()
    browser_page.check()
    assert page.get_by_role("heading", name="Förhandsvisning").is_visible()
    page.get_by_role("button", name="Publicera").click()
    page.wait_for_load_state()
    browser_page.check()
    assert Notice.objects.get().status == Notice.Status.PUBLISHED

    browser_page.goto("/status/soderkoping/")
    assert page.get_by_role("heading", name="Aktuell driftinformation").is_visible()
    assert "Lifecare går inte att nå" in page.content()
    browser_page.goto("/status/soderkoping/en/")
    # The widget an intranet shows in an iframe passes axe too (landmarks included).
    browser_page.goto("/status/soderkoping/widget/")
    assert "Lifecare går inte att nå" in page.content()


def test_sod_10_systems_that_log_in_through_a_broken_service_show_as_affected(
    browser_page,
) -> None:
    load()
    org = Organisation.objects.get(key="soderkoping")
    admin = make_user("adam", "Adam Admin")
    Membership.objects.create(user=admin, organisation=org, role=Membership.Role.ORG_ADMIN)
    from reservrutin.registry.models import System
    from reservrutin.statuspage import actions

    notice = actions.create_notice(
        org,
        by=admin,
        title="Det går inte att logga in",
        body="IT ställer om till AD-inloggning (SOD-10).",
        systems=[System.objects.get(organisation=org, key="saml-ad-login")],
        severity=Notice.Severity.OUTAGE,
        publish=True,
    )
    browser_page.goto("/status/soderkoping/")  # axe: the new label has enough contrast
    page = browser_page.page
    lifecare = page.locator("ul.sys li", has_text="Lifecare").first
    assert lifecare.locator(".st").inner_text() == "Påverkas"
    cause = lifecare.get_by_role("link", name="Påverkas av avbrott i SAML- och AD-inloggning")
    assert "(inloggning)" in lifecare.locator(".dep").first.inner_text()
    cause.click()
    assert page.url.endswith(f"#n-{notice.code}")
    browser_page.goto("/status/soderkoping/system/lifecare/")
    assert "Det går inte att logga in" in page.content()
    assert page.locator("p.summary").inner_text().startswith("Systemet påverkas")
