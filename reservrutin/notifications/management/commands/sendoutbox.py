"""``manage.py sendoutbox``: the loop that delivers outbox messages.

Only the loop lives here: signals, idling and the heartbeat. The work is
``notifications.worker.send_one``, which the combined ``worker`` command also runs.
Any number of copies may run; the claim protocol keeps each delivery to one worker.
"""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from reservrutin.lib import clock
from reservrutin.notifications import worker
from reservrutin.notifications.transports.base import reset as reset_transports
from reservrutin.workers.actions import beat

#: Messages sent before the heartbeat is written again (so a long queue cannot make a
#: busy worker look dead).
MAX_BATCH = 100


class Command(BaseCommand):
    help = "Deliver due outbox messages (e-mail, SMS, webhooks, Teams)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="Drain once, then exit.")
        parser.add_argument("--name", default="sendoutbox", help="Name in the heartbeat table.")

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            # Finish the message in hand, then stop: a send is never cut off mid-way.
            signal.signal(sig, lambda *_: stop.set())
        started_at = clock.now()
        sent = 0
        self.stdout.write("sendoutbox: started")
        try:
            while not stop.is_set():
                close_old_connections()
                found = 0
                for _ in range(MAX_BATCH):
                    if stop.is_set() or not worker.send_one():
                        break
                    found += 1
                sent += found
                beat(options["name"], loops=["sendoutbox"], started_at=started_at)
                if options["once"] and not found:
                    break
                if not found:
                    stop.wait(settings.WORKER_IDLE_SECONDS)
        finally:
            reset_transports()  # closes the kept SMTP connection
        self.stdout.write(f"sendoutbox: stopped after {sent} message(s)")
