"""The ``sendoutbox`` worker step: deliver a batch of due outbox messages.

The claim protocol (``lib/claim.py``, docs/architecture.md "The claim protocol",
docs/notifications.md), one batch at a time:

1. Find up to ``OUTBOX_BATCH_SIZE`` due rows, oldest first. On PostgreSQL
   ``select_for_update(skip_locked=True)`` spreads concurrent workers over different rows;
   it is only an optimisation.
2. Claim them, in the same short transaction, with ONE conditional UPDATE: a row is taken
   only if it still carries the claim token we read and is still due (lease free or run
   out). The UPDATE sets one new token for the batch, the lease end and ``attempts + 1``;
   the rows that carry our token afterwards are our batch. That compare-and-set is the
   guarantee on every database (SQLite has no row locks). The same transaction creates one
   ``DeliveryAttempt`` per message.
3. Send **outside any transaction**, one message after the other, through the transports
   (which have timeouts; e-mails share the transport's one SMTP connection). A send starts
   only while at least half the lease is left; otherwise the worker first records what it
   has sent and extends the lease of the rest with an UPDATE keyed on our token. A message
   that UPDATE no longer covers was taken over by another worker (or stopped by a person)
   and is not sent by us: a slow worker never sends what someone else now holds.
4. Record the outcomes in one transaction: a bulk UPDATE keyed on (id, our token) — sent;
   transient → retry at ``next_attempt_at`` with exponential backoff and jitter, dead once
   ``max_attempts`` is reached; permanent → dead at once — and the attempts completed.
   Each message is judged on its own: one failure does not touch the rest of the batch.
5. A worker that dies between 2 and 4 leaves its lease; when it runs out the rows are due
   again and another worker retries them. Delivery is therefore at least once, never lost,
   and a kill duplicates at most the one batch that worker had sent but not recorded.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from reservrutin.lib import clock
from reservrutin.lib.claim import Claims, Seen, lock
from reservrutin.notifications.models import DeliveryAttempt, OutboxMessage
from reservrutin.notifications.transports.base import TransportError, get_transport

log = logging.getLogger(__name__)

#: First retry after about this long, doubling each time up to ``BACKOFF_CAP``. With 10
#: attempts a message keeps trying for about four hours before it is given up.
BACKOFF_BASE = dt.timedelta(seconds=30)
BACKOFF_CAP = dt.timedelta(hours=1)
#: ``last_error`` and ``DeliveryAttempt.detail`` keep this much of an error text.
ERROR_LIMIT = 2000
#: A send starts only while at least this share of the lease is left (step 3), so a send
#: that takes up to half the lease still ends before the lease does.
RENEW_WHEN_LEFT = 0.5

#: What step 4 writes on a message and on its attempt.
MESSAGE_RESULT_FIELDS = [
    "status",
    "sent_at",
    "next_attempt_at",
    "provider_ref",
    "last_error",
    "claim_token",
    "claimed_until",
]
ATTEMPT_RESULT_FIELDS = ["finished_at", "outcome", "detail", "provider_ref"]


@dataclass(frozen=True)
class Claim:
    """One claimed message and the attempt row its claim created."""

    message: OutboxMessage
    attempt: DeliveryAttempt


@dataclass
class Batch:
    """The messages one worker holds under one claim token until ``claimed_until``."""

    token: uuid.UUID
    claimed_until: dt.datetime
    claims: list[Claim]


@dataclass(frozen=True)
class Outcome:
    result: str  # a DeliveryAttempt.Outcome value
    provider_ref: str = ""
    detail: str = ""
    #: When the transport returned; the record's time if not known. Outcomes are recorded
    #: in bulk after the batch, but ``sent_at`` and the backoff count from the send itself.
    finished_at: dt.datetime | None = None


def backoff(attempt: int) -> dt.timedelta:
    """The wait after failed attempt number ``attempt`` (1-based): exponential with "equal
    jitter" (half fixed, half random), so retries spread out but never come back at once."""
    ceiling = min(BACKOFF_CAP, BACKOFF_BASE * (2 ** max(attempt - 1, 0)))
    half = ceiling / 2
    return half + half * random.random()


