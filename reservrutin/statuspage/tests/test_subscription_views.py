"""The public subscribe, confirm and one-click unsubscribe pages, and the coordinators'
subscriber page with its persona matrix."""

from __future__ import annotations

import re

from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from reservrutin.audit.models import AuditEvent
from reservrutin.notifications.models import OutboxMessage
from reservrutin.statuspage import subscriptions
from reservrutin.statuspage.models import Subscription
from reservrutin.test import BaseTestCase


class PublicSubscribeViewTests(BaseTestCase):
    url = "/status/org-a/prenumerera/"

    def test_it_renders_the_form_without_login(self) -> None:
        response = self.client.get(self.url)
        self.assertContains(response, "Prenumerera på driftinfo från Region A")
        self.assertContains(response, 'name="address"')

    def test_email_subscription_asks_to_check_the_mail(self) -> None:
        response = self.client.post(
            self.url, {"channel": "email", "address": "eva@example.org", "triggers": ["new_outage"]}
        )
        self.assertContains(response, "Vi har skickat en länk till eva@example.org")
        self.assertEqual(Subscription.objects.get().status, Subscription.Status.PENDING)
        self.assertEqual(OutboxMessage.objects.get().recipient, "eva@example.org")

    def test_bad_input_is_explained_and_what_was_typed_stays(self) -> None:
        response = self.client.post(
            self.url, {"channel": "email", "address": "eva(at)example", "triggers": ["resolved"]}
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Skriv en e-postadress", status_code=400)
        self.assertContains(response, 'value="eva(at)example"', status_code=400)
        self.assertFalse(Subscription.objects.exists())

    @override_settings(OUTBOUND_ALLOW=[])
    def test_a_webhook_to_an_internal_address_is_a_form_error(self) -> None:
        response = self.client.post(
            self.url,
            {"channel": "webhook", "address": "http://127.0.0.1:8000/x", "triggers": ["resolved"]},
        )
        self.assertContains(response, "internt nät", status_code=400)

    @override_settings(OUTBOUND_ALLOW=["127.0.0.1/32"])
    def test_the_webhook_secret_is_shown_once(self) -> None:
        response = self.client.post(
            self.url,
            {"channel": "webhook", "address": "http://127.0.0.1:9/x", "triggers": ["resolved"]},
        )
        secret = Subscription.objects.get().webhook_secret
        self.assertContains(response, secret)

    def test_the_rate_limit_is_a_form_error_that_keeps_what_was_typed(self) -> None:
        for i in range(settings.SUBSCRIBE_PER_CLIENT_PER_HOUR):
            data = {"channel": "email", "address": f"eva{i}@example.org", "triggers": ["resolved"]}
            self.client.post(self.url, data)
        data = {"channel": "email", "address": "Eva@Example.org", "triggers": ["resolved"]}
        response = self.client.post(self.url, data)
        self.assertContains(response, "För många försök", status_code=400)
        self.assertContains(response, 'value="Eva@Example.org"', status_code=400)

    def test_sms_goes_to_the_code_page_and_the_code_activates(self) -> None:
        response = self.client.post(
            self.url, {"channel": "sms", "address": "070-123 45 67", "triggers": ["resolved"]}
        )
        sub = Subscription.objects.get()
        self.assertRedirects(response, f"/status/org-a/prenumerera/sms/{sub.code}/")
        code = re.search(r"\d{6}", OutboxMessage.objects.get().body).group(0)
        wrong = self.client.post(response["Location"], {"code": "12345x"})
        self.assertEqual(wrong.status_code, 400)
        done = self.client.post(response["Location"], {"code": code})
        self.assertContains(done, "Prenumerationen är aktiv")
        sub.refresh_from_db()
        self.assertEqual(sub.status, Subscription.Status.ACTIVE)

    def test_an_unknown_organisation_is_404(self) -> None:
        self.assertEqual(self.client.get("/status/finns-inte/prenumerera/").status_code, 404)


class ConfirmAndUnsubscribeViewTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.sub = subscriptions.subscribe(
            self.org_a, channel="email", address="eva@example.org"
        ).subscription

    def test_the_confirmation_link_shows_a_button_and_post_activates(self) -> None:
        url = reverse(
            "subscriptions:confirm", args=["org-a", subscriptions.confirm_token(self.sub)]
        )
        self.assertContains(self.client.get(url), "Bekräfta")
        self.sub.refresh_from_db()
        self.assertEqual(self.sub.status, Subscription.Status.PENDING)  # GET alone does nothing
        self.assertContains(self.client.post(url), "Prenumerationen är aktiv")
        self.sub.refresh_from_db()
        self.assertEqual(self.sub.status, Subscription.Status.ACTIVE)

    def test_a_forged_confirmation_link_is_refused(self) -> None:
        url = reverse("subscriptions:confirm", args=["org-a", "abc:def"])
        self.assertContains(self.client.post(url), "ogiltig", status_code=400)

    def test_one_click_unsubscribe_post_works_without_csrf_rfc_8058(self) -> None:
        subscriptions.confirm_subscription(subscriptions.confirm_token(self.sub))
        url = reverse("subscriptions:unsubscribe", args=[subscriptions.unsubscribe_token(self.sub)])
        client = Client(enforce_csrf_checks=True)
        response = client.post(
            url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
        )
        self.assertEqual(response.status_code, 200)
        self.sub.refresh_from_db()
        self.assertEqual(self.sub.status, Subscription.Status.UNSUBSCRIBED)
        # Again: harmless.
        self.assertEqual(client.post(url).status_code, 200)

    def test_get_shows_a_confirm_button_and_changes_nothing(self) -> None:
        url = reverse("subscriptions:unsubscribe", args=[subscriptions.unsubscribe_token(self.sub)])
        response = self.client.get(url)
        self.assertContains(response, "Avsluta prenumerationen")
        self.sub.refresh_from_db()
        self.assertEqual(self.sub.status, Subscription.Status.PENDING)

    def test_a_forged_unsubscribe_token_is_refused(self) -> None:
        url = reverse("subscriptions:unsubscribe", args=[f"{self.sub.code}:forged"])
        self.assertEqual(Client(enforce_csrf_checks=True).post(url).status_code, 400)


class SubscriberListViewTests(BaseTestCase):
    url = "/org/org-a/prenumeranter/"

    def test_persona_matrix(self) -> None:
        self.assert_requires_login(self.url)
        expected = {
            self.carl: 200,  # coordinator
            self.adam: 200,  # organisation admin
            self.alice: 403,
            self.petra: 403,
            self.maria: 403,
            self.bob: 404,  # outsider: cannot even learn it exists
        }
        for user, status in expected.items():
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url).status_code, status)
                self.assertEqual(
                    self.client.post(self.url, {"channel": "email"}).status_code,
                    status if status != 200 else 400,
                )

    def test_a_coordinator_adds_and_removes_a_function_mailbox(self) -> None:
        self.login(self.carl)
        response = self.client.post(
            self.url,
            {
                "channel": "email",
                "address": "it-stod@region-a.example",
                "label": "Funktionsbrevlåda",
                "triggers": ["new_outage", "resolved"],
            },
        )
        self.assertRedirects(response, self.url)
        sub = Subscription.objects.get()
        self.assertEqual((sub.status, sub.registered_by), (Subscription.Status.ACTIVE, self.carl))
        page = self.client.get(self.url)
        self.assertContains(page, "it-stod@region-a.example")
        self.assertContains(page, "Funktionsbrevlåda")

        remove = reverse("subscriptions:subscriber_remove", args=["org-a", sub.code])
        self.client.force_login(self.alice)
        self.assertEqual(self.client.post(remove).status_code, 403)
        self.client.force_login(self.carl)
        self.assertRedirects(self.client.post(remove), self.url)
        sub.refresh_from_db()
        self.assertEqual(sub.status, Subscription.Status.UNSUBSCRIBED)
        self.assertEqual(
            list(AuditEvent.objects.order_by("id").values_list("action", flat=True)),
            ["statuspage.subscriber_registered", "statuspage.subscriber_removed"],
        )

    def test_the_list_does_not_grow_queries_with_rows(self) -> None:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        def add(numbers: range) -> None:
            for i in numbers:
                subscriptions.register_subscriber(
                    self.org_a,
                    by=self.carl,
                    channel="email",
                    address=f"p{i}@example.org",
                    triggers=["resolved"],
                    scope="system",
                    system=self.system_a,
                )

        self.login(self.carl)
        add(range(2))
        self.client.get(self.url)  # the first request after login also touches the session
        with CaptureQueriesContext(connection) as few:
            self.client.get(self.url)
        add(range(2, 9))
        with self.assertNumQueries(len(few.captured_queries)):
            self.assertContains(self.client.get(self.url), "p8@example.org")
