"""Subscribers' messages actually arrive: e-mail at a real SMTP server with one-click
unsubscribe headers (LMN-03), signed webhooks with the subscription's own secret, SMS at a
loopback gateway (SOD-06) and Teams cards, all through the outbox worker."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

from django.test import override_settings

from reservrutin.lib.signing import verify_webhook
from reservrutin.notifications.models import OutboxMessage
from reservrutin.notifications.tests.helpers import OutboxTestCase
from reservrutin.notifications.worker import send_one
from reservrutin.statuspage import actions, subscriptions
from reservrutin.statuspage.models import Notice
from reservrutin.test import BaseTestCase


def drain() -> int:
    sent = 0
    while send_one():
        sent += 1
    return sent


@override_settings(SITE_URL="https://driftinfo.example")
class DeliveryTests(BaseTestCase, OutboxTestCase):
    def publish(self) -> Notice:
        return actions.create_notice(
            self.org_a,
            by=self.petra,
            title="Journalsystemet är otillgängligt",
            body="Använd reservrutinen.",
            systems=[self.system_a],
            publish=True,
        )

    def test_email_subscription_lmn_03_arrives_with_list_unsubscribe(self) -> None:
        smtp = self.smtp_server()
        with override_settings(
            EMAIL_TRANSPORT="smtp", EMAIL_HOST="127.0.0.1", EMAIL_PORT=smtp.port
        ):
            sub = subscriptions.subscribe(
                self.org_a, channel="email", address="eva@example.org"
            ).subscription
            self.assertEqual(drain(), 1)
            [confirmation] = smtp.handler.messages()
            self.assertIn("/prenumerera/bekrafta/", confirmation.get_body(("plain",)).get_content())
            subscriptions.confirm_subscription(subscriptions.confirm_token(sub))
            self.publish()
            self.assertEqual(drain(), 1)
        received = smtp.handler.messages()[1]
        self.assertEqual(received["To"], "eva@example.org")
        # A long header is folded; the unfolded value starts after whitespace. The token is
        # signed with the time it was made, so compare what it unsubscribes, not its text.
        header = str(received["List-Unsubscribe"]).strip()
        prefix = subscriptions.unsubscribe_url(sub).rsplit("/", 2)[0] + "/"
        self.assertTrue(header.startswith(f"<{prefix}") and header.endswith("/>"), header)
        token = header[len(prefix) + 1 : -2]
        self.assertEqual(
            subscriptions.subscription_from_token(token, salt=subscriptions.UNSUBSCRIBE_SALT), sub
        )
        self.assertEqual(received["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click")
        self.assertIn("Journalsystemet", str(received["Subject"]))
        self.assertIn("Använd reservrutinen.", received.get_body(("plain",)).get_content())
        self.assertIn("<h1>", received.get_body(("html",)).get_content())

    def test_webhook_arrives_signed_with_the_subscriptions_secret_and_verifies(self) -> None:
        receiver = self.receiver()
        result = subscriptions.subscribe(self.org_a, channel="webhook", address=receiver.url)
        notice = self.publish()
        self.assertEqual(drain(), 1)
        [request] = receiver.requests
        msg_id = verify_webhook(result.webhook_secret, request.headers, request.body)
        self.assertEqual(msg_id, f"notice:{notice.code}:new_outage:r0:sub:{result.subscription.pk}")
        self.assertNotIn("webhook_secret", request.headers)
        document = json.loads(request.body)
        self.assertEqual(document["type"], "notice.new_outage")
        self.assertEqual(document["id"], msg_id)
        self.assertEqual(document["notice"]["code"], str(notice.code))
        self.assertEqual(document["notice"]["systems"], [{"key": "system-a", "name": "System A"}])
        self.assertEqual(document["organisation"], {"key": "org-a", "name": "Region A"})
        self.assertFalse(document["exercise"])
        self.assertTrue(document["unsubscribe_url"].startswith("https://driftinfo.example/"))

    def test_sms_code_and_notice_arrive_at_the_gateway_sod_06(self) -> None:
        gateway = self.receiver(default=(200, b'{"id": "s1"}'))
        with override_settings(SMS_GATEWAY_URL=gateway.url):
            sub = subscriptions.subscribe(
                self.org_a, channel="sms", address="070-123 45 67"
            ).subscription
            drain()
            code_sms = parse_qs(gateway.requests[0].body.decode())
            self.assertEqual(code_sms["to"], ["+46701234567"])
            code = code_sms["message"][0].rsplit(" ", 1)[1]
            subscriptions.confirm_sms_code(sub, code)
            self.publish()
            self.assertEqual(drain(), 1)
        form = parse_qs(gateway.requests[1].body.decode())
        self.assertIn("Region A: Driftstörning: Journalsystemet", form["message"][0])
        self.assertIn("/status/avsluta/", form["message"][0])

    def test_teams_gets_a_card(self) -> None:
        receiver = self.receiver()
        subscriptions.subscribe(self.org_a, channel="teams", address=receiver.url)
        self.publish()
        self.assertEqual(drain(), 1)
        card = json.loads(receiver.requests[0].body)
        content = card["attachments"][0]["content"]
        self.assertEqual(content["type"], "AdaptiveCard")
        self.assertIn("Journalsystemet", content["body"][0]["text"])
        self.assertEqual(OutboxMessage.objects.get().status, OutboxMessage.Status.SENT)