def lease() -> dt.timedelta:
    """How long a claim lasts. A send starts only while half of it is left (step 3), so it
    must exceed twice the slowest send (SMTP and HTTP timeouts)."""
    return dt.timedelta(seconds=settings.WORKER_LEASE_SECONDS)


def batch_size() -> int:
    return max(1, settings.OUTBOX_BATCH_SIZE)


OUTBOX = Claims(OutboxMessage)


def claim(seen: list[Seen], now: dt.datetime) -> uuid.UUID | None:
    """Step 2: compare-and-set on every row of ``seen`` at once. Returns our new token if
    we won at least one row (the rows now carrying it), or None if other workers won all.

    ``seen`` holds (id, the claim token we read in step 1): None for a row nobody holds,
    a dead worker's token for a row whose lease ran out. If anyone claimed a row since,
    its token differs and that row is not updated.
    """
    claimed_until = now + lease()
    return OUTBOX.take(
        seen,
        now=now,
        until=claimed_until,
        still=Q(status__in=OutboxMessage.DUE_STATUSES, next_attempt_at__lte=now),
        status=OutboxMessage.Status.SENDING,
        # The row becomes due again exactly when the lease runs out (step 5).
        next_attempt_at=claimed_until,
    )


def claim_batch(now: dt.datetime, limit: int | None = None) -> tuple[bool, Batch | None]:
    """Steps 1 and 2 in one short transaction. Returns (found due rows?, our batch, or None
    when other workers claimed all of them first)."""
    with transaction.atomic():
        due = lock(OutboxMessage.objects.due(now), order=("next_attempt_at", "id"))
        seen = list(due.values_list("id", "claim_token")[: limit or batch_size()])
        if not seen:
            return False, None
        token = claim(seen, now)
        if token is None:
            return True, None
        order = {message_id: n for n, (message_id, _token) in enumerate(seen)}
        messages = sorted(
            OutboxMessage.objects.filter(id__in=list(order), claim_token=token),
            key=lambda message: order[message.id],
        )
        attempts = DeliveryAttempt.objects.bulk_create(
            DeliveryAttempt(message=message, number=message.attempts, started_at=now)
            for message in messages
        )
    claims = [Claim(message=m, attempt=a) for m, a in zip(messages, attempts, strict=True)]
    return True, Batch(token=token, claimed_until=now + lease(), claims=claims)


def deliver(message: OutboxMessage) -> Outcome:
    """Step 3 for one message: hand it to its transport; never raises."""
    try:
        reference = get_transport(message.kind).send(message)
    except TransportError as exc:
        result = (
            DeliveryAttempt.Outcome.PERMANENT
            if exc.permanent
            else DeliveryAttempt.Outcome.TRANSIENT
        )
        return Outcome(result, detail=str(exc)[:ERROR_LIMIT], finished_at=clock.now())
    except Exception as exc:
        # A bug in a transport must not crash-loop the worker or lose the message:
        # treat it as transient, so it is retried and, if it persists, ends dead and visible.
        log.exception("transport %s crashed on message %s", message.kind, message.code)
        return Outcome(
            DeliveryAttempt.Outcome.TRANSIENT,
            detail=f"internt fel: {exc.__class__.__name__}: {exc}"[:ERROR_LIMIT],
            finished_at=clock.now(),
        )
    return Outcome(
        DeliveryAttempt.Outcome.SENT,
        provider_ref=(reference or "")[:200],
        finished_at=clock.now(),
    )


def _held(batch: Batch, claims: list[Claim]) -> set[int]:
    """The ids among ``claims`` that still carry our token, locked until the transaction
    ends (``Claims.held``)."""
    return OUTBOX.held([c.message.id for c in claims], batch.token)


def _apply(message: OutboxMessage, outcome: Outcome, now: dt.datetime) -> None:
    """Set the fields step 4 writes on ``message`` (in memory) for ``outcome``, which
    finished at ``now``."""
    message.claim_token = None
    message.claimed_until = None
    if outcome.result == DeliveryAttempt.Outcome.SENT:
        message.status = OutboxMessage.Status.SENT
        message.sent_at = now
        message.next_attempt_at = None
        message.provider_ref = outcome.provider_ref
        message.last_error = ""
    elif outcome.result == DeliveryAttempt.Outcome.TRANSIENT and (
        message.attempts < message.max_attempts
    ):
        message.status = OutboxMessage.Status.FAILED
        message.next_attempt_at = now + backoff(message.attempts)
        message.last_error = outcome.detail
    else:
        message.status = OutboxMessage.Status.DEAD
        message.next_attempt_at = None
        message.last_error = outcome.detail


