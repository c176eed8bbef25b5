from __future__ import annotations

import json

from reservrutin.notifications.models import OutboxMessage
from reservrutin.notifications.tests.helpers import OutboxTestCase, make_message
from reservrutin.notifications.transports.base import TransportError, get_transport
from reservrutin.notifications.worker import send_one


class TeamsTransportTests(OutboxTestCase):
    def test_it_posts_an_adaptive_card(self) -> None:
        receiver = self.receiver(default=(202, b""))
        message = make_message(
            kind="teams", recipient=receiver.url, subject="Cosmic nere", body="Använd reservrutin"
        )
        self.assertTrue(send_one())
        message.refresh_from_db()
        self.assertEqual(message.status, OutboxMessage.Status.SENT, message.last_error)
        document = json.loads(receiver.requests[0].body)
        self.assertEqual(document["type"], "message")
        [attachment] = document["attachments"]
        self.assertEqual(attachment["contentType"], "application/vnd.microsoft.card.adaptive")
        texts = [block["text"] for block in attachment["content"]["body"]]
        self.assertEqual(texts, ["Cosmic nere", "Använd reservrutin"])

    def test_it_posts_a_given_payload_unchanged(self) -> None:
        receiver = self.receiver()
        card = {"@type": "MessageCard", "summary": "Cosmic", "text": "Nere"}
        make_message(kind="teams", recipient=receiver.url, payload=card)
        send_one()
        self.assertEqual(json.loads(receiver.requests[0].body), card)

    def test_it_gives_up_on_a_removed_webhook(self) -> None:
        receiver = self.receiver(default=(404, b"not found"))
        with self.assertRaises(TransportError) as raised:
            get_transport("teams").send(make_message(kind="teams", recipient=receiver.url))
        self.assertTrue(raised.exception.permanent)
