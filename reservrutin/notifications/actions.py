"""Every state change of the outbox that a person or another app asks for.

Delivery itself (claiming, recording outcomes) lives in ``worker.py``.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import connection, models, transaction
from django.db.models import F, Q

from reservrutin.accounts.models import Organisation, User
from reservrutin.audit.actions import record_event
from reservrutin.lib import clock
from reservrutin.lib.identity import redact
from reservrutin.notifications.models import OutboxMessage

log = logging.getLogger(__name__)

#: How exercise messages say what they are (DESIGN: "everything marked as practice").
EXERCISE_MARK = "ÖVNING"
#: Attempts a message gets from enqueue (and again from each manual retry).
MAX_ATTEMPTS = 10


class MessageStateError(Exception):
    """The message is not in a state that allows the change (e.g. retrying a sent one)."""


def _mark_exercise(
    subject: str, body: str, body_html: str, payload: dict[str, Any]
) -> tuple[str, str, str, dict[str, Any]]:
    """Prefix subject and bodies with ÖVNING unless they already start with it, and flag
    the webhook payload, so no reader can take an exercise for a real outage."""

    def prefix(text: str) -> str:
        return text if text.startswith(EXERCISE_MARK) else f"{EXERCISE_MARK}: {text}"

    if subject:
        subject = prefix(subject)
    body = prefix(body)
    if body_html and EXERCISE_MARK not in body_html[:200]:
        body_html = f"<p><strong>{EXERCISE_MARK}</strong></p>\n{body_html}"
    if payload:
        payload = {**payload, "exercise": True}
    return subject, body, body_html, payload


def _redact_payload(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: _redact_payload(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact_payload(v) for v in value]
    return value


def new_message(
    *,
    kind: str,
    recipient: str,
    body: str,
    dedupe_key: str,
    subject: str = "",
    body_html: str = "",
    headers: dict[str, str] | None = None,
    payload: dict[str, Any] | None = None,
    organisation: Organisation | None = None,
    is_exercise: bool = False,
    source: str = "",
    reference: models.Model | None = None,
    not_before: dt.datetime | None = None,
) -> OutboxMessage:
    """An unsaved outbox row with everything ``enqueue_message`` sets: exercise marking,
    the first attempt time, the reference. ``enqueue_messages`` saves many at once."""
    if kind not in OutboxMessage.Kind.values:
        raise ValueError(f"unknown message kind {kind!r}")
    # Every message leaves the organisation (e-mail, SMS, webhook, Teams): this is where
    # identity numbers typed into any text are masked, once for all (issue 14).
    subject, body, body_html = redact(subject), redact(body), redact(body_html)
    payload = _redact_payload(dict(payload or {}))
    if is_exercise:
        subject, body, body_html, payload = _mark_exercise(subject, body, body_html, payload)
    now = clock.now()
    return OutboxMessage(
        dedupe_key=dedupe_key,
        kind=kind,
        recipient=recipient.strip(),
        subject=subject,
        body=body,
        body_html=body_html,
        headers=dict(headers or {}),
        payload=payload,
        organisation=organisation,
        is_exercise=is_exercise,
        source=source,
        object_type=reference._meta.label_lower if reference is not None else "",
        object_id=str(reference.pk) if reference is not None else "",
        status=OutboxMessage.Status.PENDING,
        max_attempts=MAX_ATTEMPTS,
        next_attempt_at=max(now, not_before) if not_before else now,
        created_at=now,
    )


def _require_transaction(name: str) -> None:
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError(
            f"{name} must run inside the caller's transaction.atomic()"
        )


def enqueue_message(**fields: Any) -> OutboxMessage:
    """Promise to deliver one message; the ``sendoutbox`` worker keeps the promise.
    Takes the keyword arguments of ``new_message``.

    Must run inside the caller's transaction, so the message exists if and only if the change
    it announces was committed (an ``on_commit`` hook may nudge a worker but is never the
    record). Idempotent on ``dedupe_key``: a second call with the same key returns the
    existing row unchanged, so callers can derive the key from what the message is about
    (``f"escalation:{escalation.code}:{user.code}:sms"``) and call again safely after a retry.
    """
    _require_transaction("enqueue_message")
    draft = new_message(**fields)
    defaults = {
        f.attname: getattr(draft, f.attname)
        for f in OutboxMessage._meta.concrete_fields
        if f.attname not in {"id", "dedupe_key", "code"}
    }
    message, created = OutboxMessage.objects.get_or_create(
        dedupe_key=draft.dedupe_key, defaults=defaults
    )
    if not created and (message.kind, message.recipient) != (draft.kind, draft.recipient):
        # Same key, different message: almost certainly a caller's key is not specific enough.
        log.warning("dedupe key %s reused for a different recipient or kind", draft.dedupe_key)
    return message


def enqueue_messages(messages: list[OutboxMessage]) -> int:
    """Enqueue many messages built with ``new_message`` in one go (a notice to thousands of
    subscribers); rows whose dedupe key already exists are left as they are. Returns how
    many were given. Same transaction rule as ``enqueue_message``."""
    _require_transaction("enqueue_messages")
    OutboxMessage.objects.bulk_create(messages, batch_size=500, ignore_conflicts=True)
    return len(messages)


def retry_message(message: OutboxMessage, *, by: User | None) -> OutboxMessage:
    """Send a dead or failed message again now, with a fresh budget of attempts.

    The admin's "Försök igen". ``attempts`` is never reset (it numbers the delivery
    attempts); ``max_attempts`` moves up instead.
    """
    now = clock.now()
    with transaction.atomic():
        updated = OutboxMessage.objects.filter(
            id=message.id,
            status__in=[OutboxMessage.Status.DEAD, OutboxMessage.Status.FAILED],
        ).update(
            status=OutboxMessage.Status.PENDING,
            next_attempt_at=now,
            max_attempts=F("attempts") + MAX_ATTEMPTS,
        )
        if updated != 1:
            raise MessageStateError("bara meddelanden som misslyckats kan skickas igen")
        record_event(
            "notifications.retry",
            actor=by,
            obj=message,
            organisation=message.organisation,
            dedupe_key=message.dedupe_key,
        )
    message.refresh_from_db()
    return message


def cancel_message(message: OutboxMessage, *, by: User | None) -> OutboxMessage:
    """Stop a message that has not been sent: it ends ``dead`` with a note of who stopped it.

    A message a live worker is sending right now cannot be cancelled (it may already be on
    its way); one whose worker's lease ran out can.
    """
    now = clock.now()
    who = by.get_full_name() if by is not None and by.is_authenticated else "systemet"
    with transaction.atomic():
        waiting = Q(status__in=[OutboxMessage.Status.PENDING, OutboxMessage.Status.FAILED])
        abandoned = Q(status=OutboxMessage.Status.SENDING, claimed_until__lte=now)
        updated = OutboxMessage.objects.filter(waiting | abandoned, id=message.id).update(
            status=OutboxMessage.Status.DEAD,
            next_attempt_at=None,
            claim_token=None,
            claimed_until=None,
            last_error=f"Stoppat av {who}",
        )
        if updated != 1:
            raise MessageStateError("meddelandet är redan skickat, stoppat eller skickas just nu")
        record_event(
            "notifications.cancel",
            actor=by,
            obj=message,
            organisation=message.organisation,
            dedupe_key=message.dedupe_key,
        )
    message.refresh_from_db()
    return message