def record(batch: Batch, results: list[tuple[Claim, Outcome]], now: dt.datetime) -> int:
    """Step 4 for ``results``, in one transaction. Returns how many outcomes were stored:
    one whose message we no longer hold (our lease ran out and another worker took it) is
    logged and left alone; that worker records its own."""
    if not results:
        return 0
    with transaction.atomic():
        held = _held(batch, [claimed for claimed, _outcome in results])
        mine = []
        for claimed, outcome in results:
            finished_at = outcome.finished_at or now
            attempt = claimed.attempt
            # The attempt is ours whatever happened to the claim: it did happen.
            attempt.finished_at = finished_at
            attempt.outcome = outcome.result
            attempt.detail = outcome.detail
            attempt.provider_ref = outcome.provider_ref
            if claimed.message.id in held:
                _apply(claimed.message, outcome, finished_at)
                mine.append(claimed.message)
        # Keyed on our token as well: the compare-and-set, whatever the lock above did.
        stored = OutboxMessage.objects.filter(claim_token=batch.token).bulk_update(
            mine, MESSAGE_RESULT_FIELDS
        )
        DeliveryAttempt.objects.bulk_update(
            [claimed.attempt for claimed, _outcome in results], ATTEMPT_RESULT_FIELDS
        )
    for claimed, outcome in results:
        if claimed.message.id not in held:
            log.warning(
                "lost the claim on message %s before recording %s",
                claimed.message.code,
                outcome.result,
            )
    return stored


def renew(batch: Batch, claims: list[Claim], now: dt.datetime) -> list[Claim]:
    """Step 3's lease check: extend the lease of the unsent ``claims`` and return those it
    covers. Keyed on our token only: while the token is unchanged nobody else has claimed
    the row (a claim replaces the token), so even a lease that just ran out is still ours
    to extend. A row someone took over or stopped in the meantime is dropped, unsent."""
    claimed_until = now + lease()
    held = OUTBOX.renew(
        [c.message.id for c in claims],
        batch.token,
        until=claimed_until,
        next_attempt_at=claimed_until,
    )
    batch.claimed_until = claimed_until
    for claimed in claims:
        if claimed.message.id not in held:
            log.warning("message %s was taken over before we sent it", claimed.message.code)
    return [claimed for claimed in claims if claimed.message.id in held]


def send_claimed(batch: Batch) -> None:
    """Steps 3 and 4 for a claimed batch: send each message while the lease allows, record
    the outcomes."""
    unsent = list(batch.claims)
    results: list[tuple[Claim, Outcome]] = []
    while unsent:
        now = clock.now()
        if batch.claimed_until - now < lease() * RENEW_WHEN_LEFT:
            # Before the lease gets short: store what is done, then extend the rest.
            record(batch, results, now)
            results = []
            unsent = renew(batch, unsent, now)
            continue
        claimed = unsent.pop(0)
        outcome = deliver(claimed.message)
        results.append((claimed, outcome))
        if outcome.result != DeliveryAttempt.Outcome.SENT:
            log.info(
                "message %s (%s) attempt %s: %s: %s",
                claimed.message.code,
                claimed.message.kind,
                claimed.message.attempts,
                outcome.result,
                outcome.detail,
            )
    record(batch, results, clock.now())


def send_batch(limit: int | None = None) -> bool:
    """Claim up to ``limit`` (``OUTBOX_BATCH_SIZE``) due messages, send them and record the
    outcomes. Returns True if there was work (call again at once)."""
    found, batch = claim_batch(clock.now(), limit)
    if batch is not None:
        send_claimed(batch)
    return found


def send_one() -> bool:
    """Deliver at most one due message (a batch of one). Returns True if there was work."""
    return send_batch(limit=1)
