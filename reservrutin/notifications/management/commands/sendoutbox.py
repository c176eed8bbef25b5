"""``manage.py sendoutbox``: the loop that delivers outbox messages.

Only the loop's set-up lives here: signals and the heartbeat; ``lib/loop.py`` runs it
(backoff when the database is gone). The work is ``notifications.worker.send_batch``,
which the combined ``worker`` command also runs. Any number of copies may run; the claim
protocol keeps each delivery to one worker.
"""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand

from reservrutin.lib import loop
from reservrutin.notifications import worker
from reservrutin.notifications.transports.base import reset as reset_transports

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
        self.stdout.write("sendoutbox: started")
        try:
            batches = loop.run(
                {"sendoutbox": worker.send_batch},
                name=options["name"],
                stop=stop,
                until_idle=options["once"],
                max_batch=10_000,
                slice_seconds=HEARTBEAT_SECONDS,
            )
        finally:
            reset_transports()  # closes the kept SMTP connection
        self.stdout.write(f"sendoutbox: stopped after {batches} batch(es)")
