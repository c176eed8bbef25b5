from __future__ import annotations

import io
from contextlib import redirect_stdout

from reservrutin.notifications.models import OutboxMessage
from reservrutin.notifications.tests.helpers import OutboxTestCase, make_message
from reservrutin.notifications.worker import send_one


class ConsoleTransportTests(OutboxTestCase):
    def test_it_prints_the_message(self) -> None:
        message = make_message(headers={"List-Unsubscribe": "<https://x.example/u>"})
        with redirect_stdout(io.StringIO()) as output:
            self.assertTrue(send_one())
        message.refresh_from_db()
        self.assertEqual(message.status, OutboxMessage.Status.SENT)
        self.assertEqual(message.provider_ref, "console")
        printed = output.getvalue()
        self.assertIn("driftinfo@example.org", printed)
        self.assertIn("Ämne: Driftstörning i Cosmic", printed)
        self.assertIn("List-Unsubscribe: <https://x.example/u>", printed)
