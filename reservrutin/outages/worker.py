"""The ``runtimers`` worker steps: fire one due timer, escalate one unacknowledged group.

The claim protocol (code-habits "Claim protocol", docs/outages.md):

1. Find a due row with one indexed query (partial indexes ``timer_due`` and
   ``escalation_due``). On PostgreSQL ``select_for_update(skip_locked=True)`` in a short
   transaction spreads concurrent workers over different rows; only an optimisation.
2. Claim it with a conditional UPDATE on (id, not fired, the claim token we saw, lease free
   or expired), setting a new token, the lease end and ``attempts + 1``. Proceed only if one
   row changed: that row count is the guarantee on every database.
3. In ONE transaction: mark the row fired (again conditional on our token, so a worker
   whose lease ran out cannot fire it a second time), run its actions, write the timeline
   entry and outbox rows, and insert the next row (a re-armed timer, the next escalation
   level). There is no external I/O here: messages are outbox rows, delivered by
   ``sendoutbox``.
4. A worker killed between 2 and 3 leaves its lease; when it runs out another worker
   takes the row. Because 3 is one transaction, a timer fires exactly once.
5. If running a row fails, its ``due_at`` moves forward, the error is logged and re-raised:
   one bad row cannot crash-loop the worker.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q

from reservrutin.lib import clock
from reservrutin.outages import actions
from reservrutin.outages.models import Escalation, Outage, Timer

log = logging.getLogger(__name__)

#: How far a failing row's ``due_at`` moves forward before it is tried again.
RETRY_DELAY = dt.timedelta(minutes=1)


def lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.WORKER_LEASE_SECONDS)


def _find(queryset: object) -> tuple[int, uuid.UUID | None] | None:
    """Step 1 in a short transaction of its own."""
    with transaction.atomic():
        qs = queryset
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)  # type: ignore[attr-defined]
        return qs.values_list("id", "claim_token").first()  # type: ignore[attr-defined]


def claim_timer(timer_id: int, seen_token: uuid.UUID | None, now: dt.datetime) -> uuid.UUID | None:
    """Step 2 for a timer: compare-and-set. Our new token, or None if another worker won."""
    token = uuid.uuid4()
    updated = Timer.objects.filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lte=now),
        id=timer_id,
        claim_token=seen_token,
        fired_at__isnull=True,
        skipped_at__isnull=True,
    ).update(claim_token=token, claimed_until=now + lease(), attempts=F("attempts") + 1)
    return token if updated == 1 else None


def run_timer(timer_id: int, token: uuid.UUID, now: dt.datetime) -> str:
    """Step 3 for a claimed timer, in one transaction: "fired", "skipped" or "lost" (our
    lease ran out and another worker took the row)."""
    with transaction.atomic():
        timer = Timer.objects.get(id=timer_id)
        outage = (
            Outage.objects.select_for_update()
            .select_related("organisation")
            .get(pk=timer.outage_id)
        )
        reason = actions.skip_reason(timer, outage, at=now)
        fields = {"fired_at": now} if reason is None else {"skipped_at": now, "skip_reason": reason}
        won = Timer.objects.filter(
            id=timer_id, claim_token=token, fired_at__isnull=True, skipped_at__isnull=True
        ).update(claim_token=None, claimed_until=None, **fields)
        if won != 1:
            return "lost"
        if reason is None:
            actions.apply_timer(timer, outage, at=now)
            return "fired"
        actions.rearm_timer(timer, outage, at=now, reason=reason)
        return "skipped"


def fire_one() -> bool:
    """Fire (or skip and re-arm) one due timer. Returns whether there was work."""
    now = clock.now()
    found = _find(Timer.objects.due(now).order_by("due_at", "id"))
    if found is None:
        return False
    timer_id, seen = found
    token = claim_timer(timer_id, seen, now)
    if token is None:
        return True  # another worker won this row; there may be more
    try:
        run_timer(timer_id, token, now)
    except Exception as exc:
        log.exception("timer %s failed; retrying in %s", timer_id, RETRY_DELAY)
        Timer.objects.filter(id=timer_id, claim_token=token).update(
            due_at=now + RETRY_DELAY,
            claim_token=None,
            claimed_until=None,
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
        actions.escalate_group(escalation, at=now)
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
