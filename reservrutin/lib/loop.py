"""The worker loop every worker command runs (``worker``, ``runtimers``, ``sendoutbox``).

A loop calls each step until it finds no more work, writes its heartbeat and idles. It is
made so that nothing its work does can kill it (docs/operations.md "Workers"):

- a step that raises is logged; the loop goes on with the other steps (the step has
  already pushed its row forward, see each ``worker.py``);
- a lost database (a step, the heartbeat, or the connection check raising an error that
  ``dbfaults.unreachable`` recognises), or any other error outside a step, is logged, the
  connection is closed, and the loop waits with exponential backoff up to a cap, then
  tries again; when the database is back the next iteration finds everything that fell
  due meanwhile, and the claim protocol fires each row once;
- every wait is ``stop.wait``, so SIGTERM (which sets ``stop``) ends it at once.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db import close_old_connections, connection

from reservrutin.lib import clock
from reservrutin.lib.dbfaults import unreachable
from reservrutin.lib.hooks import Hook

log = logging.getLogger(__name__)

#: Steps one loop runs in one iteration before the heartbeat (at most).
MAX_BATCH = 100
#: A loop that keeps finding work hands over to the next loop after this many seconds
#: (checked between steps), so a long outbox drain (a step sends a whole batch) cannot
#: hold back due timers and escalations for long.
SLICE_SECONDS = 2.0

Step = Callable[[], bool]

#: Writes a worker process's heartbeat: ``(name, *, loops, started_at)``. The workers app
#: registers ``workers.actions.beat``, so the loop commands of the apps below it
#: (``runtimers``, ``sendoutbox``) never import it (lib/hooks.py).
heartbeat = Hook("worker heartbeat", doc="Record that a worker process is alive.")


class DatabaseUnreachable(Exception):
    """A step found the database gone: wait, then try every loop again."""


@dataclass
class Backoff:
    """Exponential waits: ``first``, twice that, … up to ``cap`` seconds."""

    first: float
    cap: float
    failures: int = 0

    def next(self) -> float:
        delay = min(self.cap, self.first * 2**self.failures)
        self.failures += 1
        return delay

    def reset(self) -> None:
        self.failures = 0


def backoff() -> Backoff:
    return Backoff(settings.WORKER_BACKOFF_SECONDS, settings.WORKER_BACKOFF_CAP_SECONDS)


def release_connection(*, force: bool = False) -> None:
    """Drop a connection the database closed (or, with ``force``, any connection), so the
    next query opens a new one. Never inside a transaction (a test's, or a caller's),
    where closing would lose its work. Never raises: this runs while the database is
    gone."""
    if connection.in_atomic_block:
        return
    try:
        if force:
            connection.close()
        else:
            close_old_connections()
    except Exception:
        # Django forgets the connection even when closing it fails; the next query
        # opens a new one.
        log.debug("closing the database connection failed", exc_info=True)


def run_steps(
    steps: Mapping[str, Step],
    stop: threading.Event,
    *,
    max_batch: int = MAX_BATCH,
    slice_seconds: float | None = None,
) -> tuple[int, int]:
    """One iteration: each step until it finds no more work, its slice ends or ``stop``
    is set. Returns (steps that found work, steps that failed). Raises
    ``DatabaseUnreachable`` if a step found the database gone."""
    found = failed = 0
    for name, step in steps.items():
        # Monotonic: only the slice's length, never what is due (clock.now()).
        slice_ends = time.monotonic() + (slice_seconds or SLICE_SECONDS)
        for _ in range(max_batch):
            try:
                if stop.is_set() or time.monotonic() > slice_ends or not step():
                    break
            except Exception as exc:
                if unreachable(exc):
                    raise DatabaseUnreachable(f"{name}: {exc}") from exc
                # One bad row must not stop the other loops.
                log.exception("worker: step %s failed", name)
                failed += 1
                break
            found += 1
    return found, failed


def run(
    steps: Mapping[str, Step],
    *,
    name: str,
    stop: threading.Event,
    loops: list[str] | None = None,
    once: bool = False,
    until_idle: bool = False,
    max_batch: int = MAX_BATCH,
    slice_seconds: float | None = None,
) -> int:
    """Run ``steps`` until ``stop`` is set; with ``once`` for one iteration, with
    ``until_idle`` until an iteration finds no work. Each iteration ends with the heartbeat
    of ``name`` (running ``loops``, by default the steps' names). Returns how many steps
    found work."""
    handled = 0
    waits = backoff()
    started_at: dt.datetime = clock.now()
    loops = list(steps) if loops is None else loops
    while not stop.is_set():
        release_connection()
        try:
            found, failed = run_steps(steps, stop, max_batch=max_batch, slice_seconds=slice_seconds)
            heartbeat.call_all(name, loops=loops, started_at=started_at)
        except Exception as exc:
            # The database is gone (or the heartbeat failed): nothing can work until it
            # returns, so wait longer each time instead of hammering it.
            delay = waits.next()
            cause = exc.__cause__ if isinstance(exc, DatabaseUnreachable) else exc
            if isinstance(exc, DatabaseUnreachable) or unreachable(exc):
                log.warning("worker: database unreachable (%s); retrying in %.0f s", cause, delay)
            else:
                log.exception("worker: iteration failed; retrying in %.0f s", delay)
            release_connection(force=True)
            if once or until_idle:
                break
            stop.wait(delay)
            continue
        handled += found
        if once or (until_idle and not found):
            break
        if found:
            waits.reset()
        elif failed:
            # Every failing step pushed its row forward; do not spin on the rest.
            stop.wait(max(settings.WORKER_IDLE_SECONDS, waits.next()))
        else:
            waits.reset()
            stop.wait(settings.WORKER_IDLE_SECONDS)
    return handled
