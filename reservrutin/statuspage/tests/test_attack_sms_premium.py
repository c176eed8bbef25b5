"""Attack (issue 14): SMS pumping. Premium-rate, satellite and foreign numbers are refused
on the public form before any code is queued; an organisation may opt in to the mobile
numbers of named countries, never to paid or satellite numbers."""

from __future__ import annotations

from reservrutin.notifications.models import OutboxMessage
from reservrutin.statuspage.models import SubscribeAttempt, Subscription
from reservrutin.test import BaseTestCase, make_user

URL = "/status/org-a/prenumerera/"
PUMPED = ["+1 900 555 0123", "+881 6 1234 5678", "+882 3456 7890", "+252 61 234 5678"]


class PremiumNumberTests(BaseTestCase):
    def post(self, number: str):  # type: ignore[no-untyped-def]
        return self.client.post(
            URL, {"channel": "sms", "address": number, "triggers": ["resolved"]}
        )

    def test_premium_satellite_and_foreign_numbers_are_refused_with_a_reason(self) -> None:
        for number in PUMPED:
            with self.subTest(number=number):
                response = self.post(number)
                self.assertEqual(response.status_code, 400)
                self.assertContains(response, "Vi skickar", status_code=400)
                self.assertContains(response, f'value="{number}"', status_code=400)
        self.assertFalse(Subscription.objects.exists())
        self.assertFalse(OutboxMessage.objects.exists())

    def test_refused_numbers_are_listed_for_the_administrator(self) -> None:
        for number in PUMPED:
            self.post(number)
        refused = SubscribeAttempt.objects.filter(outcome=SubscribeAttempt.Outcome.REFUSED)
        self.assertEqual(
            sorted(refused.values_list("reason", flat=True)),
            ["sms_country", "sms_non_geographic", "sms_non_geographic", "sms_premium"],
        )
        self.client.force_login(make_user("root", is_superuser=True, is_staff=True))
        response = self.client.get("/admin/statuspage/subscribeattempt/?outcome=refused")
        self.assertContains(response, "+1 900 555 0123")

    def test_an_opt_in_allows_a_countrys_mobiles_but_never_paid_numbers(self) -> None:
        self.org_a.sms_country_codes = "252, 1"
        self.org_a.save(update_fields=["sms_country_codes"])
        self.assertEqual(self.post("+252 61 234 5678").status_code, 302)
        self.assertEqual(self.post("+1 900 555 0123").status_code, 400)
        self.assertEqual(
            list(Subscription.objects.values_list("address", flat=True)), ["+252612345678"]
        )
        self.assertEqual(OutboxMessage.objects.get().recipient, "+252612345678")

    def test_a_swedish_mobile_number_gets_its_code(self) -> None:
        self.assertEqual(self.post("070-123 45 67").status_code, 302)
        self.assertEqual(OutboxMessage.objects.get().recipient, "+46701234567")
