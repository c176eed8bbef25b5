"""Subscribing, confirming, unsubscribing and registering (LMN-03, SOD-03, SOD-06)."""

from __future__ import annotations

import datetime as dt
import re

import time_machine
from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from reservrutin.accounts.models import Unit
from reservrutin.audit.models import AuditEvent
from reservrutin.notifications.models import OutboxMessage
from reservrutin.registry.actions import link_system_to_unit
from reservrutin.statuspage import fanout, subscriptions
from reservrutin.statuspage.models import Subscription
from reservrutin.test import BaseTestCase

NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


def sms_code_from_outbox(sub: Subscription) -> str:
    message = OutboxMessage.objects.filter(kind="sms", recipient=sub.address).latest("id")
    return re.search(r"\b(\d{6})\b", message.body).group(1)


@override_settings(OUTBOUND_ALLOW=["127.0.0.1/32"], SITE_URL="https://driftinfo.example")
class SubscribeByEmailTests(BaseTestCase):
    def test_it_makes_a_pending_subscription_and_enqueues_a_confirmation_link_lmn_03(self) -> None:
        result = subscriptions.subscribe(self.org_a, channel="email", address="Eva@Example.ORG")
        sub = result.subscription
        self.assertEqual(sub.status, Subscription.Status.PENDING)
        self.assertEqual(sub.address, "Eva@example.org")
        [message] = OutboxMessage.objects.filter(kind="email")
        self.assertEqual(message.recipient, "Eva@example.org")
        self.assertIn("https://driftinfo.example/status/org-a/prenumerera/bekrafta/", message.body)
        self.assertIn("Bekräfta", message.subject)

    def test_the_confirmation_link_activates_once_and_is_signed_with_its_salt(self) -> None:
        sub = subscriptions.subscribe(
            self.org_a, channel="email", address="eva@example.org"
        ).subscription
        token = subscriptions.confirm_token(sub)
        self.assertEqual(signing.loads(token, salt="statuspage.confirm"), str(sub.code))
        confirmed = subscriptions.confirm_subscription(token)
        self.assertEqual(confirmed.status, Subscription.Status.ACTIVE)
        self.assertIsNotNone(confirmed.confirmed_at)
        # Following the link again changes nothing.
        self.assertEqual(
            subscriptions.confirm_subscription(token).confirmed_at, confirmed.confirmed_at
        )

    def test_it_refuses_an_unsubscribe_token_as_a_confirmation(self) -> None:
        sub = subscriptions.subscribe(
            self.org_a, channel="email", address="eva@example.org"
        ).subscription
        with self.assertRaises(ValidationError):
            subscriptions.confirm_subscription(subscriptions.unsubscribe_token(sub))

    def test_the_confirmation_link_expires(self) -> None:
        with time_machine.travel(NOW, tick=False) as traveller:
            sub = subscriptions.subscribe(
                self.org_a, channel="email", address="eva@example.org"
            ).subscription
            token = subscriptions.confirm_token(sub)
            traveller.shift(subscriptions.CONFIRM_MAX_AGE + dt.timedelta(minutes=1))
            with self.assertRaises(ValidationError):
                subscriptions.confirm_subscription(token)
        sub.refresh_from_db()
        self.assertEqual(sub.status, Subscription.Status.PENDING)

    def test_unsubscribe_needs_only_the_token(self) -> None:
        sub = subscriptions.subscribe(
            self.org_a, channel="email", address="eva@example.org"
        ).subscription
        subscriptions.confirm_subscription(subscriptions.confirm_token(sub))
        done = subscriptions.unsubscribe(subscriptions.unsubscribe_token(sub))
        self.assertEqual(done.status, Subscription.Status.UNSUBSCRIBED)
        self.assertTrue(AuditEvent.objects.filter(action="statuspage.unsubscribe").exists())

    def test_a_second_request_for_an_active_address_sends_nothing(self) -> None:
        sub = subscriptions.subscribe(
            self.org_a, channel="email", address="eva@example.org"
        ).subscription
        subscriptions.confirm_subscription(subscriptions.confirm_token(sub))
        again = subscriptions.subscribe(self.org_a, channel="email", address="eva@example.org")
        self.assertEqual(again.subscription.pk, sub.pk)
        self.assertEqual(OutboxMessage.objects.count(), 1)


