"""Attack (issue 14): subscription bombing. Thirty case and +tag variants of one person's
address, each from its own client behind the trusted proxy, send one confirmation; the rest
are refused with a clear message, and an administrator sees every attempt."""

from __future__ import annotations

from django.test import override_settings

from reservrutin.notifications.models import OutboxMessage
from reservrutin.statuspage.models import SubscribeAttempt
from reservrutin.test import BaseTestCase, make_user

URL = "/status/org-a/prenumerera/"
PROXY = "10.0.0.1"


def variants(local: str, domain: str) -> list[str]:
    """Thirty spellings of one mailbox: each its own mix of capitals, every other one with a
    +tag."""
    out = []
    for n in range(30):
        mixed = "".join(c.upper() if (n >> (i % 5)) & 1 else c for i, c in enumerate(local))
        tag = f"+{n}" if n % 2 else ""
        out.append(f"{mixed}{tag}@{domain.upper() if n % 3 == 0 else domain}")
    return out


@override_settings(TRUSTED_PROXIES=[PROXY], SUBSCRIPTION_PLUS_TAG_DOMAINS=["regionskane.se"])
class SubscriptionFloodTests(BaseTestCase):
    def flood(self, addresses: list[str]) -> list[int]:
        statuses = []
        for n, address in enumerate(addresses):
            response = self.client.post(
                URL,
                {"channel": "email", "address": address, "triggers": ["resolved"]},
                REMOTE_ADDR=PROXY,
                HTTP_X_FORWARDED_FOR=f"198.51.100.{n + 1}",
            )
            statuses.append(response.status_code)
        return statuses

    def test_thirty_variants_of_a_gmail_address_send_one_confirmation(self) -> None:
        addresses = variants("anna.svensson", "gmail.com")
        self.assertEqual(len(set(addresses)), 30)
        statuses = self.flood(addresses)
        self.assertEqual(statuses.count(200), 1)
        self.assertEqual(statuses.count(400), 29)
        self.assertEqual(OutboxMessage.objects.filter(kind="email").count(), 1)

    def test_the_same_holds_for_a_configured_domain(self) -> None:
        self.flood(variants("eva.berg", "regionskane.se"))
        self.assertEqual(OutboxMessage.objects.filter(kind="email").count(), 1)

    def test_the_refusal_says_why_and_keeps_the_address(self) -> None:
        self.flood(["anna@gmail.com"])
        response = self.client.post(
            URL,
            {"channel": "email", "address": "Anna+2@Gmail.com", "triggers": ["resolved"]},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR="198.51.100.200",
        )
        self.assertContains(response, "Vi har nyss skickat en bekräftelse", status_code=400)
        self.assertContains(response, 'value="Anna+2@Gmail.com"', status_code=400)

    def test_an_administrator_sees_every_attempt_and_its_outcome(self) -> None:
        self.flood(variants("anna.svensson", "gmail.com")[:5])
        outcomes = list(SubscribeAttempt.objects.values_list("outcome", flat=True))
        self.assertEqual(sorted(outcomes), ["cooldown"] * 4 + ["sent"])
        self.assertEqual(
            set(SubscribeAttempt.objects.values_list("target", flat=True)),
            {"annasvensson@gmail.com"},
        )
        self.client.force_login(make_user("root", is_superuser=True, is_staff=True))
        response = self.client.get("/admin/statuspage/subscribeattempt/?outcome=cooldown")
        self.assertContains(response, "198.51.100.2")
        self.assertContains(response, "väntetid mellan bekräftelser")
