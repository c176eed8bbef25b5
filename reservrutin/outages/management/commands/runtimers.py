"""``manage.py runtimers``: the loop that fires due outage timers and escalations.

Only the loop's set-up lives here: signals and the heartbeat; ``lib/loop.py`` runs it
(backoff when the database is gone). The work is ``outages.worker.fire_one`` and
``escalate_one``, which the combined ``worker`` command also runs. Any number of copies
may run; the claim protocol fires each timer once.
"""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand

from reservrutin.lib import loop
from reservrutin.outages import worker


class Command(BaseCommand):
    help = "Fire due outage timers and escalate unacknowledged notifications."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="Drain once, then exit.")
        parser.add_argument("--name", default="runtimers", help="Name in the heartbeat table.")

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            # Finish the row in hand (one transaction), then stop.
            signal.signal(sig, lambda *_: stop.set())
        self.stdout.write("runtimers: started")
        handled = loop.run(
            {"runtimers": worker.fire_one, "escalations": worker.escalate_one},
            name=options["name"],
            loops=["runtimers"],
            stop=stop,
            until_idle=options["once"],
        )
        self.stdout.write(f"runtimers: stopped after {handled} row(s)")
