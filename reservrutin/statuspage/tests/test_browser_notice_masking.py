"""Browser test: a publisher who types an identity number is warned, sees what will be
masked (axe-checked), and publishes the masked text (issue 14)."""

from __future__ import annotations

import pytest

from reservrutin.accounts.models import Membership, Organisation
from reservrutin.registry.demo.load import load
from reservrutin.statuspage.models import Notice
from reservrutin.test import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_publisher_is_warned_before_a_number_is_published_masked(browser_page) -> None:
    load()
    org = Organisation.objects.get(key="soderkoping")
    publisher = make_user("pia", "Pia Publicerare")
    Membership.objects.create(user=publisher, organisation=org, role=Membership.Role.PUBLISHER)
    browser_page.login("pia", PASSWORD)
    browser_page.goto("/org/soderkoping/driftinfo/ny/")
    page = browser_page.page
    page.get_by_label("Rubrik").fill("Lifecare går inte att nå")
    page.get_by_label("Text").fill("Gäller patient 19121212-1212. Ring 0121-184 99.")
    page.get_by_label("Allvarlighet").select_option("outage")
    page.get_by_label("Lifecare", exact=True).check()
    page.get_by_role("button", name="Publicera").click()
    page.wait_for_load_state()
    browser_page.check()
    assert page.get_by_role("heading", name="Personnummer maskeras").is_visible()
    assert "19121212-1212 → 19121212-****" in page.content()
    assert page.get_by_label("Text").input_value().startswith("Gäller patient 19121212-1212.")
    assert not Notice.objects.exists()
    page.get_by_role("button", name="Publicera").click()
    page.wait_for_load_state()
    assert Notice.objects.get().status == Notice.Status.PUBLISHED
    browser_page.goto("/status/soderkoping/")
    assert "Gäller patient 19121212-****." in page.content()
    assert "19121212-1212" not in page.content()
