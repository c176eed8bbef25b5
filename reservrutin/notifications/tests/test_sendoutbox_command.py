from __future__ import annotations

import io
from contextlib import redirect_stdout

from django.core.management import call_command

from reservrutin.notifications.models import OutboxMessage
from reservrutin.notifications.tests.helpers import OutboxTestCase, make_message
from reservrutin.workers.models import WorkerHeartbeat


class SendOutboxCommandTests(OutboxTestCase):
    def test_it_drains_the_outbox_and_writes_a_heartbeat(self) -> None:
        make_message(dedupe_key="a")
        make_message(dedupe_key="b")
        out = io.StringIO()
        with redirect_stdout(io.StringIO()):
            call_command("sendoutbox", "--once", stdout=out)
        self.assertEqual(OutboxMessage.objects.filter(status="sent").count(), 2)
        # One batch carried both messages.
        self.assertIn("stopped after 1 batch(es)", out.getvalue())
        heartbeat = WorkerHeartbeat.objects.get(name="sendoutbox")
        self.assertEqual(heartbeat.loops, "sendoutbox")
