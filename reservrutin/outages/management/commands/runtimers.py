"""``manage.py runtimers``: the loop that fires due outage timers and escalations.

Only the loop lives here: signals, idling and the heartbeat. The work is
``outages.worker.fire_one`` and ``escalate_one``, which the combined ``worker`` command also
runs. Any number of copies may run; the claim protocol fires each timer once.
"""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection

from reservrutin.lib import clock
from reservrutin.outages import worker
from reservrutin.workers.actions import beat

#: Rows handled before the heartbeat is written again.
MAX_BATCH = 100


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
        started_at = clock.now()
        handled = 0
        self.stdout.write("runtimers: started")
        while not stop.is_set():
            if not connection.in_atomic_block:
                close_old_connections()
            found = 0
            for step in (worker.fire_one, worker.escalate_one):
                for _ in range(MAX_BATCH):
                    if stop.is_set():
                        break
                    try:
                        if not step():
                            break
                    except Exception:
                        self.stderr.write("runtimers: a row failed (see log); continuing")
                        break
                    found += 1
            handled += found
            beat(options["name"], loops=["runtimers"], started_at=started_at)
            if options["once"] and not found:
                break
            if not found:
                stop.wait(settings.WORKER_IDLE_SECONDS)
        self.stdout.write(f"runtimers: stopped after {handled} row(s)")
