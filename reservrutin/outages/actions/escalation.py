"""Escalation: nobody acknowledged in time, so the next level is told; acknowledging."""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction

from reservrutin.accounts.models import User
from reservrutin.lib import clock
from reservrutin.outages import messaging, routing
from reservrutin.outages.actions.common import OutageError, _first_system, _lock
from reservrutin.outages.actions.timeline import write_entry_in_txn
from reservrutin.outages.models import (
    Escalation,
    TimelineEntry,
)


def escalate_group_in_txn(escalation: Escalation, *, at: dt.datetime) -> list[Escalation]:
    """Nobody in ``escalation``'s group acknowledged in time: notify the next level (the
    manager role's people on duty, LMN-07). Runs in the worker's transaction."""
    assert connection.in_atomic_block, "escalate_group_in_txn needs the caller's transaction"
    outage = _lock(escalation.outage)
    Escalation.objects.filter(group=escalation.group, escalated_at__isnull=True).update(
        escalated_at=at
    )
    if not outage.is_open:
        return []
    role = routing.role(outage.organisation, escalation.role_key)
    nxt = role.manager_role if role is not None else None
    if nxt is None:
        write_entry_in_txn(
            outage,
            TimelineEntry.Kind.ESCALATION,
            f"Ingen kvitterade meddelandet till {escalation.role_key}, och det finns ingen "
            "längre upp i kedjan att meddela.",
            at=at,
            group=str(escalation.group),
        )
        return []
    notified = messaging.notify_role_in_txn(
        outage,
        nxt.key,
        text=f"Ingen har kvitterat: {escalation.text}",
        purpose=f"escalation:{escalation.group}",
        at=at,
        system=_first_system(outage),
        escalate=True,
        level=escalation.level + 1,
    )
    return notified.escalations


def acknowledge_escalation(token: str, *, by: User | None = None) -> Escalation:
    """Acknowledge from the link in the message (the signed token is the credential);
    acknowledges every row notified together. Acknowledging twice changes nothing."""
    escalation = messaging.escalation_from_token(token)
    if escalation is None:
        raise OutageError("Länken är ogiltig eller för gammal.")
    now = clock.now()
    who = by if by is not None and by.is_authenticated else escalation.person
    with transaction.atomic():
        updated = Escalation.objects.filter(
            group=escalation.group, acknowledged_at__isnull=True
        ).update(acknowledged_at=now, acknowledged_by=who)
        if updated:
            write_entry_in_txn(
                escalation.outage,
                TimelineEntry.Kind.ACKNOWLEDGED,
                f"{who or escalation.role_key} kvitterade meddelandet.",
                at=now,
                by=who,
                group=str(escalation.group),
            )
    escalation.refresh_from_db()
    return escalation
