from __future__ import annotations

import base64
import json
from urllib.parse import parse_qs

from django.test import SimpleTestCase, override_settings

from reservrutin.notifications.models import OutboxMessage
from reservrutin.notifications.tests.helpers import OutboxTestCase, Received, make_message
from reservrutin.notifications.transports.base import TransportError, get_transport
from reservrutin.notifications.transports.sms import (
    MAX_PARTS,
    PART_LENGTH,
    fit,
    gsm_length,
    gsm_safe,
    sms_parts,
)
from reservrutin.notifications.worker import send_one

AUTH = "Basic " + base64.b64encode(b"u123:hemligt").decode()


def gateway(received: Received) -> tuple[int, bytes]:
    """Answers like 46elks: 401 without the right credentials, 403 for a bad number."""
    if received.headers.get("authorization") != AUTH:
        return 401, b"Unauthorized"
    form = parse_qs(received.body.decode())
    if not {"from", "to", "message"} <= form.keys():
        return 403, b"Missing key"
    if form["to"][0] == "+46700000000":
        return 403, b"Invalid to number"
    return 200, json.dumps({"id": "s17a6dafb12d6b1cabc", "status": "created"}).encode()


class GsmTextTests(SimpleTestCase):
    def test_it_keeps_swedish_letters_and_replaces_typography(self) -> None:
        text = "Åtgärd\u00a0pågår – “Cosmic” är nere… Kontakta Ärendé Öst ‘nu’"
        self.assertEqual(
            gsm_safe(text), "Åtgärd pågår - \"Cosmic\" är nere... Kontakta Ärendé Öst 'nu'"
        )

    def test_it_strips_accents_gsm_lacks_and_marks_the_rest(self) -> None:
        self.assertEqual(gsm_safe("Café Ångström naïve 😀"), "Café Ångström naive ?")

    def test_it_counts_parts(self) -> None:
        self.assertEqual(sms_parts("a" * 160), 1)
        self.assertEqual(sms_parts("a" * 161), 2)
        self.assertEqual(gsm_length("€[]"), 6)

    def test_it_cuts_a_runaway_text(self) -> None:
        text = fit("a" * 5000)
        self.assertEqual(gsm_length(text), MAX_PARTS * PART_LENGTH)
        self.assertTrue(text.endswith("..."))


@override_settings(SMS_GATEWAY_USER="u123", SMS_GATEWAY_PASSWORD="hemligt", SMS_SENDER="Driftinfo")
class SmsTransportTests(OutboxTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.gateway = self.receiver(check=gateway)
        overrides = override_settings(SMS_GATEWAY_URL=self.gateway.url)
        overrides.enable()
        self.addCleanup(overrides.disable)

    def sms(self, **overrides: object) -> OutboxMessage:
        fields: dict[str, object] = {
            "kind": "sms",
            "recipient": "070-123 45 67",
            "subject": "",
            "body": "Cosmic\u00a0är nere – använd reservrutinen.",
            "dedupe_key": "sms:1",
        }
        fields.update(overrides)
        return make_message(**fields)

    def test_it_posts_the_form_with_basic_auth(self) -> None:
        message = self.sms()
        self.assertTrue(send_one())
        message.refresh_from_db()
        self.assertEqual(message.status, OutboxMessage.Status.SENT, message.last_error)
        self.assertEqual(message.provider_ref, "s17a6dafb12d6b1cabc")
        [request] = self.gateway.requests
        form = parse_qs(request.body.decode())
        self.assertEqual(form["from"], ["Driftinfo"])
        self.assertEqual(form["to"], ["+46701234567"])
        self.assertEqual(form["message"], ["Cosmic är nere - använd reservrutinen."])

    def test_it_sends_a_long_text_as_one_request(self) -> None:
        self.sms(body="Lång text. " * 40)
        send_one()
        [request] = self.gateway.requests
        self.assertEqual(sms_parts(parse_qs(request.body.decode())["message"][0]), 3)

    def test_it_gives_up_on_an_invalid_number(self) -> None:
        message = self.sms(recipient="+46700000000")
        send_one()
        message.refresh_from_db()
        self.assertEqual(message.status, OutboxMessage.Status.DEAD)
        self.assertIn("Invalid to number", message.last_error)

    def test_it_retries_with_wrong_credentials(self) -> None:
        with (
            override_settings(SMS_GATEWAY_PASSWORD="fel"),
            self.assertRaises(TransportError) as raised,
        ):
            get_transport("sms").send(self.sms())
        self.assertFalse(raised.exception.permanent)

    def test_it_retries_when_the_gateway_fails(self) -> None:
        self.gateway.check = None
        self.gateway.responses.append((502, b"Bad gateway"))
        with self.assertRaises(TransportError) as raised:
            get_transport("sms").send(self.sms())
        self.assertFalse(raised.exception.permanent)

    def test_it_refuses_a_message_without_a_gateway(self) -> None:
        with override_settings(SMS_GATEWAY_URL=""), self.assertRaises(TransportError) as raised:
            get_transport("sms").send(self.sms())
        self.assertTrue(raised.exception.permanent)
