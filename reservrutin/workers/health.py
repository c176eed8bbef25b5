"""Health and readiness: is the process up, and can this installation do its work now?

``/healthz`` answers when the process does (no database). ``/readyz`` checks, cheaply and
revealing nothing sensitive (no host names, no counts of people): the database answers,
every migration is applied, every worker loop's newest heartbeat is fresh, and the oldest
message waiting in the outbox is younger than its limit. A load balancer takes a web
process out while it is not ready; an operator's probe alarms, because a dead notifier is
itself an outage.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Min

from reservrutin.lib import clock
from reservrutin.notifications.models import OutboxMessage
from reservrutin.workers import loops
from reservrutin.workers.models import WorkerHeartbeat

#: Once every migration was found applied, the process need not ask again: migrations are
#: applied before a release's processes start, never taken back while they run.
_MIGRATIONS_APPLIED = False


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str = ""


def _database() -> Check:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return Check("database", False, "unreachable")
    return Check("database", True)


def _migrations() -> Check:
    global _MIGRATIONS_APPLIED
    if _MIGRATIONS_APPLIED:
        return Check("migrations", True)
    try:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception:
        return Check("migrations", False, "unknown")
    if plan:
        return Check("migrations", False, f"{len(plan)} not applied")
    _MIGRATIONS_APPLIED = True
    return Check("migrations", True)


def heartbeat_ages(now: dt.datetime) -> dict[str, float | None]:
    """Seconds since the newest heartbeat of a process running each loop (None: never)."""
    ages: dict[str, float | None] = dict.fromkeys(loops.LOOPS)
    for loop_names, last_seen_at in WorkerHeartbeat.objects.values_list("loops", "last_seen_at"):
        for name in (loop_names or "").split(","):
            if name in ages:
                age = (now - last_seen_at).total_seconds()
                current = ages[name]
                ages[name] = age if current is None else min(current, age)
    return ages


def _heartbeats(now: dt.datetime) -> Check:
    limit = settings.READYZ_HEARTBEAT_MAX_AGE_SECONDS
    stale = sorted(name for name, age in heartbeat_ages(now).items() if age is None or age > limit)
    if stale:
        return Check("workers", False, "stale: " + ", ".join(stale))
    return Check("workers", True)


def _outbox(now: dt.datetime) -> Check:
    oldest = OutboxMessage.objects.waiting().aggregate(oldest=Min("created_at"))["oldest"]
    limit = settings.READYZ_OUTBOX_MAX_AGE_SECONDS
    if oldest is not None and (now - oldest).total_seconds() > limit:
        return Check("outbox", False, f"oldest message waiting over {limit} s")
    return Check("outbox", True)


def readiness() -> list[Check]:
    """Every readiness check; a database that does not answer skips the ones that need it."""
    database = _database()
    if not database.ok:
        return [database]
    now = clock.now()
    checks = [database, _migrations()]
    try:
        checks += [_heartbeats(now), _outbox(now)]
    except Exception:
        checks.append(Check("queries", False, "failed"))
    return checks
