"""``manage.py sendoutbox``: the loop that delivers outbox messages.

Only the loop lives here: signals, idling and the heartbeat. The work is
``notifications.worker.send_batch``, which the combined ``worker`` command also runs.
Any number of copies may run; the claim protocol keeps each delivery to one worker.
"""

from __future__ import annotations

import signal
import threading
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from reservrutin.lib import clock
from reservrutin.notifications import worker
from reservrutin.notifications.transports.base import reset as reset_transports
from reservrutin.workers.actions import beat

#: A busy worker writes its heartbeat again after at most this many seconds of batches
#: (checked between batches), so a long queue cannot make it look dead.
HEARTBEAT_SECONDS = 10.0


class Command(BaseCommand):
    help = "Deliver due outbox messages (e-mail, SMS, webhooks, Teams)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="Drain once, then exit.")
        parser.add_argument("--name", default="sendoutbox", help="Name in the heartbeat table.")

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            # Finish the batch in hand, then stop: a send is never cut off mid-way, and the
            # outcomes are recorded (otherwise the batch would be sent again after its lease).
            signal.signal(sig, lambda *_: stop.set())
        started_at = clock.now()
        batches = 0
        self.stdout.write("sendoutbox: started")
        try:
            while not stop.is_set():
                close_old_connections()
                found = 0
                # Wall-clock seconds for the heartbeat rhythm only (monotonic: immune to
                # clock changes); deciding what is due always uses clock.now().
                since = time.monotonic()
                while not stop.is_set() and time.monotonic() - since < HEARTBEAT_SECONDS:
                    if not worker.send_batch():
                        break
                    found += 1
                batches += found
                beat(options["name"], loops=["sendoutbox"], started_at=started_at)
                if options["once"] and not found:
                    break
                if not found:
                    stop.wait(settings.WORKER_IDLE_SECONDS)
        finally:
            reset_transports()  # closes the kept SMTP connection
        self.stdout.write(f"sendoutbox: stopped after {batches} batch(es)")
