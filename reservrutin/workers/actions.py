"""Worker heartbeats."""

from __future__ import annotations

import datetime as dt
import os
import socket

from django.db.models import F

from reservrutin.lib import clock
from reservrutin.workers.models import WorkerHeartbeat


def beat(name: str, *, loops: list[str], started_at: dt.datetime) -> WorkerHeartbeat:
    """Record that this process is alive; one row per (name, host, pid)."""
    now = clock.now()
    host, pid = socket.gethostname(), os.getpid()
    updated = WorkerHeartbeat.objects.filter(name=name, host=host, pid=pid).update(
        last_seen_at=now, iterations=F("iterations") + 1
    )
    if not updated:
        WorkerHeartbeat.objects.create(
            name=name,
            host=host,
            pid=pid,
            started_at=started_at,
            last_seen_at=now,
            loops=",".join(loops),
            iterations=1,
        )
    return WorkerHeartbeat.objects.get(name=name, host=host, pid=pid)


def stale_heartbeats(
    *, older_than: dt.timedelta = dt.timedelta(minutes=2)
) -> list[WorkerHeartbeat]:
    """Workers whose newest heartbeat per name is older than ``older_than``."""
    newest: dict[str, WorkerHeartbeat] = {}
    for hb in WorkerHeartbeat.objects.order_by("name", "-last_seen_at"):
        newest.setdefault(hb.name, hb)
    limit = clock.now() - older_than
    return [hb for hb in newest.values() if hb.last_seen_at < limit]
