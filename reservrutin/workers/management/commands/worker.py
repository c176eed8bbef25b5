"""Run every worker loop of the project in one process (``reservrutin worker``).

Each iteration calls each loop's step until it finds no more work, writes the heartbeat
and idles. Safe to run in any number of copies: the steps claim rows with compare-and-set.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connection

from reservrutin.lib import clock
from reservrutin.workers import loops
from reservrutin.workers.actions import beat

MAX_BATCH = 100
#: A loop that keeps finding work hands over to the next loop after this many seconds
#: (checked between steps), so a long outbox drain (a step sends a whole batch) cannot
#: hold back due timers and escalations for long.
SLICE_SECONDS = 2.0
logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run the background worker loops (timers, outbox, reminders)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--only", action="append", help="Run only this loop (repeatable).")
        parser.add_argument("--once", action="store_true", help="One iteration, then exit.")
        parser.add_argument("--name", default="worker", help="Name in the heartbeat table.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            steps = loops.load(options["only"])
        except KeyError as exc:
            raise CommandError(str(exc)) from exc
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        started_at = clock.now()
        names = list(steps)
        self.stdout.write(f"worker: loops {', '.join(names) or '(none)'}")
        while not stop.is_set():
            # Drop connections the database closed while we idled; never inside a transaction
            # (a test's, or a caller's), where closing would lose its work.
            if not connection.in_atomic_block:
                close_old_connections()
            found = 0
            for name, step in steps.items():
                # Monotonic: only the slice's length, never what is due (clock.now()).
                slice_ends = time.monotonic() + SLICE_SECONDS
                for _ in range(MAX_BATCH):
                    try:
                        if stop.is_set() or time.monotonic() > slice_ends or not step():
                            break
                    except Exception:
                        # A step that fails has already pushed its row forward (see each
                        # worker.py); one bad row must not stop the other loops.
                        logger.exception("worker: step %s failed", name)
                        break
                    found += 1
            beat(options["name"], loops=names, started_at=started_at)
            if options["once"]:
                break
            if not found:
                stop.wait(settings.WORKER_IDLE_SECONDS)
        self.stdout.write("worker: stopped")