@override_settings(OUTBOUND_ALLOW=["127.0.0.1/32"])
class BadInputTests(BaseTestCase):
    def assert_error(self, field: str, **kwargs: object) -> str:
        with self.assertRaises(ValidationError) as ctx:
            subscriptions.subscribe(self.org_a, **kwargs)  # type: ignore[arg-type]
        self.assertIn(field, ctx.exception.error_dict)
        return " ".join(ctx.exception.error_dict[field][0].messages)

    def test_it_explains_a_malformed_email(self) -> None:
        self.assertIn("e-postadress", self.assert_error("address", channel="email", address="eva@"))

    def test_it_explains_a_malformed_phone(self) -> None:
        self.assertIn(
            "mobilnummer", self.assert_error("address", channel="sms", address="ring mig")
        )

    def test_it_explains_a_malformed_url(self) -> None:
        self.assertIn(
            "https://", self.assert_error("address", channel="webhook", address="ftp://x")
        )

    def test_it_refuses_a_webhook_to_an_internal_address_without_traffic(self) -> None:
        for url in ["http://169.254.169.254/latest", "https://10.1.2.3/hook", "http://[::1]/x"]:
            message = self.assert_error("address", channel="webhook", address=url)
            self.assertIn("internt nät", message)
        self.assertFalse(Subscription.objects.exists())

    def test_it_needs_a_trigger_and_a_system_of_the_organisation(self) -> None:
        self.assert_error("triggers", channel="email", address="eva@example.org", triggers=[])
        self.assert_error(
            "system",
            channel="email",
            address="eva@example.org",
            scope="system",
            system=self.system_b,
        )


class RateLimitTests(BaseTestCase):
    @override_settings(
        SUBSCRIBE_CONFIRMATIONS_PER_TARGET_PER_HOUR=3, SUBSCRIBE_CONFIRMATION_COOLDOWN_MINUTES=10
    )
    def test_it_limits_confirmations_per_address_with_a_cooldown_between(self) -> None:
        def subscribe() -> None:
            subscriptions.subscribe(self.org_a, channel="email", address="eva@example.org")

        with time_machine.travel(NOW, tick=False) as traveller:
            subscribe()
            with self.assertRaisesMessage(subscriptions.RateLimited, "nyss skickat"):
                subscribe()
            for _ in range(2):
                traveller.shift(dt.timedelta(minutes=11))
                subscribe()
            traveller.shift(dt.timedelta(minutes=11))
            with self.assertRaisesMessage(subscriptions.RateLimited, "För många försök"):
                subscribe()
            traveller.shift(dt.timedelta(hours=1))
            subscribe()
        self.assertEqual(OutboxMessage.objects.count(), 4)

    def test_it_limits_per_ip_per_hour(self) -> None:
        with time_machine.travel(NOW, tick=False):
            for i in range(settings.SUBSCRIBE_PER_CLIENT_PER_HOUR):
                subscriptions.subscribe(
                    self.org_a, channel="email", address=f"p{i}@example.org", ip="192.0.2.7"
                )
            with self.assertRaises(subscriptions.RateLimited):
                subscriptions.subscribe(
                    self.org_a, channel="email", address="ny@example.org", ip="192.0.2.7"
                )
            subscriptions.subscribe(
                self.org_a, channel="email", address="ny@example.org", ip="192.0.2.8"
            )


class SmsCodeTests(BaseTestCase):
    def test_the_code_is_stored_hashed_and_activates(self) -> None:
        sub = subscriptions.subscribe(
            self.org_a, channel="sms", address="070-123 45 67"
        ).subscription
        self.assertEqual(sub.address, "+46701234567")
        code = sms_code_from_outbox(sub)
        sub.refresh_from_db()
        self.assertNotIn(code, sub.confirm_code_hash)
        self.assertEqual(len(sub.confirm_code_hash), 64)
        self.assertEqual(
            subscriptions.confirm_sms_code(sub, code).status, Subscription.Status.ACTIVE
        )

    def test_wrong_codes_count_and_run_out(self) -> None:
        sub = subscriptions.subscribe(
            self.org_a, channel="sms", address="+46701234567"
        ).subscription
        code = sms_code_from_outbox(sub)
        wrong = "000000" if code != "000000" else "111111"
        for left in range(subscriptions.SMS_CODE_MAX_ATTEMPTS - 1, -1, -1):
            with self.assertRaisesMessage(ValidationError, f"{left} försök kvar"):
                subscriptions.confirm_sms_code(sub, wrong)
        with self.assertRaisesMessage(ValidationError, "För många"):
            subscriptions.confirm_sms_code(sub, code)
        sub.refresh_from_db()
        self.assertEqual(sub.status, Subscription.Status.PENDING)

    def test_the_code_expires(self) -> None:
        with time_machine.travel(NOW, tick=False) as traveller:
            sub = subscriptions.subscribe(
                self.org_a, channel="sms", address="+46701234567"
            ).subscription
            code = sms_code_from_outbox(sub)
            traveller.shift(subscriptions.SMS_CODE_VALID + dt.timedelta(seconds=1))
            with self.assertRaisesMessage(ValidationError, "gått ut"):
                subscriptions.confirm_sms_code(sub, code)


