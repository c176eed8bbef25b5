"""Fan-out: who gets which message about a notice or a planned outage, and the outbox rows.

``notify_subscribers(notice, event)`` and ``notify_planned(occurrence, event)`` run inside
the caller's transaction (a notice action, the ``plannedevents`` worker step) and write one
outbox row per matching active subscription, keyed so that a retried action enqueues
nothing twice; the ``sendoutbox`` worker delivers them. Subscribing, confirming and
unsubscribing are ``subscriptions.py``. See docs/subscriptions.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string

from reservrutin.accounts.models import Organisation
from reservrutin.lib import clock
from reservrutin.notifications.actions import enqueue_messages, new_message
from reservrutin.notifications.transports.webhook import SECRET_KEY_IN_HEADERS
from reservrutin.outages.models import Outage
from reservrutin.registry.models import System
from reservrutin.registry.queries import unit_system_ids
from reservrutin.statuspage.models import Notice, Subscription
from reservrutin.statuspage.subscriptions import status_url, unsubscribe_url

if TYPE_CHECKING:
    from reservrutin.statuspage.models import PlannedOccurrence

Trigger = Subscription.Trigger
Channel = Subscription.Channel

#: ``every_update`` means "everything about outages", not only edits.
EVERY_UPDATE_COVERS = {
    Trigger.NEW_OUTAGE,
    Trigger.EVERY_UPDATE,
    Trigger.BACKUP_ACTIVATED,
    Trigger.RESOLVED,
}


def wants(subscription: Subscription, event: str) -> bool:
    triggers = set(subscription.triggers)
    return event in triggers or (Trigger.EVERY_UPDATE in triggers and event in EVERY_UPDATE_COVERS)


def covers(
    subscription: Subscription,
    system_ids: set[int],
    unit_systems: Mapping[int, set[int]] | None = None,
) -> bool:
    """Whether ``subscription`` is about any of ``system_ids``. A unit's systems are the
    registry's links now (``unit_systems``, from ``registry.queries.unit_system_ids``; read
    here when not given), not when the subscription was made."""
    if subscription.scope == Subscription.Scope.ORGANISATION:
        return True
    if subscription.scope == Subscription.Scope.SYSTEM:
        return subscription.system_id in system_ids
    if unit_systems is None:
        unit_systems = unit_system_ids(subscription.organisation)
    return bool(unit_systems.get(subscription.unit_id, set()) & system_ids)


def matching_subscriptions(
    organisation: Organisation, system_ids: set[int], event: str, *, is_exercise: bool = False
) -> list[Subscription]:
    """Active subscriptions of ``organisation`` that want ``event`` for any of the systems.

    Exercises reach only subscribers a coordinator registered (the people who practise),
    never the public. Triggers are matched in Python: JSON ``contains`` is not portable.
    """
    subs = (
        Subscription.objects.active()
        .filter(organisation=organisation)
        .select_related("organisation")
    )
    if is_exercise:
        subs = subs.filter(registered_by__isnull=False)
    wanting = [s for s in subs if wants(s, event)]
    # The units' systems as the registry has them at this moment, read once for all.
    unit_systems = (
        unit_system_ids(organisation)
        if any(s.scope == Subscription.Scope.UNIT for s in wanting)
        else {}
    )
    return [s for s in wanting if covers(s, system_ids, unit_systems)]


def publish_event_for(notice: Notice) -> str:
    """What publishing ``notice`` means to a subscriber: the backup routine was activated,
    an update to an outage already announced, or a new outage."""
    outage = notice.outage
    if outage is not None and outage.status == Outage.Status.BACKUP_ACTIVE:
        return Trigger.BACKUP_ACTIVATED
    if (
        outage is not None
        and outage.notices.exclude(pk=notice.pk).exclude(status=Notice.Status.DRAFT).exists()
    ):
        return Trigger.EVERY_UPDATE
    return Trigger.NEW_OUTAGE


EVENT_LABELS = {
    Trigger.NEW_OUTAGE: "Driftstörning",
    Trigger.EVERY_UPDATE: "Uppdatering",
    Trigger.BACKUP_ACTIVATED: "Reservrutin gäller",
    Trigger.RESOLVED: "Åtgärdat",
    Trigger.PLANNED_ANNOUNCED: "Planerat avbrott",
    Trigger.PLANNED_REMINDER: "Påminnelse: planerat avbrott",
    Trigger.PLANNED_START: "Planerat avbrott pågår",
    Trigger.PLANNED_END: "Planerat avbrott är klart",
}


def _systems_doc(systems: Iterable[System]) -> list[dict[str, str]]:
    return [{"key": s.key, "name": s.name} for s in systems]


def _fan_out(
    subs: list[Subscription],
    *,
    organisation: Organisation,
    event: str,
    key: str,
    context: dict[str, Any],
    payload: dict[str, Any],
    sms_text: str,
    is_exercise: bool,
    reference: Any,
    source: str,
) -> int:
    """One outbox row per subscription, in the caller's transaction, written in bulk.

    The e-mail templates are rendered once per event with a placeholder for the personal
    unsubscribe link, which is filled in per subscriber: a notice to 10,000 subscribers
    must not hold the publishing transaction open for seconds per thousand.
    """
    placeholder = "__RESERVRUTIN_UNSUBSCRIBE__"
    email_parts: tuple[str, str, str] | None = None
    if any(sub.channel == Channel.EMAIL for sub in subs):
        ctx = {**context, "unsubscribe_url": placeholder, "subscription": None}
        email_parts = (
            render_to_string(context["templates"] + "-subject.txt", ctx).strip(),
            render_to_string(context["templates"] + "-body.txt", ctx),
            render_to_string(context["templates"] + "-body.html", ctx),
        )
    messages = []
    for sub in subs:
        dedupe_key = f"{key}:sub:{sub.pk}"
        unsub = unsubscribe_url(sub)
        common: dict[str, Any] = {
            "recipient": sub.address,
            "dedupe_key": dedupe_key,
            "organisation": organisation,
            "is_exercise": is_exercise,
            "source": source,
            "reference": reference,
        }
        if sub.channel == Channel.EMAIL:
            assert email_parts is not None
            subject, body, body_html = (part.replace(placeholder, unsub) for part in email_parts)
            message = new_message(
                kind="email",
                subject=subject,
                body=body,
                body_html=body_html,
                headers={
                    "List-Unsubscribe": f"<{unsub}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                },
                **common,
            )
        elif sub.channel == Channel.SMS:
            message = new_message(kind="sms", body=f"{sms_text} Avsluta: {unsub}", **common)
        elif sub.channel == Channel.WEBHOOK:
            message = new_message(
                kind="webhook",
                body=sms_text,
                payload={**payload, "id": dedupe_key, "unsubscribe_url": unsub},
                headers={SECRET_KEY_IN_HEADERS: sub.webhook_secret},
                **common,
            )
        else:  # Teams: the transport builds an Adaptive Card from subject and text.
            message = new_message(
                kind="teams",
                subject=context["subject"],
                body=f"{context['text']}\n\n{context['status_url']}",
                **common,
            )
        messages.append(message)
    enqueue_messages(messages)
    return len(subs)


def notify_subscribers(notice: Notice, event: str) -> int:
    """Enqueue ``event`` about ``notice`` to every active matching subscription; returns
    how many. Must run inside the notice action's transaction (``enqueue_message`` checks).

    The dedupe key names the notice, the event and the wording's version (the number of
    revisions), so a retried action enqueues nothing twice and each edit is a new message.
    """
    organisation = notice.organisation
    systems = list(notice.systems.all())
    subs = matching_subscriptions(
        organisation, {s.pk for s in systems}, event, is_exercise=notice.is_exercise
    )
    if not subs:
        return 0
    version = notice.revisions.count()
    label = EVENT_LABELS.get(event, event)
    subject = f"{label}: {notice.title}"
    text = notice.body
    page = status_url(organisation)
    context = {
        "templates": "emails/notice",
        "notice": notice,
        "event": event,
        "event_label": label,
        "organisation": organisation,
        "systems": systems,
        "status_url": page,
        "subject": subject,
        "text": text,
    }
    payload = {
        "type": f"notice.{event}",
        "organisation": {"key": organisation.key, "name": organisation.name},
        "notice": {
            "code": str(notice.code),
            "title": notice.title,
            "body": notice.body,
            "severity": notice.severity,
            "status": notice.status,
            "systems": _systems_doc(systems),
            "backup_routine": notice.backup_routine,
            "published_at": _iso(notice.published_at),
            "updated_at": _iso(notice.updated_at),
            "ended_at": _iso(notice.ended_at),
        },
        "status_url": page,
        "exercise": notice.is_exercise,
    }
    return _fan_out(
        subs,
        organisation=organisation,
        event=event,
        key=f"notice:{notice.code}:{event}:r{version}",
        context=context,
        payload=payload,
        sms_text=f"{organisation.name}: {subject}. {page}",
        is_exercise=notice.is_exercise,
        reference=notice,
        source="statuspage.notice",
    )


def notify_planned(
    occurrence: PlannedOccurrence, event: str, *, lead: dt.timedelta | None = None
) -> int:
    """Enqueue a planned-outage event (announced, reminder, start, end) to subscribers with
    the matching ``planned_*`` trigger. Runs in the caller's transaction."""
    window = occurrence.window
    organisation = window.organisation
    systems = list(window.systems.all())
    subs = matching_subscriptions(organisation, {s.pk for s in systems}, event)
    if not subs:
        return 0
    label = EVENT_LABELS.get(event, event)
    subject = f"{label}: {window.title}"
    local_start, local_end = clock.local(occurrence.starts_at), clock.local(occurrence.ends_at)
    when = f"{local_start:%Y-%m-%d %H:%M}–{local_end:%H:%M}"
    if local_start.date() != local_end.date():
        when = f"{local_start:%Y-%m-%d %H:%M} – {local_end:%Y-%m-%d %H:%M}"
    page = status_url(organisation)
    context = {
        "templates": "emails/planned",
        "window": window,
        "occurrence": occurrence,
        "when": when,
        "event": event,
        "event_label": label,
        "organisation": organisation,
        "systems": systems,
        "status_url": page,
        "subject": subject,
        "text": f"{when}. {window.impact}",
    }
    payload = {
        "type": f"planned.{event.removeprefix('planned_')}",
        "organisation": {"key": organisation.key, "name": organisation.name},
        "planned": {
            "code": str(window.code),
            "title": window.title,
            "outage_type": window.outage_type,
            "impact": window.impact,
            "staff_instructions": window.staff_instructions,
            "starts_at": _iso(occurrence.starts_at),
            "ends_at": _iso(occurrence.ends_at),
            "systems": _systems_doc(systems),
        },
        "status_url": page,
        "exercise": False,
    }
    lead_part = f":{int(lead.total_seconds())}" if lead else ""
    return _fan_out(
        subs,
        organisation=organisation,
        event=event,
        key=f"planned:{window.code}:{occurrence.starts_at:%Y%m%dT%H%M%SZ}:{event}{lead_part}",
        context=context,
        payload=payload,
        sms_text=f"{organisation.name}: {subject} {when}. {page}",
        is_exercise=False,
        reference=occurrence.outage,
        source="statuspage.planned",
    )


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None
