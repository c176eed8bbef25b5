"""The ``runtimers`` worker steps: fire one due timer, escalate one unacknowledged group.

The claim protocol (docs/architecture.md "The claim protocol", docs/outages.md). A timer is claimed and
fired in ONE transaction, because firing does no external I/O (messages are outbox rows,
delivered by ``sendoutbox``):

1. Find the oldest due timer with one indexed query (partial index ``timer_due``). On
   PostgreSQL ``select_for_update(skip_locked=True, of=(timer, outage))`` locks the timer
   and its outage in the same statement and skips any pair another transaction holds, so
   concurrent workers never wait on each other (nor on a person editing the outage, which
   would otherwise wait on us in the opposite order). Only an optimisation.
2. In the same transaction, mark the timer fired (or skipped) with a conditional UPDATE on
   (id, not fired, the claim token we saw, lease free or expired), counting
   ``attempts + 1``. Proceed only if one row changed: that row count is the guarantee on
   every database (SQLite has no row locks; its IMMEDIATE transactions serialise writers).
   The token and lease conditions keep honouring a lease taken with ``claim_timer``.
3. Still in that transaction: run the timer's actions, write the timeline entry and outbox
   rows, and insert the next row (a re-armed timer). A worker killed at any point rolls
   the whole transaction back, so the timer is due again at once and fires exactly once;
   no lease has to run out first.
4. If running a row fails, the transaction rolls back, then its ``due_at`` moves forward,
   the error is logged and re-raised: one bad row cannot crash-loop the worker.

Escalations still use the split protocol: find and claim with a lease (``_find`` +
``claim_escalation``), then run in a transaction keyed on the token (``run_escalation``);
a worker killed in between leaves its lease, and another worker takes the row when it runs
out. ``claim_timer`` + ``run_timer`` are the same split protocol for a timer.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet

from reservrutin.lib import clock
from reservrutin.outages import actions
from reservrutin.outages.models import Escalation, Outage, Timer

log = logging.getLogger(__name__)

#: How far a failing row's ``due_at`` moves forward before it is tried again.
RETRY_DELAY = dt.timedelta(minutes=1)


def lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.WORKER_LEASE_SECONDS)


def _find(queryset: object) -> tuple[int, uuid.UUID | None] | None:
    """Step 1 of the split protocol (escalations), in a short transaction of its own."""
    with transaction.atomic():
        qs = queryset
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)  # type: ignore[attr-defined]
        return qs.values_list("id", "claim_token").first()  # type: ignore[attr-defined]


def claim_timer(timer_id: int, seen_token: uuid.UUID | None, now: dt.datetime) -> uuid.UUID | None:
    """The split protocol's claim for a timer: compare-and-set with a lease. Our new token,
    or None if another worker won. ``fire_one`` leaves a timer alone while such a lease
    lives."""
    token = uuid.uuid4()
    updated = Timer.objects.filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lte=now),
        id=timer_id,
        claim_token=seen_token,
        fired_at__isnull=True,
        skipped_at__isnull=True,
    ).update(claim_token=token, claimed_until=now + lease(), attempts=F("attempts") + 1)
    return token if updated == 1 else None


def _fire(timer: Timer, outage: Outage, now: dt.datetime, claim: Q, **counted: Any) -> str:
    """Fire or skip ``timer`` in the caller's transaction, with ``outage`` locked, if the
    row still matches ``claim`` (the compare-and-set). "fired", "skipped" or "lost"."""
    reason = actions.skip_reason(timer, outage, at=now)
    fields = {"fired_at": now} if reason is None else {"skipped_at": now, "skip_reason": reason}
    won = Timer.objects.filter(
        claim, id=timer.id, fired_at__isnull=True, skipped_at__isnull=True
    ).update(claim_token=None, claimed_until=None, **fields, **counted)
    if won != 1:
        return "lost"
    if reason is None:
        actions.apply_timer_in_txn(timer, outage, at=now)
        return "fired"
    actions.rearm_timer_in_txn(timer, outage, at=now, reason=reason)
    return "skipped"


def run_timer(timer_id: int, token: uuid.UUID, now: dt.datetime) -> str:
    """Step 3 of the split protocol for a timer claimed with ``claim_timer``, in one
    transaction: "fired", "skipped" or "lost" (our lease ran out and another worker took
    the row)."""
    with transaction.atomic():
        timer = Timer.objects.get(id=timer_id)
        outage = (
            Outage.objects.select_for_update()
            .select_related("organisation")
            .get(pk=timer.outage_id)
        )
        return _fire(timer, outage, now, Q(claim_token=token))


def due_timers(now: dt.datetime) -> QuerySet[Timer]:
    """Step 1's query: due timers, oldest first, with their outage (and organisation)
    loaded; on PostgreSQL each timer and its outage locked until the transaction ends,
    skipping pairs another transaction holds.

    Ordered by ``due_at`` alone, which the partial index ``timer_due`` returns in order, so
    the join stops at the first pair it can lock. A tie-break on ``id`` would make
    PostgreSQL join and sort every due row sharing the oldest ``due_at`` on every call: a
    burst of 10,000 timers due at the same instant then fired at 20/s instead of ~70/s
    (docs/benchmarks.md). Ties come in index order, in practice the order of insertion.
    """
    due = Timer.objects.due(now).select_related("outage__organisation").order_by("due_at")
    if connection.features.has_select_for_update_skip_locked:
        of = ("self", "outage") if connection.features.has_select_for_update_of else ()
        due = due.select_for_update(skip_locked=True, of=of)
    return due


def _lock_due_timer(now: dt.datetime) -> Timer | None:
    """Step 1: the oldest due timer we can lock (with its outage), or None."""
    return due_timers(now).first()


def fire_one() -> bool:
    """Claim and fire (or skip and re-arm) one due timer in one transaction. Returns
    whether there was work."""
    now = clock.now()
    timer: Timer | None = None
    try:
        with transaction.atomic():
            timer = _lock_due_timer(now)
            if timer is None:
                return False
            # Still the token we read and no live lease: nobody else holds the row.
            claim = Q(claim_token=timer.claim_token) & (
                Q(claimed_until__isnull=True) | Q(claimed_until__lte=now)
            )
            _fire(timer, timer.outage, now, claim, attempts=F("attempts") + 1)
    except Exception as exc:
        if timer is None:
            raise  # the due query itself failed: nothing to push forward
        log.exception("timer %s failed; retrying in %s", timer.id, RETRY_DELAY)
        Timer.objects.filter(
            id=timer.id,
            claim_token=timer.claim_token,
            fired_at__isnull=True,
            skipped_at__isnull=True,
        ).update(
            due_at=now + RETRY_DELAY,
            claim_token=None,
            claimed_until=None,
            attempts=F("attempts") + 1,
            last_error=f"{exc.__class__.__name__}: {exc}"[:2000],
        )
        raise
    return True


def claim_escalation(
    escalation_id: int, seen_token: uuid.UUID | None, now: dt.datetime
) -> uuid.UUID | None:
    token = uuid.uuid4()
    updated = Escalation.objects.filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lte=now),
        id=escalation_id,
        claim_token=seen_token,
        acknowledged_at__isnull=True,
        escalated_at__isnull=True,
    ).update(claim_token=token, claimed_until=now + lease(), attempts=F("attempts") + 1)
    return token if updated == 1 else None


def run_escalation(escalation_id: int, token: uuid.UUID, now: dt.datetime) -> str:
    with transaction.atomic():
        won = Escalation.objects.filter(
            id=escalation_id,
            claim_token=token,
            acknowledged_at__isnull=True,
            escalated_at__isnull=True,
        ).update(claim_token=None, claimed_until=None, escalated_at=now)
        if won != 1:
            return "lost"
        escalation = Escalation.objects.select_related("outage").get(id=escalation_id)
        if Escalation.objects.filter(
            group=escalation.group, acknowledged_at__isnull=False
        ).exists():
            return "acknowledged"
        actions.escalate_group_in_txn(escalation, at=now)
        return "escalated"


def escalate_one() -> bool:
    """Escalate one unacknowledged group whose time ran out. Returns whether there was work."""
    now = clock.now()
    found = _find(Escalation.objects.due(now).order_by("due_at", "id"))
    if found is None:
        return False
    escalation_id, seen = found
    token = claim_escalation(escalation_id, seen, now)
    if token is None:
        return True
    try:
        run_escalation(escalation_id, token, now)
    except Exception as exc:
        log.exception("escalation %s failed; retrying in %s", escalation_id, RETRY_DELAY)
        Escalation.objects.filter(id=escalation_id, claim_token=token).update(
            due_at=now + RETRY_DELAY,
            claim_token=None,
            claimed_until=None,
            last_error=f"{exc.__class__.__name__}: {exc}"[:2000],
        )
        raise
    return True


def run_due(limit: int = 1000) -> int:
    """Fire everything due now (tests and ``runtimers --once``)."""
    done = 0
    while done < limit and (fire_one() or escalate_one()):
        done += 1
    return done
