"""Fan-out: who gets which message about a notice or a planned outage, and the outbox rows.

``notify_subscribers(notice, event)`` and ``notify_planned(occurrence, event)`` run inside
the caller's transaction (a notice action, the ``plannedevents`` worker step) and write one
outbox row per matching active subscription, keyed so that a retried action enqueues
nothing twice; the ``sendoutbox`` worker delivers them. Subscribing, confirming and
unsubscribing are ``subscriptions.py``. See docs/subscriptions.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from reservrutin.accounts.models import Organisation
from reservrutin.lib import clock
from reservrutin.notifications.actions import enqueue_messages, new_message
from reservrutin.notifications.transports.webhook import SECRET_KEY_IN_HEADERS
from reservrutin.outages.models import Outage
from reservrutin.registry.models import System
from reservrutin.registry.queries import (
    DependencyPath,
    dependants_by_cause,
    dependency_edges,
    unit_system_ids,
)
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


@dataclass(frozen=True, slots=True)
class Recipient:
    """A subscription that hears about an event, and why.

    ``paths`` is empty when the subscription covers one of the event's systems itself (or
    the whole organisation). Otherwise it covers systems that need them, directly or
    through others (SOD-07 power, SOD-08 network, SOD-10 login), and ``paths`` says how;
    the message then says why ("Journalsystemet påverkas: avbrott i SITHS-inloggning").
    """

    subscription: Subscription
    paths: tuple[DependencyPath, ...] = ()

    @property
    def affected(self) -> tuple[int, ...]:
        """The systems the subscription covers that need the event's systems."""
        return tuple(dict.fromkeys(p.system_id for p in self.paths))

    @property
    def causes(self) -> tuple[int, ...]:
        """The event's systems that they need."""
        return tuple(dict.fromkeys(p.cause_id for p in self.paths))


def recipients(
    organisation: Organisation, system_ids: set[int], event: str, *, is_exercise: bool = False
) -> list[Recipient]:
    """Active subscriptions of ``organisation`` that want ``event`` for any of the systems,
    or for a system that needs one of them, each once.

    A subscription that covers one of the systems itself gets the plain message, even if
    it also covers systems that need them: one message per subscription and event. A
    system or unit subscription that covers none of them gets it when a system it covers
    needs one of them (``registry.queries.dependants_by_cause``); organisation
    subscriptions cover everything already.

    Exercises reach only subscribers a coordinator registered (the people who practise),
    never the public. Triggers are matched in Python: JSON ``contains`` is not portable.
    Queries: the subscriptions; two for the units' systems if a unit subscribes; one for the
    dependencies if a scoped subscription is not covered directly.
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
    dependants: dict[int, list[DependencyPath]] | None = None
    found = []
    for sub in wanting:
        if covers(sub, system_ids, unit_systems):
            found.append(Recipient(sub))
            continue
        if dependants is None:  # read the dependencies once, and only when needed
            dependants = dependants_by_cause(dependency_edges(organisation), system_ids)
        if sub.scope == Subscription.Scope.SYSTEM:
            mine = {sub.system_id}
        else:
            mine = unit_systems.get(sub.unit_id, set())
        paths = tuple(path for pk in sorted(mine) for path in dependants.get(pk, ()))
        if paths:
            found.append(Recipient(sub, paths))
    return found


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


#: Events that tell of something over: why the subscriber hears is told in the past tense.
_OVER = {Trigger.RESOLVED, Trigger.PLANNED_END}


def _cause_phrases() -> dict[str, str]:
    return {
        Notice.Severity.OUTAGE: _("avbrott i %(systems)s"),
        Notice.Severity.DISTURBANCE: _("störning i %(systems)s"),
        Notice.Severity.MAINTENANCE: _("planerat arbete i %(systems)s"),
        Notice.Severity.INFORMATION: _("information om %(systems)s"),
        "planned": _("planerat avbrott i %(systems)s"),
    }


def _reason(affected: str, cause: str, *, event: str, information: bool) -> str:
    """Why a subscriber to ``affected`` hears about ``cause``: "Journalsystemet påverkas:
    avbrott i SITHS-inloggning" (SOD-10)."""
    if information:
        frame = _("%(systems)s berörs: %(cause)s")
    elif event in _OVER:
        frame = _("%(systems)s påverkades: %(cause)s")
    else:
        frame = _("%(systems)s påverkas: %(cause)s")
    return frame % {"systems": affected, "cause": cause}


