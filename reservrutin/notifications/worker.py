"""The ``sendoutbox`` worker step: deliver one due outbox message.

The claim protocol (docs/notifications.md, code-habits "Claim protocol"):

1. Find a due row. On PostgreSQL ``select_for_update(skip_locked=True)`` in a short
   transaction spreads concurrent workers over different rows; it is only an optimisation.
2. Claim it with a conditional UPDATE on (id, the claim token we saw, still due), setting a
   new token, the lease end and ``attempts + 1``. Proceed only if exactly one row changed:
   that row count is the guarantee on every database (SQLite has no row locks).
3. Send **outside any transaction**, through a transport with timeouts.
4. Record the outcome with a conditional UPDATE keyed on (id, our token): sent; transient →
   retry at ``next_attempt_at`` with exponential backoff and jitter, dead once
   ``max_attempts`` is reached; permanent → dead at once.
5. A worker that dies between 2 and 4 leaves its lease; when it runs out the row is due
   again and another worker retries it. Delivery is therefore at least once, never lost.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q

from reservrutin.lib import clock
from reservrutin.notifications.models import DeliveryAttempt, OutboxMessage
from reservrutin.notifications.transports.base import TransportError, get_transport

log = logging.getLogger(__name__)

#: First retry after about this long, doubling each time up to ``BACKOFF_CAP``. With 10
#: attempts a message keeps trying for about four hours before it is given up.
BACKOFF_BASE = dt.timedelta(seconds=30)
BACKOFF_CAP = dt.timedelta(hours=1)
#: ``last_error`` and ``DeliveryAttempt.detail`` keep this much of an error text.
ERROR_LIMIT = 2000


@dataclass(frozen=True)
class Claim:
    message: OutboxMessage
    token: uuid.UUID
    attempt: DeliveryAttempt


@dataclass(frozen=True)
class Outcome:
    result: str  # a DeliveryAttempt.Outcome value
    provider_ref: str = ""
    detail: str = ""


def backoff(attempt: int) -> dt.timedelta:
    """The wait after failed attempt number ``attempt`` (1-based): exponential with "equal
    jitter" (half fixed, half random), so retries spread out but never come back at once."""
    ceiling = min(BACKOFF_CAP, BACKOFF_BASE * (2 ** max(attempt - 1, 0)))
    half = ceiling / 2
    return half + half * random.random()


def lease() -> dt.timedelta:
    """How long a claim lasts. Must exceed the slowest send (SMTP and HTTP timeouts)."""
    return dt.timedelta(seconds=settings.WORKER_LEASE_SECONDS)


def claim(message_id: int, seen_token: uuid.UUID | None, now: dt.datetime) -> uuid.UUID | None:
    """Step 2: compare-and-set. Returns our new token, or None if another worker won.

    ``seen_token`` is the token we read in step 1 (None for a row nobody holds); if anyone
    claimed the row since, the token differs and nothing is updated.
    """
    token = uuid.uuid4()
    claimed_until = now + lease()
    updated = OutboxMessage.objects.filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lte=now),
        id=message_id,
        claim_token=seen_token,
        status__in=OutboxMessage.DUE_STATUSES,
        next_attempt_at__lte=now,
    ).update(
        status=OutboxMessage.Status.SENDING,
        claim_token=token,
        claimed_until=claimed_until,
        # The row becomes due again exactly when the lease runs out (step 5).
        next_attempt_at=claimed_until,
        attempts=F("attempts") + 1,
    )
    return token if updated == 1 else None


def claim_next(now: dt.datetime) -> tuple[bool, Claim | None]:
    """Steps 1 and 2 in one short transaction. Returns (found a due row?, our claim or None
    when another worker claimed that row first)."""
    with transaction.atomic():
        due = OutboxMessage.objects.due(now).order_by("next_attempt_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        row = due.values_list("id", "claim_token").first()
        if row is None:
            return False, None
        message_id, seen_token = row
        token = claim(message_id, seen_token, now)
        if token is None:
            return True, None
        message = OutboxMessage.objects.get(id=message_id)
        attempt = DeliveryAttempt.objects.create(
            message=message, number=message.attempts, started_at=now
        )
    return True, Claim(message=message, token=token, attempt=attempt)


def deliver(message: OutboxMessage) -> Outcome:
    """Step 3: hand the message to its transport; never raises."""
    try:
        reference = get_transport(message.kind).send(message)
    except TransportError as exc:
        result = (
            DeliveryAttempt.Outcome.PERMANENT
            if exc.permanent
            else DeliveryAttempt.Outcome.TRANSIENT
        )
        return Outcome(result, detail=str(exc)[:ERROR_LIMIT])
    except Exception as exc:
        # A bug in a transport must not crash-loop the worker or lose the message:
        # treat it as transient, so it is retried and, if it persists, ends dead and visible.
        log.exception("transport %s crashed on message %s", message.kind, message.code)
        return Outcome(
            DeliveryAttempt.Outcome.TRANSIENT,
            detail=f"internt fel: {exc.__class__.__name__}: {exc}"[:ERROR_LIMIT],
        )
    return Outcome(DeliveryAttempt.Outcome.SENT, provider_ref=(reference or "")[:200])


def record(claimed: Claim, outcome: Outcome, now: dt.datetime) -> bool:
    """Step 4: store the outcome if we still hold the claim. Returns False if our lease ran
    out and another worker took the message over (its outcome will be recorded instead)."""
    message = claimed.message
    done = {"claim_token": None, "claimed_until": None}
    if outcome.result == DeliveryAttempt.Outcome.SENT:
        fields = {
            **done,
            "status": OutboxMessage.Status.SENT,
            "sent_at": now,
            "next_attempt_at": None,
            "provider_ref": outcome.provider_ref,
            "last_error": "",
        }
    elif outcome.result == DeliveryAttempt.Outcome.TRANSIENT and (
        message.attempts < message.max_attempts
    ):
        fields = {
            **done,
            "status": OutboxMessage.Status.FAILED,
            "next_attempt_at": now + backoff(message.attempts),
            "last_error": outcome.detail,
        }
    else:
        fields = {
            **done,
            "status": OutboxMessage.Status.DEAD,
            "next_attempt_at": None,
            "last_error": outcome.detail,
        }
    with transaction.atomic():
        updated = OutboxMessage.objects.filter(id=message.id, claim_token=claimed.token).update(
            **fields
        )
        # The attempt is ours whatever happened to the claim: it did happen.
        DeliveryAttempt.objects.filter(id=claimed.attempt.id).update(
            finished_at=now,
            outcome=outcome.result,
            detail=outcome.detail,
            provider_ref=outcome.provider_ref,
        )
    if updated != 1:
        log.warning(
            "lost the claim on message %s before recording %s", message.code, outcome.result
        )
    return updated == 1


def send_one() -> bool:
    """Deliver one due message. Returns True if there was work (call again at once)."""
    found, claimed = claim_next(clock.now())
    if claimed is None:
        return found
    outcome = deliver(claimed.message)
    record(claimed, outcome, clock.now())
    if outcome.result != DeliveryAttempt.Outcome.SENT:
        log.info(
            "message %s (%s) attempt %s: %s: %s",
            claimed.message.code,
            claimed.message.kind,
            claimed.message.attempts,
            outcome.result,
            outcome.detail,
        )
    return True
