from __future__ import annotations

import json

from django.test import override_settings

from reservrutin.lib.signing import verify_webhook
from reservrutin.notifications.models import OutboxMessage
from reservrutin.notifications.tests.helpers import (
    WEBHOOK_SECRET,
    OutboxTestCase,
    Received,
    make_message,
)
from reservrutin.notifications.transports.base import TransportError, get_transport
from reservrutin.notifications.worker import send_one


def verifying(received: Received) -> tuple[int, bytes] | None:
    """A receiver that rejects anything not signed with our secret, as a real one would."""
    try:
        verify_webhook(WEBHOOK_SECRET, received.headers, received.body)
    except Exception as exc:
        return 401, str(exc).encode()
    return None


class WebhookTransportTests(OutboxTestCase):
    def hook(self, url: str, **overrides: object) -> OutboxMessage:
        fields: dict[str, object] = {
            "kind": "webhook",
            "recipient": url,
            "payload": {"type": "outage.opened", "system": "Cosmic", "text": "Åtgärd pågår"},
            "dedupe_key": "outage:42:opened:hook:7",
        }
        fields.update(overrides)
        return make_message(**fields)

    def test_it_posts_signed_json_with_the_dedupe_key_as_id(self) -> None:
        receiver = self.receiver(check=verifying)
        message = self.hook(receiver.url)
        self.assertTrue(send_one())
        message.refresh_from_db()
        self.assertEqual(message.status, OutboxMessage.Status.SENT, message.last_error)
        self.assertEqual(message.provider_ref, "200")
        [request] = receiver.requests
        self.assertEqual(request.headers["webhook-id"], "outage:42:opened:hook:7")
        self.assertTrue(request.headers["webhook-signature"].startswith("v1,"))
        self.assertEqual(request.headers["content-type"], "application/json")
        self.assertEqual(json.loads(request.body)["text"], "Åtgärd pågår")

    def test_it_builds_a_body_when_there_is_no_payload(self) -> None:
        receiver = self.receiver(check=verifying)
        self.hook(receiver.url, payload={}, subject="Cosmic nere", body="Använd reservrutin")
        send_one()
        body = json.loads(receiver.requests[0].body)
        self.assertEqual((body["subject"], body["text"]), ("Cosmic nere", "Använd reservrutin"))

    def test_it_reads_statuses_as_permanent_or_transient(self) -> None:
        receiver = self.receiver()
        cases = {
            400: True,
            404: True,
            410: True,
            301: True,
            408: False,
            429: False,
            500: False,
            503: False,
        }
        for status, permanent in cases.items():
            with self.subTest(status=status):
                receiver.responses.append((status, b"nej"))
                with self.assertRaises(TransportError) as raised:
                    get_transport("webhook").send(self.hook(receiver.url, dedupe_key=f"s{status}"))
                self.assertEqual(raised.exception.permanent, permanent)

    def test_it_refuses_to_send_unsigned(self) -> None:
        receiver = self.receiver()
        with override_settings(WEBHOOK_SECRET=""), self.assertRaises(TransportError) as raised:
            get_transport("webhook").send(self.hook(receiver.url))
        self.assertTrue(raised.exception.permanent)
        self.assertEqual(receiver.requests, [])

    def test_it_retries_an_unreachable_receiver(self) -> None:
        receiver = self.receiver()
        url = receiver.url
        receiver.stop()
        with self.assertRaises(TransportError) as raised:
            get_transport("webhook").send(self.hook(url))
        self.assertFalse(raised.exception.permanent)