def _fan_out_all(
    found: list[Recipient],
    *,
    systems: list[System],
    cause: str,
    title: str,
    sms: Callable[[str], str],
    context: dict[str, Any],
    payload: dict[str, Any],
    information: bool = False,
    **common: Any,
) -> int:
    """``_fan_out`` to the recipients that cover the event's systems themselves, then once
    per reason to those that hear because their systems need them (SOD-07, SOD-08,
    SOD-10). Each subscription is in exactly one of these, so it gets one message, under
    the same dedupe key whatever the reason.

    The reason leads the subject, the texts and the webhook's ``affected``, with the
    registry's notes on what happens ("appen fungerar offline cirka 8 timmar"). The names
    of the affected systems cost one query, and only when someone hears through them.
    """
    direct = [r.subscription for r in found if not r.paths]
    sent = 0
    if direct:
        sent += _fan_out(
            direct, context=context, payload=payload, sms_text=sms(context["subject"]), **common
        )
    through = [r for r in found if r.paths]
    if not through:
        return sent
    known = {s.pk: s for s in systems}
    missing = {pk for r in through for pk in r.affected} - known.keys()
    if missing:
        known.update(System.objects.in_bulk(missing))
    # The same affected systems give the same paths, so the same words.
    groups: dict[tuple[tuple[int, ...], tuple[int, ...]], list[Recipient]] = {}
    for r in through:
        groups.setdefault((r.affected, r.causes), []).append(r)
    for (affected_ids, cause_ids), members in groups.items():
        affected = [known[pk] for pk in affected_ids]
        causes = [known[pk] for pk in cause_ids]
        reason = _reason(
            ", ".join(s.name for s in affected),
            cause % {"systems": ", ".join(s.name for s in causes)},
            event=context["event"],
            information=information,
        )
        notes = list(dict.fromkeys(p.note for p in members[0].paths if p.note))
        subject = f"{context['event_label']}: {reason} – {title}"
        sent += _fan_out(
            [r.subscription for r in members],
            context={
                **context,
                "reason": reason,
                "notes": notes,
                "subject": subject,
                "text": "\n".join([reason, *notes, "", context["text"]]),
            },
            payload={
                **payload,
                "affected": {
                    "systems": _systems_doc(affected),
                    "because_of": _systems_doc(causes),
                    "reason": reason,
                    "notes": notes,
                },
            },
            sms_text=sms(subject),
            **common,
        )
    return sent


def notify_subscribers(notice: Notice, event: str) -> int:
    """Enqueue ``event`` about ``notice`` to every active matching subscription; returns
    how many. Must run inside the notice action's transaction (``enqueue_message`` checks).

    The dedupe key names the notice, the event and the wording's version (the number of
    revisions), so a retried action enqueues nothing twice and each edit is a new message.
    """
    organisation = notice.organisation
    systems = list(notice.systems.all())
    found = recipients(organisation, {s.pk for s in systems}, event, is_exercise=notice.is_exercise)
    if not found:
        return 0
    version = notice.revisions.count()
    label = EVENT_LABELS.get(event, event)
    subject = f"{label}: {notice.title}"
    # "Åtgärdat": the final update is the news; the body says what it was about.
    resolved = event == Trigger.RESOLVED and notice.final_update
    text = f"{notice.final_update}\n\n{notice.body}" if resolved else notice.body
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
            "final_update": notice.final_update or None,
        },
        "status_url": page,
        "exercise": notice.is_exercise,
        "affected": None,
    }
    return _fan_out_all(
        found,
        systems=systems,
        cause=_cause_phrases()[notice.severity],
        title=notice.title,
        sms=lambda subject: f"{organisation.name}: {subject}. {page}",
        information=notice.severity == Notice.Severity.INFORMATION,
        organisation=organisation,
        event=event,
        key=f"notice:{notice.code}:{event}:r{version}",
        context=context,
        payload=payload,
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
    found = recipients(organisation, {s.pk for s in systems}, event)
    if not found:
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
        "affected": None,
    }
    lead_part = f":{int(lead.total_seconds())}" if lead else ""
    return _fan_out_all(
        found,
        systems=systems,
        cause=_cause_phrases()["planned"],
        title=window.title,
        sms=lambda subject: f"{organisation.name}: {subject} {when}. {page}",
        organisation=organisation,
        event=event,
        key=f"planned:{window.code}:{occurrence.starts_at:%Y%m%dT%H%M%SZ}:{event}{lead_part}",
        context=context,
        payload=payload,
        is_exercise=False,
        reference=occurrence.outage,
        source="statuspage.planned",
    )


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None
