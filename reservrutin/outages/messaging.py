"""Who gets told what: turns "notify role X of this outage" into escalation rows and outbox
messages, inside the caller's transaction.

Recipients come from ``registry.duty.who_answers`` (LMN-07): the people on duty for the
role; if nobody is, the role's manager chain and its fallback contact point (a service-desk
ticket), plus whatever the routine's ``if_off_duty`` adds. Every message of an exercise is
marked ÖVNING by the outbox (``is_exercise``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.db import connection
from django.urls import reverse

from reservrutin.accounts.models import User
from reservrutin.notifications.actions import enqueue_message
from reservrutin.notifications.models import OutboxMessage
from reservrutin.outages import hooks, routing, scope
from reservrutin.outages.actions.timeline import write_entry_in_txn
from reservrutin.outages.models import Escalation, Outage, Task, TimelineEntry
from reservrutin.registry.duty import who_answers
from reservrutin.registry.models import ContactPoint, Role, System

#: The purpose of the first alert about an outage: a report customer service escalates
#: (LMN-04) and the scenario's notify steps. One per person and outage, however many
#: reports, steps or scenario changes reach them (issue 12: the system owner got the same
#: message twice).
ALERT = "alert"

ACK_SALT = "outages.ack"
#: An acknowledge link works this long (an outage's escalations are long over by then).
ACK_MAX_AGE = dt.timedelta(days=30)
#: Unacknowledged this long (divided by the outage's time factor): notify the next level.
DEFAULT_ACK_TIMEOUT = dt.timedelta(minutes=15)


def ack_timeout(outage: Outage) -> dt.timedelta:
    base = getattr(settings, "OUTAGES_ACK_TIMEOUT", DEFAULT_ACK_TIMEOUT)
    return base / outage.time_factor


def ack_token(escalation: Escalation) -> str:
    return signing.dumps(str(escalation.code), salt=ACK_SALT)


def escalation_from_token(token: str) -> Escalation | None:
    try:
        code = signing.loads(token, salt=ACK_SALT, max_age=ACK_MAX_AGE)
        return Escalation.objects.select_related("outage").get(code=uuid.UUID(code))
    except (signing.BadSignature, ValueError, Escalation.DoesNotExist):
        return None


def ack_url(escalation: Escalation) -> str:
    return settings.SITE_URL + reverse("outages:acknowledge", args=[ack_token(escalation)])


def outage_url(outage: Outage) -> str:
    return settings.SITE_URL + reverse(
        "outages:detail", args=[outage.organisation.key, outage.code]
    )


def send(
    outage: Outage,
    *,
    kind: str,
    recipient: str,
    subject: str,
    body: str,
    key: str,
    reference: object = None,
) -> OutboxMessage | None:
    """One outbox row about ``outage``; ``key`` makes it idempotent within the outage."""
    if outage.is_exercise and not hooks.exercise_recipient_allowed.all_allow(outage, recipient):
        return None  # an exercise reaches its participants only (docs/readiness.md)
    return enqueue_message(
        kind=kind,
        recipient=recipient,
        subject=subject,
        body=body,
        dedupe_key=f"outage:{outage.code}:{key}:{kind}"[:255],
        organisation=outage.organisation,
        is_exercise=outage.is_exercise,
        source="outages",
        reference=reference,  # type: ignore[arg-type]
    )


def message_person(
    outage: Outage, user: User, *, subject: str, body: str, key: str, reference: object = None
) -> list[OutboxMessage | None]:
    """E-mail and SMS to ``user`` (whichever they have): an alarm should reach a phone."""
    sent = []
    if user.email:
        sent.append(
            send(
                outage,
                kind="email",
                recipient=user.email,
                subject=subject,
                body=body,
                key=f"{key}:{user.code}",
                reference=reference,
            )
        )
    if user.phone:
        sent.append(
            send(
                outage,
                kind="sms",
                recipient=user.phone,
                subject="",
                body=f"{subject}\n{body}",
                key=f"{key}:{user.code}",
                reference=reference,
            )
        )
    return sent


@dataclass
class Notified:
    """What ``notify_role`` did, for the timeline and the tests."""

    role_key: str
    people: list[User] = field(default_factory=list)
    off_duty: bool = False
    manager_people: list[User] = field(default_factory=list)
    contact_points: list[ContactPoint] = field(default_factory=list)
    escalations: list[Escalation] = field(default_factory=list)
    missing_role: bool = False


def notify_role_in_txn(
    outage: Outage,
    role_ref: str,
    *,
    text: str,
    purpose: str,
    at: dt.datetime,
    system: System | None,
    escalate: bool,
    off_duty_roles: list[str] | None = None,
    off_duty_contact_point: str | None = None,
    task_role: str = "",
    level: int = 0,
) -> Notified:
    """Tell whoever answers for ``role_ref`` now; record one Escalation per recipient.
    Runs inside the caller's transaction (the action or worker step that decided to tell).

    ``purpose`` names why (a scenario step, a backup routine, a timer, a report): a person
    or contact point already told for the same ``purpose`` in this outage is not told
    again, whichever role it reaches them through (two steps or a timer and an activation
    naming the same people send one message each, and the timeline has one line).

    When nobody is on duty: the role's manager (duty chain) and the routine's
    ``off_duty_roles`` are told, and a ticket goes to the fallback contact point (its e-mail
    if it has one, else a task for ``task_role`` to phone it) — LMN-07, S2-05. With
    ``escalate`` the group is escalated to the next level if nobody acknowledges in time.

    An outage limited to units (``Outage.units``) reaches only the holders for those units
    (and the units above and under them) and the holders for the whole organisation, such
    as the system owner (``scope.duty_units``).
    """
    assert connection.in_atomic_block, "notify_role_in_txn needs the caller's transaction"
    result = Notified(role_key=role_ref)
    units = scope.duty_units(outage)
    role = routing.role(outage.organisation, role_ref)
    if role is None:
        result.missing_role = True
        write_entry_in_txn(
            outage,
            TimelineEntry.Kind.ESCALATION,
            f"Rollen {role_ref} finns inte i registret – ingen kunde meddelas.",
            at=at,
            role=role_ref,
            purpose=purpose,
        )
        return result
    answer = who_answers(role, system=system, at=at, units=units)
    group = uuid.uuid4()
    due_at = at + ack_timeout(outage) if escalate else None
    told = outage.escalations.filter(purpose=purpose)
    told_people = set(told.filter(person__isnull=False).values_list("person_id", flat=True))
    told_points = set(
        told.filter(contact_point__isnull=False).values_list("contact_point_id", flat=True)
    )
    if answer.on_duty:
        result.people = [p for p in answer.people if p.pk not in told_people]
        for person in result.people:
            result.escalations.append(
                _escalate_person(outage, role, person, text, purpose, at, group, level, due_at)
            )
    else:
        result.off_duty = True
        managers: list[tuple[Role, User]] = []
        for node in answer.chain()[1:]:
            if node.people:
                managers.extend((node.role, p) for p in node.people)
                break
        for ref in off_duty_roles or []:
            other = routing.role(outage.organisation, ref)
            if other is None:
                continue
            other_answer = who_answers(other, system=system, at=at, units=units)
            managers.extend((other, p) for p in other_answer.first_people())
        seen: set[int] = set(told_people)
        for manager_role, person in managers:
            if person.pk in seen:
                continue
            seen.add(person.pk)
            result.manager_people.append(person)
            result.escalations.append(
                _escalate_person(
                    outage,
                    manager_role,
                    person,
                    f"{role.name} är inte i tjänst. {text}",
                    purpose,
                    at,
                    group,
                    level + 1,
                    due_at,
                )
            )
        points = list(answer.contact_points())
        if off_duty_contact_point:
            extra = routing.contact_point(outage.organisation, off_duty_contact_point)
            if extra is not None and extra.pk not in {p.pk for p in points}:
                points.append(extra)
        for point in points:
            if point.pk in told_points:
                continue
            result.contact_points.append(point)
            result.escalations.append(
                _ticket(outage, role, point, text, purpose, at, group, level, task_role)
            )
    if not result.escalations and (told_people or told_points):
        return result  # everyone this would reach was already told for this purpose
    names = ", ".join(str(p) for p in result.people + result.manager_people) or "ingen"
    summary = (
        f"{role.name} meddelad: {names}."
        if not result.off_duty
        else f"{role.name} är inte i tjänst – meddelat {names}"
        + (
            f" och ärende till {', '.join(p.name for p in result.contact_points)}."
            if result.contact_points
            else "."
        )
    )
    if outage.is_exercise:
        # In an exercise the escalation is recorded as the routine would run it, but only
        # participants are actually contacted; the timeline must not claim otherwise.
        summary += " (Övning: bara deltagarna i övningen får meddelanden.)"
    write_entry_in_txn(
        outage,
        TimelineEntry.Kind.ESCALATION,
        summary,
        at=at,
        role=role_ref,
        purpose=purpose,
        off_duty=result.off_duty,
        people=[str(p.code) for p in result.people + result.manager_people],
        contact_points=[p.key for p in result.contact_points],
    )
    return result


def _escalate_person(
    outage: Outage,
    role: Role,
    person: User,
    text: str,
    purpose: str,
    at: dt.datetime,
    group: uuid.UUID,
    level: int,
    due_at: dt.datetime | None,
) -> Escalation:
    escalation = Escalation.objects.create(
        group=group,
        outage=outage,
        role_key=role.key,
        purpose=purpose[:200],
        person=person,
        level=level,
        text=text,
        notified_at=at,
        due_at=due_at,
    )
    subject = f"Driftstörning: {outage.title}"
    body = (
        f"{text}\n\nDu meddelas som {role.name}.\n"
        f"Kvittera att du tagit emot detta: {ack_url(escalation)}\n"
        f"Störningen: {outage_url(outage)}"
    )
    message_person(
        outage,
        person,
        subject=subject,
        body=body,
        key=f"{purpose}:esc:{escalation.code}",
        reference=escalation,
    )
    return escalation


def _ticket(
    outage: Outage,
    role: Role,
    point: ContactPoint,
    text: str,
    purpose: str,
    at: dt.datetime,
    group: uuid.UUID,
    level: int,
    task_role: str,
) -> Escalation:
    """A ticket at a contact point (LMN-07: an incident at the service desk)."""
    escalation = Escalation.objects.create(
        group=group,
        outage=outage,
        role_key=role.key,
        purpose=purpose[:200],
        contact_point=point,
        level=level,
        text=text,
        notified_at=at,
    )
    body = (
        f"{role.name} är inte i tjänst. Skapa en incident: {outage.title}.\n{text}\n"
        f"Störningen: {outage_url(outage)}"
    )
    if outage.ticket_ref:
        body += f"\nVårt ärende: {outage.ticket_ref}"
    if point.email:
        send(
            outage,
            kind="email",
            recipient=point.email,
            subject=f"Incident: {outage.title}",
            body=body,
            # One incident per outage and contact point, however many notifications ask.
            key=f"ticket:{point.key}",
            reference=escalation,
        )
    elif not outage.tasks.filter(source_key=f"ticket:{point.key}", done_at__isnull=True).exists():
        how = ", ".join(x for x in (point.phone and f"tfn {point.phone}", point.url) if x)
        Task.objects.create(
            outage=outage,
            role_key=task_role,
            instruction=f"Skapa en incident hos {point.name}"
            + (f" ({how})" if how else "")
            + f" – {role.name} är inte i tjänst.",
            source=Task.Source.ESCALATION,
            source_key=f"ticket:{point.key}",
            due="immediately",
            due_at=at,
            created_at=at,
        )
    return escalation
