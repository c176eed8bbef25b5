"""The step engine: turns a routine's steps and fired timers' actions into notifications,
messages and tasks. Runs inside the caller's transaction (an action's or the timer worker's)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from reservrutin.accounts.models import Organisation
from reservrutin.outages import messaging, routing
from reservrutin.outages.actions import lifecycle, notices
from reservrutin.outages.actions.common import _document, _first_system, _fmt
from reservrutin.outages.actions.notices import publish_notice_text
from reservrutin.outages.actions.tasks import _task
from reservrutin.outages.actions.timeline import _entry
from reservrutin.outages.models import (
    Outage,
    Task,
    TimelineEntry,
    Timer,
)
from reservrutin.registry.models import ContactPoint, System, SystemParty
from reservrutin.routines import schema


def run_steps(
    outage: Outage,
    doc: schema.Routine,
    steps: list[Any],
    *,
    source: str,
    prefix: str,
    at: dt.datetime,
) -> None:
    """Turn routine steps into notifications (with escalation), messages and tasks."""
    system = _first_system(outage)
    org = outage.organisation
    for index, step in enumerate(steps):
        key = f"{prefix}:{step.id or index}"
        if step.kind == "notify":
            off = step.if_off_duty
            for ref in step.notify_roles:
                messaging.notify_role(
                    outage,
                    ref,
                    text=step.what,
                    purpose=f"{key}:{ref}",
                    at=at,
                    system=system,
                    escalate=True,
                    off_duty_roles=off.notify_roles if off else None,
                    off_duty_contact_point=off.ticket_contact_point if off else None,
                    task_role=step.who or "",
                )
        elif step.kind == "contact_supplier":
            _contact_supplier(outage, step, key=key, source=source, at=at, system=system)
        elif step.kind == "call_contact_point":
            point, choice = routing.choose_contact_point(org, step.contact_points, at)
            _task(
                outage,
                role=step.who,
                instruction=step.what,
                script=_point_text(point, choice.note if choice else None),
                source=source,
                source_key=key,
                at=at,
                due="immediately",
            )
        elif step.kind == "publish_notice":
            tpl = routing.template(doc, step.template)
            if outage.timeline.filter(
                kind=TimelineEntry.Kind.NOTICE, data__template=step.template
            ).exists():
                continue  # already published (by a timer or the backup routine's notice)
            _task(
                outage,
                role=step.who,
                instruction=step.what,
                script=tpl.text if tpl else "",
                source=source,
                source_key=key,
                at=at,
                due="immediately",
            )
        elif step.kind in ("inform_callers", "phone_queue_broadcast"):
            tpl = routing.template(doc, step.template)
            own = step.script if step.kind == "inform_callers" else step.text
            _task(
                outage,
                role=step.who,
                instruction=step.what,
                script=own or (tpl.text if tpl else ""),
                source=source,
                source_key=key,
                at=at,
                due="immediately",
            )
        elif step.kind == "wait_for_instructions":
            _task(
                outage,
                role=step.who,
                instruction=step.what,
                source=source,
                source_key=key,
                at=at,
            )
        else:
            _task(
                outage,
                role=step.who,
                instruction=step.what,
                source=source,
                source_key=key,
                at=at,
                due=getattr(step, "due", None),
            )


def _point_text(point: ContactPoint | None, note: str | None) -> str:
    if point is None:
        return note or ""
    parts = [point.name]
    if point.phone:
        parts.append(f"tfn {point.phone}")
    if point.url:
        parts.append(point.url)
    if point.email:
        parts.append(point.email)
    text = ", ".join(parts)
    return f"{text}. {note}" if note else text


def _contact_supplier(
    outage: Outage,
    step: schema.ContactSupplierStep,
    *,
    key: str,
    source: str,
    at: dt.datetime,
    system: System | None,
) -> None:
    """A message to the supplier's contact point if it has an e-mail, else a task to phone
    it (LMN-07 "also contact the supplier", S2-07 "tell the orthopaedic provider")."""
    supplier = Organisation.objects.filter(key=step.supplier).first()
    point: ContactPoint | None = None
    if step.contact_point:
        point = routing.contact_point(outage.organisation, step.contact_point)
    if point is None and supplier is not None:
        party = (
            SystemParty.objects.filter(organisation=supplier, contact_point__isnull=False)
            .filter(system__in=outage.systems.all())
            .select_related("contact_point")
            .first()
        )
        point = party.contact_point if party else None
    if point is None and supplier is not None:
        point = ContactPoint.objects.filter(organisation=supplier).order_by("name").first()
    name = supplier.name if supplier else step.supplier
    if point is not None and point.email:
        messaging.send(
            outage,
            kind="email",
            recipient=point.email,
            subject=f"Driftstörning: {outage.title}",
            body=f"{step.what}\n\n{outage.title} har en driftstörning sedan "
            f"{_fmt(outage.started_at)}."
            + (f" Ärende hos servicedesk: {outage.ticket_ref}." if outage.ticket_ref else ""),
            key=f"{key}:supplier:{step.supplier}",
        )
        _entry(
            outage,
            TimelineEntry.Kind.MESSAGE,
            f"Meddelande skickat till {name} ({point.email}).",
            at=at,
            supplier=step.supplier,
        )
        return
    _task(
        outage,
        role=step.who,
        instruction=f"{step.what} ({name})",
        script=_point_text(point, None) if point else "",
        source=source,
        source_key=key,
        at=at,
        due="immediately",
    )


def apply_timer(timer: Timer, outage: Outage, *, at: dt.datetime) -> None:
    """Run a fired timer's actions: activate, publish, notify, create tasks."""
    doc = _document(outage)
    _entry(
        outage,
        TimelineEntry.Kind.TIMER,
        f"Tidsgränsen {timer.key} nåddes"
        + (f": {timer.description}" if timer.description else "."),
        at=at,
        timer=str(timer.code),
    )
    backup_key = next(
        (a["activate_backup_routine"] for a in timer.actions if "activate_backup_routine" in a),
        None,
    )
    for action in timer.actions:
        if "activate_backup_routine" in action:
            lifecycle.activate_backup_routine(
                outage,
                action["activate_backup_routine"],
                by=None,
                reason=timer.description or f"Tidsgränsen {timer.key} nåddes.",
                timer=timer,
            )
        elif "publish_notice" in action:
            tpl = routing.template(doc, action["publish_notice"])
            if tpl is not None:
                publish_notice_text(
                    outage, tpl.text, by=None, at=at, title=tpl.title or "", template_key=tpl.key
                )
        elif "notify" in action:
            backup = routing.backup_routine(doc, backup_key) if backup_key else None
            text = f"{backup.title} gäller nu." if backup else timer.description or timer.key
            for ref in action["notify"]:
                purpose = (
                    f"backup:{backup_key}:{ref}" if backup_key else f"timer:{timer.code}:{ref}"
                )
                messaging.notify_role(
                    outage,
                    ref,
                    text=text,
                    purpose=purpose,
                    at=at,
                    system=_first_system(outage),
                    escalate=False,
                )
        elif notices.REMIND_PUBLISHER in action:
            notices.remind_publisher(outage, action[notices.REMIND_PUBLISHER], at=at)
        elif "create_tasks" in action:
            for index, item in enumerate(action["create_tasks"]):
                _task(
                    outage,
                    role=item.get("who"),
                    instruction=item["what"],
                    source=Task.Source.TIMER,
                    source_key=f"{timer.key}:{index}",
                    at=at,
                    due=item.get("due"),
                )


