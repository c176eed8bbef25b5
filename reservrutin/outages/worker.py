"""The ``runtimers`` worker steps: fire one due timer, escalate one unacknowledged group.

Both use the one-transaction form of the claim protocol (``lib/claim.py``,
docs/architecture.md "The claim protocol", docs/outages.md): firing does no external I/O
(messages are outbox rows, delivered by ``sendoutbox``), so a row is claimed and handled
in ONE transaction:

1. Find the oldest due row, ``due_at`` then ``id`` (partial indexes ``timer_due`` and
   ``escalation_due``). On PostgreSQL ``SELECT … FOR UPDATE OF row, outage SKIP LOCKED``
   locks the row and its outage in the same statement and skips any pair another
   transaction holds, so concurrent workers never wait on each other (nor on a person
   editing the outage, which would otherwise wait on us in the opposite order). Only an
   optimisation.
2. In the same transaction, mark the row done with a conditional UPDATE on (id, still
   pending, the claim token we saw, lease free or expired), counting ``attempts + 1``
   (``Claims.finish``). Proceed only if one row changed: that row count is the guarantee
   on every database (SQLite has no row locks; its IMMEDIATE transactions serialise
   writers).
3. Still in that transaction: run the timer's actions (or notify the next level), write
   the timeline entry and outbox rows, and insert the next row (a re-armed timer, the next
   escalation level). A worker killed at any point rolls the whole transaction back, so
   the row is due again at once and is handled exactly once; no lease has to run out.
4. If handling a row fails, the transaction rolls back, then its ``due_at`` moves forward,
   the error is logged and re-raised: one bad row cannot crash-loop the worker.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import Model, Q, QuerySet

from reservrutin.lib import claim, clock
from reservrutin.outages import actions
from reservrutin.outages.models import Escalation, Outage, Timer

log = logging.getLogger(__name__)

#: How far a failing row's ``due_at`` moves forward before it is tried again.
RETRY_DELAY = dt.timedelta(minutes=1)

TIMERS = claim.Claims(Timer)
ESCALATIONS = claim.Claims(Escalation)
TIMER_PENDING = Q(fired_at__isnull=True, skipped_at__isnull=True)
ESCALATION_PENDING = Q(acknowledged_at__isnull=True, escalated_at__isnull=True)


def _fire(timer: Timer, outage: Outage, now: dt.datetime) -> str:
    """Claim and fire (or skip and re-arm) ``timer`` in the caller's transaction, with
    ``outage`` locked: "fired", "skipped" or "lost" (the compare-and-set found it taken)."""
    reason = actions.skip_reason(timer, outage, at=now)
    fields = {"fired_at": now} if reason is None else {"skipped_at": now, "skip_reason": reason}
    seen = (timer.id, timer.claim_token)
    if not TIMERS.finish(seen, now=now, still=TIMER_PENDING, **fields):
        return "lost"
    if reason is None:
        actions.apply_timer_in_txn(timer, outage, at=now)
        return "fired"
    actions.rearm_timer_in_txn(timer, outage, at=now, reason=reason)
    return "skipped"


def due_timers(now: dt.datetime) -> QuerySet[Timer]:
    """Step 1's query: due timers, oldest first and ties by id, with their outage (and
    organisation) loaded; on PostgreSQL each timer and its outage locked until the
    transaction ends, skipping pairs another transaction holds. The partial index
    ``timer_due`` on (due_at, id) returns rows in this order, so the join stops at the
    first pair it can lock instead of sorting every row due at the same instant."""
    due = Timer.objects.due(now).select_related("outage__organisation")
    return claim.lock(due, of=("self", "outage"))


def _lock_due_timer(now: dt.datetime) -> Timer | None:
    """Step 1: the oldest due timer we can lock (with its outage), or None."""
    return due_timers(now).first()


def due_escalations(now: dt.datetime) -> QuerySet[Escalation]:
    """Step 1's query for escalations, as ``due_timers``."""
    due = Escalation.objects.due(now).select_related("outage")
    return claim.lock(due, of=("self", "outage"))


def _lock_due_escalation(now: dt.datetime) -> Escalation | None:
    return due_escalations(now).first()


def _escalate(escalation: Escalation, now: dt.datetime) -> str:
    """Claim and escalate ``escalation`` in the caller's transaction: "escalated",
    "acknowledged" (someone in its group acknowledged meanwhile) or "lost"."""
    seen = (escalation.id, escalation.claim_token)
    if not ESCALATIONS.finish(seen, now=now, still=ESCALATION_PENDING, escalated_at=now):
        return "lost"
    if Escalation.objects.filter(group=escalation.group, acknowledged_at__isnull=False).exists():
        return "acknowledged"
    actions.escalate_group_in_txn(escalation, at=now)
    return "escalated"


def _one(
    claims: claim.Claims,
    find: Callable[[dt.datetime], Any],
    handle: Callable[[Any, dt.datetime], str],
    pending: Q,
) -> bool:
    """Steps 1-4 for one row of ``claims.model``. Returns whether there was work."""
    now = clock.now()
    row: Model | None = None
    try:
        with transaction.atomic():
            row = find(now)
            if row is None:
                return False
            handle(row, now)
    except Exception as exc:
        if row is None:
            raise  # the due query itself failed: nothing to push forward
        log.exception("%s %s failed; retrying in %s", claims.model.__name__, row.pk, RETRY_DELAY)
        claims.release(
            (row.pk, row.claim_token),  # type: ignore[attr-defined]
            still=pending,
            count=True,
            due_at=now + RETRY_DELAY,
            last_error=f"{exc.__class__.__name__}: {exc}"[:2000],
        )
        raise
    return True


def fire_one() -> bool:
    """Claim and fire (or skip and re-arm) one due timer in one transaction. Returns
    whether there was work."""
    return _one(TIMERS, _lock_due_timer, lambda t, now: _fire(t, t.outage, now), TIMER_PENDING)


def escalate_one() -> bool:
    """Escalate one unacknowledged group whose time ran out, in one transaction. Returns
    whether there was work."""
    return _one(ESCALATIONS, _lock_due_escalation, _escalate, ESCALATION_PENDING)


def run_due(limit: int = 1000) -> int:
    """Fire everything due now (tests and ``runtimers --once``)."""
    done = 0
    while done < limit and (fire_one() or escalate_one()):
        done += 1
    return done
