from __future__ import annotations

import base64
import hashlib
import hmac

from django.test import SimpleTestCase

from reservrutin.lib.signing import (
    InvalidWebhookSignature,
    generate_webhook_secret,
    verify_webhook,
    webhook_headers,
)


class WebhookSigningTests(SimpleTestCase):
    secret = generate_webhook_secret()

    def test_it_signs_as_the_standard_webhooks_spec_says(self) -> None:
        headers = webhook_headers(self.secret, "msg_1", b'{"a":1}', timestamp=1700000000)
        key = base64.b64decode(self.secret.removeprefix("whsec_"))
        expected = base64.b64encode(
            hmac.new(key, b'msg_1.1700000000.{"a":1}', hashlib.sha256).digest()
        ).decode()
        self.assertEqual(headers["webhook-signature"], f"v1,{expected}")
        self.assertEqual(headers["webhook-timestamp"], "1700000000")

    def test_it_verifies_and_returns_the_id(self) -> None:
        headers = webhook_headers(self.secret, "msg_1", b"{}", timestamp=1700000000)
        self.assertEqual(verify_webhook(self.secret, headers, b"{}", now=1700000010), "msg_1")

    def test_it_accepts_one_of_several_signatures(self) -> None:
        headers = webhook_headers(self.secret, "msg_1", b"{}", timestamp=1700000000)
        headers["webhook-signature"] = "v1,b2xk " + headers["webhook-signature"]
        verify_webhook(self.secret, headers, b"{}", now=1700000000)

    def test_it_rejects_tampering_stale_timestamps_and_other_secrets(self) -> None:
        headers = webhook_headers(self.secret, "msg_1", b"{}", timestamp=1700000000)
        cases = [
            (self.secret, headers, b'{"x":1}', 1700000000),
            (self.secret, headers, b"{}", 1700000000 + 301),
            (generate_webhook_secret(), headers, b"{}", 1700000000),
            (self.secret, {}, b"{}", 1700000000),
        ]
        for secret, hdrs, body, now in cases:
            with self.subTest(body=body, now=now), self.assertRaises(InvalidWebhookSignature):
                verify_webhook(secret, hdrs, body, now=now)