@override_settings(OUTBOUND_ALLOW=["127.0.0.1/32"])
class WebhookAndTeamsTests(BaseTestCase):
    def test_a_webhook_is_active_at_once_with_its_own_secret(self) -> None:
        result = subscriptions.subscribe(
            self.org_a, channel="webhook", address="http://127.0.0.1:9/hook"
        )
        self.assertTrue(result.webhook_secret.startswith("whsec_"))
        self.assertEqual(result.subscription.status, Subscription.Status.ACTIVE)
        other = subscriptions.subscribe(
            self.org_a, channel="webhook", address="http://127.0.0.1:9/other"
        )
        self.assertNotEqual(other.webhook_secret, result.webhook_secret)

    def test_teams_has_no_secret(self) -> None:
        result = subscriptions.subscribe(
            self.org_a, channel="teams", address="http://127.0.0.1:9/t"
        )
        self.assertEqual(result.webhook_secret, "")


class RegisterSubscriberTests(BaseTestCase):
    def test_a_coordinator_registers_a_key_person_without_opt_in_sod_06(self) -> None:
        result = subscriptions.register_subscriber(
            self.org_a,
            by=self.carl,
            channel="email",
            address="it-funktion@region-a.example",
            label="Funktionsbrevlåda IT",
            triggers=["new_outage", "resolved"],
        )
        sub = result.subscription
        self.assertEqual(sub.status, Subscription.Status.ACTIVE)
        self.assertEqual(sub.registered_by, self.carl)
        event = AuditEvent.objects.get(action="statuspage.subscriber_registered")
        self.assertEqual(event.actor, self.carl)
        self.assertEqual(event.detail["recipient"], "it-funktion@region-a.example")
        self.assertFalse(OutboxMessage.objects.exists())

    def test_a_private_providers_manager_by_sms_for_planned_outages_sod_03(self) -> None:
        sub = subscriptions.register_subscriber(
            self.org_a,
            by=self.adam,
            channel="sms",
            address="0701234567",
            label="Chef, privat utförare",
            triggers=["planned_announced", "planned_reminder"],
        ).subscription
        self.assertEqual(sub.address, "+46701234567")

    def test_others_may_not_register_or_remove(self) -> None:
        for user in [self.alice, self.petra, self.maria, self.bob]:
            with self.assertRaises(PermissionDenied):
                subscriptions.register_subscriber(
                    self.org_a,
                    by=user,
                    channel="email",
                    address="x@example.org",
                    triggers=["resolved"],
                )
        sub = subscriptions.register_subscriber(
            self.org_a,
            by=self.carl,
            channel="email",
            address="x@example.org",
            triggers=["resolved"],
        ).subscription
        with self.assertRaises(PermissionDenied):
            subscriptions.remove_subscriber(sub, by=self.alice)
        removed = subscriptions.remove_subscriber(sub, by=self.carl)
        self.assertEqual(removed.status, Subscription.Status.UNSUBSCRIBED)
        self.assertTrue(AuditEvent.objects.filter(action="statuspage.subscriber_removed").exists())

    def test_a_unit_scope_covers_the_units_systems(self) -> None:
        link_system_to_unit(self.unit_a, self.system_a, by=self.adam)
        sub = subscriptions.register_subscriber(
            self.org_a,
            by=self.carl,
            channel="email",
            address="enhet@example.org",
            triggers=["new_outage"],
            scope="unit",
            unit=self.unit_a,
        ).subscription
        self.assertTrue(fanout.covers(sub, {self.system_a.pk}))
        self.assertFalse(fanout.covers(sub, {self.system_b.pk}))
        unit_b = Unit.objects.create(organisation=self.org_b, key="unit-b", name="Enhet B")
        with self.assertRaises(ValidationError):
            subscriptions.register_subscriber(
                self.org_a, by=self.carl, channel="email", address="e@example.org",
                triggers=["new_outage"], scope="unit", unit=unit_b,
            )  # fmt: skip


class PendingAgainTests(BaseTestCase):
    def test_asking_again_while_pending_reuses_the_row_and_sends_a_new_link(self) -> None:
        with time_machine.travel(NOW, tick=False) as traveller:
            first = subscriptions.subscribe(
                self.org_a, channel="email", address="eva@example.org", triggers=["resolved"]
            ).subscription
            traveller.shift(dt.timedelta(minutes=settings.SUBSCRIBE_CONFIRMATION_COOLDOWN_MINUTES))
            again = subscriptions.subscribe(
                self.org_a, channel="email", address="eva@example.org", triggers=["every_update"]
            ).subscription
        self.assertEqual(again.pk, first.pk)
        again.refresh_from_db()
        self.assertEqual(again.triggers, ["every_update"])
        self.assertEqual(OutboxMessage.objects.filter(kind="email").count(), 2)
