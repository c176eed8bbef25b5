"""Run every worker loop of the project in one process (``reservrutin worker``).

Each iteration calls each loop's step until it finds no more work, writes the heartbeat
and idles (``lib/loop.py``). Safe to run in any number of copies: the steps claim rows
with compare-and-set (``lib/claim.py``). It outlives a lost database: errors are logged
and it backs off and resumes by itself.
"""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from reservrutin.lib import loop
from reservrutin.workers import loops


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
            # Finish the step in hand, then stop.
            signal.signal(sig, lambda *_: stop.set())
        self.stdout.write(f"worker: loops {', '.join(steps) or '(none)'}")
        loop.run(steps, name=options["name"], stop=stop, once=options["once"])
        self.stdout.write("worker: stopped")
