"""The ``plannedevents`` worker step: fire one due reminder, start or end of a planned
outage.

The claim protocol (``lib/claim.py``, docs/architecture.md "The claim protocol"):

1. Find a due ``PlannedEvent`` (``sent_at IS NULL AND due_at <= now``, index
   ``planned_event_due_idx``), oldest first and ties by id, with
   ``select_for_update(skip_locked=True)`` on PostgreSQL as an optimisation only.
2. Claim it with a conditional UPDATE on (id, the claim token we saw, still unsent, lease
   free or expired) and a lease (``Claims.take``). Proceed only if exactly one row changed.
3. In **one** transaction: notify subscribers (outbox rows), update the outage and its
   timeline, bump the page version, add later occurrences of a recurring window, and mark
   the event sent keyed on our token (``Claims.release``). There is no external I/O here;
   the outbox worker delivers. If the mark changes nothing our lease ran out and the
   transaction rolls back.
4. If handling fails, push ``due_at`` forward with a backoff, log and re-raise, so one bad
   row cannot crash-loop the worker.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q

from reservrutin.accounts.models import Organisation
from reservrutin.lib import clock
from reservrutin.lib.claim import Claims, compare_and_set
from reservrutin.outages import actions as outage_actions
from reservrutin.statuspage.actions import bump_page_version
from reservrutin.statuspage.fanout import notify_planned
from reservrutin.statuspage.mirror import export_organisation
from reservrutin.statuspage.models import PageVersion, PlannedEvent
from reservrutin.statuspage.planned import extend_window

log = logging.getLogger(__name__)

RETRY_AFTER = dt.timedelta(minutes=1)
RETRY_CAP = dt.timedelta(hours=1)


class LostClaim(Exception):
    """Our lease ran out and another worker took the event over."""


def _lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.WORKER_LEASE_SECONDS)


EVENTS = Claims(PlannedEvent)
UNSENT = Q(sent_at__isnull=True)


def _find(now: dt.datetime) -> tuple[int, uuid.UUID | None] | None:
    """Step 1: (id, claim token) of the oldest due event, in a short transaction."""
    found = EVENTS.find(PlannedEvent.objects.due(now))
    return found[0] if found else None


def claim(event_id: int, seen_token: uuid.UUID | None, now: dt.datetime) -> uuid.UUID | None:
    """Step 2: compare-and-set; our new token, or None if another worker won."""
    return EVENTS.take([(event_id, seen_token)], now=now, until=now + _lease(), still=UNSENT)


def fire_planned_event() -> bool:
    """Fire at most one due planned event; True if there was one (even if another worker
    won the claim, so the loop looks again at once)."""
    now = clock.now()
    found = _find(now)
    if found is None:
        return False
    event_id, seen = found
    token = claim(event_id, seen, now)
    if token is None:
        return True
    try:
        with transaction.atomic():
            _handle(event_id, token, now)
    except LostClaim:
        log.warning("planned event %s: lease lost, another worker took over", event_id)
    except Exception:
        event = PlannedEvent.objects.get(pk=event_id)
        delay = min(RETRY_CAP, RETRY_AFTER * (2 ** max(event.attempts - 1, 0)))
        EVENTS.release((event_id, token), due_at=now + delay)
        log.exception("planned event %s failed; retrying in %s", event_id, delay)
        raise
    return True


def _handle(event_id: int, token: uuid.UUID, now: dt.datetime) -> None:
    event = PlannedEvent.objects.select_related(
        "occurrence__window__organisation", "occurrence__outage"
    ).get(pk=event_id)
    occurrence = event.occurrence
    window = occurrence.window
    outage = occurrence.outage
    # The outage's state changes are outages actions (the planned half of its state
    # machine); a cancelled occurrence's events change nothing and tell nobody.
    cancelled = outage.status == outage.Status.CANCELLED
    if event.kind == PlannedEvent.Kind.REMINDER:
        # A reminder the worker reaches after the start would only confuse; skip it.
        if now < occurrence.starts_at and not cancelled:
            notify_planned(occurrence, "planned_reminder", lead=event.lead)
            outage_actions.announce_planned_outage(outage, at=now)
    elif event.kind == PlannedEvent.Kind.START:
        if outage_actions.start_planned_outage(outage, at=now):
            notify_planned(occurrence, "planned_start")
        _bump(window.organisation)
    else:
        if outage_actions.complete_planned_outage(outage, ended_at=occurrence.ends_at, at=now):
            notify_planned(occurrence, "planned_end")
        extend_window(window, now=now)
        _bump(window.organisation)
    if not EVENTS.release((event_id, token), sent_at=now):
        raise LostClaim(event_id)


def _bump(organisation: Organisation) -> None:
    bump_page_version(organisation)


def mirror_one() -> bool:
    """Rewrite the mirror of one organisation whose page changed since it was last written.

    Writing is idempotent and atomic per file, so two workers racing here at worst write the
    same files twice; the compare-and-set on ``mirrored_version`` only records progress.
    """
    if not settings.STATIC_MIRROR_DIR:
        return False
    row = (
        PageVersion.objects.filter(version__gt=F("mirrored_version"))
        .select_related("organisation")
        .order_by("changed_at")
        .first()
    )
    if row is None:
        return False
    export_organisation(Path(settings.STATIC_MIRROR_DIR), row.organisation)
    compare_and_set(
        PageVersion.objects.filter(pk=row.pk, mirrored_version=row.mirrored_version),
        mirrored_version=row.version,
    )
    return True
