"""A webhook's host name is looked up only after the attempt is counted against the rate
limit (issue 14): a flood of made-up hosts meets the limit instead of our resolver, and an
address that fails the lookup still counts."""

from __future__ import annotations

from unittest import mock

from django.conf import settings
from django.core.exceptions import ValidationError

from reservrutin.lib import safehttp
from reservrutin.statuspage import subscriptions
from reservrutin.statuspage.models import SubscribeAttempt, Subscription
from reservrutin.test import BaseTestCase


class WebhookLookupOrderTests(BaseTestCase):
    def subscribe(self, host: str) -> subscriptions.SubscribeResult:
        return subscriptions.subscribe(
            self.org_a, channel="webhook", address=f"https://{host}/hook", ip="203.0.113.9"
        )

    def test_a_limited_client_causes_no_lookup(self) -> None:
        with mock.patch.object(
            safehttp, "resolve_allowed", side_effect=safehttp.ConnectionFailed("no such host")
        ) as lookup:
            for n in range(settings.SUBSCRIBE_PER_CLIENT_PER_HOUR):
                with self.assertRaises(ValidationError):
                    self.subscribe(f"h{n}.invalid")
            self.assertEqual(lookup.call_count, settings.SUBSCRIBE_PER_CLIENT_PER_HOUR)
            with self.assertRaises(subscriptions.RateLimited):
                self.subscribe("one-more.invalid")
            self.assertEqual(lookup.call_count, settings.SUBSCRIBE_PER_CLIENT_PER_HOUR)
        # Failed lookups counted: the attempts were committed before the lookup; the refused
        # one is kept too, for the admin.
        limited = SubscribeAttempt.objects.filter(outcome=SubscribeAttempt.Outcome.LIMITED)
        self.assertEqual(limited.count(), 1)
        self.assertEqual(
            SubscribeAttempt.objects.exclude(pk__in=limited).count(),
            settings.SUBSCRIBE_PER_CLIENT_PER_HOUR,
        )
        self.assertFalse(Subscription.objects.exists())

    def test_a_malformed_address_is_refused_without_lookup(self) -> None:
        with mock.patch.object(safehttp, "resolve_allowed") as lookup:
            for address in (
                "ftp://x.example/",
                "https://user:pw@x.example/",
                "https://x:99999999/",
            ):
                with self.subTest(address=address), self.assertRaises(ValidationError):
                    subscriptions.subscribe(self.org_a, channel="webhook", address=address)
        lookup.assert_not_called()
        self.assertFalse(SubscribeAttempt.objects.exists())

    def test_an_allowed_host_subscribes(self) -> None:
        with mock.patch.object(safehttp, "resolve_allowed") as lookup:
            result = self.subscribe("hooks.example.org")
        lookup.assert_called_once_with("hooks.example.org", 443)
        self.assertEqual(result.subscription.status, Subscription.Status.ACTIVE)
