"""Browser tests: subscribe by e-mail through the confirmation link (read from the outbox
row, LMN-03) and unsubscribe in one click; a coordinator registers a key person and
schedules a service window. axe finds nothing on any page."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from reservrutin.accounts.models import Membership, Organisation
from reservrutin.notifications.models import OutboxMessage
from reservrutin.registry.models import System
from reservrutin.statuspage import subscriptions
from reservrutin.statuspage.models import PlannedWindow, Subscription
from reservrutin.test import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def path_of(url: str) -> str:
    return urlsplit(url).path


@pytest.fixture
def organisation() -> Organisation:
    org = Organisation.objects.create(
        key="soderkoping", name="Söderköpings kommun", kind="municipality"
    )
    System.objects.create(organisation=org, key="lifecare", name="Lifecare")
    return org


def test_it_subscribes_by_email_confirms_and_unsubscribes_in_one_click(
    browser_page, organisation: Organisation
) -> None:
    page = browser_page.page
    browser_page.goto("/status/soderkoping/prenumerera/")
    page.get_by_label("Adress").fill("eva@example.org")
    page.get_by_role("button", name="Prenumerera").click()
    page.wait_for_load_state()
    browser_page.check()
    assert page.get_by_text("Vi har skickat en länk till eva@example.org").is_visible()

    message = OutboxMessage.objects.get(recipient="eva@example.org")
    link = re.search(r"https?://\S+/bekrafta/\S+/", message.body).group(0)
    browser_page.goto(path_of(link))
    page.get_by_role("button", name="Bekräfta").click()
    page.wait_for_load_state()
    browser_page.check()
    assert page.get_by_role("heading", level=1).inner_text() == "Prenumerationen är aktiv"
    sub = Subscription.objects.get()
    assert sub.status == Subscription.Status.ACTIVE

    browser_page.goto(path_of(subscriptions.unsubscribe_url(sub)))
    page.get_by_role("button", name="Avsluta prenumerationen").click()
    page.wait_for_load_state()
    browser_page.check()
    assert page.get_by_role("heading", level=1).inner_text() == "Prenumerationen är avslutad"
    sub.refresh_from_db()
    assert sub.status == Subscription.Status.UNSUBSCRIBED


def test_bad_input_keeps_what_was_typed(browser_page, organisation: Organisation) -> None:
    page = browser_page.page
    browser_page.goto("/status/soderkoping/prenumerera/")
    page.get_by_label("SMS").check()
    page.get_by_label("Adress").fill("ring mig")
    page.get_by_role("button", name="Prenumerera").click()
    page.wait_for_load_state()
    # The 400 answer is expected here; only axe and the page content matter.
    browser_page.console.clear()
    browser_page.check()
    assert page.get_by_label("Adress").input_value() == "ring mig"
    assert page.get_by_text("mobilnummer").first.is_visible()


def test_a_coordinator_registers_a_key_person_and_plans_a_window(
    browser_page, organisation: Organisation
) -> None:
    user = make_user("sara", "Sara Samordnare")
    Membership.objects.create(user=user, organisation=organisation, role="coordinator")
    browser_page.login("sara", PASSWORD)
    page = browser_page.page
    browser_page.goto("/org/soderkoping/prenumeranter/")
    page.get_by_label("Adress").fill("chef@privat-utforare.example")
    page.get_by_label("Vem eller vad").fill("Chef, privat utförare")
    page.get_by_label("Påminnelse om planerat avbrott").check()
    page.get_by_role("button", name="Lägg till").click()
    page.wait_for_load_state()
    browser_page.check()
    assert page.get_by_role(
        "rowheader", name=re.compile("chef@privat-utforare.example")
    ).is_visible()

    browser_page.goto("/org/soderkoping/planerat/")
    page.get_by_label("Rubrik").fill("Servicefönster")
    page.get_by_label("Lifecare").check()
    page.get_by_label("Typ").select_option("service_window")
    page.get_by_label("Börjar").fill("2030-01-01T10:00")
    page.get_by_label("Slutar").fill("2030-01-01T12:00")
    page.get_by_label("Upprepning (RRULE)").fill("FREQ=MONTHLY;BYDAY=+2WE")
    page.get_by_label("Påverkan").fill("Omstart 5–10 minuter.")
    page.get_by_role("button", name="Planera").click()
    page.wait_for_load_state()
    browser_page.check()
    assert PlannedWindow.objects.get().occurrences.count() == 12
    assert page.get_by_role("rowheader", name="Servicefönster").first.is_visible()
