from __future__ import annotations

import io

from reservrutin.notifications.models import OutboxMessage
from reservrutin.notifications.tests.helpers import OutboxTestCase, make_message
from reservrutin.notifications.transports.console import ConsoleTransport
from reservrutin.notifications.transports.base import _instances


class ConsoleTransportTests(OutboxTestCase):
    def test_it_prints_the_message(self) -> None:
        stream = io.StringIO()
        _instances["console"] = ConsoleTransport(stream)
        message = make_message(headers={"List-Unsubscribe": "<https://x.example/u>"})
        from reservrutin.notifications.worker import send_one

        self.assertTrue(send_one())
        message.refresh_from_db()
        self.assertEqual(message.status, OutboxMessage.Status.SENT)
        output = stream.getvalue()
        self.assertIn("driftinfo@example.org", output)
        self.assertIn("Ämne: Driftstörning i Cosmic", output)
        self.assertIn("List-Unsubscribe: <https://x.example/u>", output)