def skip_reason(timer: Timer, outage: Outage, *, at: dt.datetime) -> str | None:
    """Why a due timer must not fire now, or None if it fires."""
    if not outage.is_open:
        return "Störningen är redan åtgärdad."
    if (reason := notices.publish_reminder_skip_reason(timer, outage)) is not None:
        return reason
    if (
        timer.condition == Timer.Condition.WITHOUT_PROGNOSIS
        and outage.prognosis_at is not None
        and outage.prognosis_at > at
    ):
        return f"Prognos finns: {_fmt(outage.prognosis_at)}."
    return None


def rearm_timer(timer: Timer, outage: Outage, *, at: dt.datetime, reason: str) -> Timer | None:
    """After a skip for a prognosis: a new row due when the prognosis passes (+ ``rearm``),
    so the routine's action still comes if the system is not back by then."""
    if not outage.is_open or outage.prognosis_at is None:
        return None
    if timer.condition != Timer.Condition.WITHOUT_PROGNOSIS:
        return None  # skipped for another reason (a publish reminder after driftinfo is out)
    nxt = Timer.objects.create(
        outage=outage,
        key=timer.key,
        description=timer.description,
        due_at=outage.prognosis_at + (timer.rearm or dt.timedelta(0)),
        condition=timer.condition,
        rearm=timer.rearm,
        actions=timer.actions,
        rearmed_from=timer,
        created_at=at,
    )
    _entry(
        outage,
        TimelineEntry.Kind.TIMER,
        f"Tidsgränsen {timer.key} väntar: {reason} Gäller om störningen inte är åtgärdad "
        f"{_fmt(nxt.due_at)}.",
        at=at,
        timer=str(nxt.code),
    )
    return nxt
