"""The step engine: turns a routine's steps and fired timers' actions into notifications,
messages and tasks.

It works on the routine's typed schema objects (``routines.schema``): steps come from the
routine version's document, and a timer's ``actions`` (JSON copied from the routine version
when the timer row was made) are parsed back into ``schema.TimerAction`` when it fires.
Every function here runs inside the caller's transaction (an action's or the timer
worker's), which their ``_in_txn`` names say and an assert checks.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection
from pydantic import ValidationError

from reservrutin.accounts.models import Organisation
from reservrutin.outages import messaging, routing
from reservrutin.outages.actions import lifecycle
from reservrutin.outages.actions.common import _document, _first_system, _fmt
from reservrutin.outages.actions.notices import publish_notice_text
from reservrutin.outages.actions.tasks import _task
from reservrutin.outages.actions.timeline import write_entry_in_txn
from reservrutin.outages.models import (
    Outage,
    Task,
    TimelineEntry,
    Timer,
)
from reservrutin.registry.models import ContactPoint, System, SystemParty
from reservrutin.routines import schema

log = logging.getLogger(__name__)


def _in_txn(name: str) -> None:
    assert connection.in_atomic_block, f"{name} needs the caller's transaction"


# --- steps ---------------------------------------------------------------------------------


class _Run:
    """What every step handler needs: the outage, its routine, where the steps come from."""

    def __init__(
        self, outage: Outage, doc: schema.Routine, *, source: str, at: dt.datetime
    ) -> None:
        self.outage = outage
        self.doc = doc
        self.source = source
        self.at = at
        self.system = _first_system(outage)

    def task(self, step: Any, key: str, *, script: str = "", due: str | None = None) -> None:
        _task(
            self.outage,
            role=step.who,
            instruction=step.what,
            script=script,
            source=self.source,
            source_key=key,
            at=self.at,
            due=due,
            each=getattr(step, "each", None),
            fallback=getattr(step, "fallback", None),
        )


def _notify(run: _Run, step: schema.NotifyStep, key: str) -> None:
    off = step.if_off_duty
    for ref in step.notify_roles:
        messaging.notify_role_in_txn(
            run.outage,
            ref,
            text=step.what,
            purpose=messaging.ALERT,
            at=run.at,
            system=run.system,
            escalate=True,
            off_duty_roles=off.notify_roles if off else None,
            off_duty_contact_point=off.ticket_contact_point if off else None,
            task_role=step.who or "",
        )


def _call_contact_point(run: _Run, step: schema.CallContactPointStep, key: str) -> None:
    point, choice = routing.choose_contact_point(
        run.outage.organisation, step.contact_points, run.at
    )
    run.task(
        step, key, script=_point_text(point, choice.note if choice else None), due="immediately"
    )


def _publish_notice(run: _Run, step: schema.PublishNoticeStep, key: str) -> None:
    if run.outage.timeline.filter(
        kind=TimelineEntry.Kind.NOTICE, data__template=step.template
    ).exists():
        return  # already published (by a timer or the backup routine's notice)
    tpl = routing.template(run.doc, step.template)
    run.task(step, key, script=tpl.text if tpl else "", due="immediately")


def _inform_callers(run: _Run, step: schema.InformCallersStep, key: str) -> None:
    tpl = routing.template(run.doc, step.template)
    run.task(step, key, script=step.script or (tpl.text if tpl else ""), due="immediately")


def _phone_queue_broadcast(run: _Run, step: schema.PhoneQueueBroadcastStep, key: str) -> None:
    tpl = routing.template(run.doc, step.template)
    run.task(step, key, script=step.text or (tpl.text if tpl else ""), due="immediately")


def _wait_for_instructions(run: _Run, step: schema.WaitForInstructionsStep, key: str) -> None:
    run.task(step, key)


def _task_step(run: _Run, step: schema.TaskStep, key: str) -> None:
    run.task(step, key, due=step.due)


def _contact_supplier_step(run: _Run, step: schema.ContactSupplierStep, key: str) -> None:
    _contact_supplier(run.outage, step, key=key, source=run.source, at=run.at, system=run.system)


#: One handler per step type of the routine schema; a new step type without a handler
#: fails ``test_engine_typed`` (every member of ``schema.Step`` must be here).
STEP_HANDLERS: dict[type[Any], Callable[[_Run, Any, str], None]] = {
    schema.NotifyStep: _notify,
    schema.ContactSupplierStep: _contact_supplier_step,
    schema.CallContactPointStep: _call_contact_point,
    schema.PublishNoticeStep: _publish_notice,
    schema.InformCallersStep: _inform_callers,
    schema.PhoneQueueBroadcastStep: _phone_queue_broadcast,
    schema.WaitForInstructionsStep: _wait_for_instructions,
    schema.TaskStep: _task_step,
}


def run_steps_in_txn(
    outage: Outage,
    doc: schema.Routine,
    steps: Sequence[Any],
    *,
    source: str,
    prefix: str,
    at: dt.datetime,
) -> None:
    """Turn routine steps (``schema.Step`` objects) into notifications (with escalation),
    messages and tasks."""
    _in_txn("run_steps_in_txn")
    run = _Run(outage, doc, source=source, at=at)
    for index, step in enumerate(steps):
        STEP_HANDLERS[type(step)](run, step, f"{prefix}:{step.id or index}")


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
        write_entry_in_txn(
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


# --- timers --------------------------------------------------------------------------------


def timer_actions(timer: Timer) -> tuple[list[schema.TimerAction], list[str]]:
    """The timer's stored actions as ``schema.TimerAction`` objects, and a description of
    each stored action that no longer reads (rows older than a schema change keep working
    for every action that still validates; the rest are reported, not guessed at)."""
    parsed: list[schema.TimerAction] = []
    broken: list[str] = []
    for raw in timer.actions or []:
        try:
            parsed.append(schema.TimerAction.model_validate(raw))
        except ValidationError as exc:
            log.warning("timer %s: unreadable action %r: %s", timer.pk, raw, exc)
            broken.append(str(raw)[:200])
    return parsed, broken


def timer_actions_json(actions: Sequence[schema.TimerAction]) -> list[dict[str, Any]]:
    """How a timer row stores its actions (read back by :func:`timer_actions`)."""
    return [a.model_dump(mode="json", exclude_none=True) for a in actions]


def activated_backup(actions: Sequence[schema.TimerAction]) -> str | None:
    return next((a.activate_backup_routine for a in actions if a.activate_backup_routine), None)


def apply_timer_in_txn(timer: Timer, outage: Outage, *, at: dt.datetime) -> None:
    """Run a fired timer's actions: activate, publish, notify, create tasks."""
    _in_txn("apply_timer_in_txn")
    write_entry_in_txn(
        outage,
        TimelineEntry.Kind.TIMER,
        f"Tidsgränsen {timer.key} nåddes"
        + (f": {timer.description}" if timer.description else "."),
        at=at,
        timer=str(timer.code),
    )
    actions, broken = timer_actions(timer)
    for raw in broken:
        write_entry_in_txn(
            outage,
            TimelineEntry.Kind.TIMER,
            f"En åtgärd i tidsgränsen {timer.key} gick inte att läsa och utfördes inte: {raw}",
            at=at,
            timer=str(timer.code),
        )
    backup_key = activated_backup(actions)
    for action in actions:
        if action.activate_backup_routine:
            lifecycle.activate_backup_routine_in_txn(
                outage,
                action.activate_backup_routine,
                by=None,
                reason=timer.description or f"Tidsgränsen {timer.key} nåddes.",
                timer=timer,
                at=at,
            )
    apply_timer_effects_in_txn(timer, outage, actions, backup_key=backup_key, at=at)


def apply_timer_effects_in_txn(
    timer: Timer,
    outage: Outage,
    actions: Sequence[schema.TimerAction],
    *,
    backup_key: str | None,
    at: dt.datetime,
) -> None:
    """The actions of a timer other than activating a backup routine: publish, notify,
    create tasks. Also run early when a person activates the timer's backup routine
    before the timer falls due (``lifecycle.activate_backup_routine``)."""
    _in_txn("apply_timer_effects_in_txn")
    doc = _document(outage)
    backup = routing.backup_routine(doc, backup_key) if backup_key else None
    for action in actions:
        if action.publish_notice:
            tpl = routing.template(doc, action.publish_notice)
            if tpl is not None:
                publish_notice_text(
                    outage, tpl.text, by=None, at=at, title=tpl.title or "", template_key=tpl.key
                )
        elif action.notify:
            text = f"{backup.title} gäller nu." if backup else timer.description or timer.key
            purpose = f"backup:{backup_key}" if backup_key else f"timer:{timer.key}"
            for ref in action.notify:
                messaging.notify_role_in_txn(
                    outage,
                    ref,
                    text=text,
                    purpose=purpose,
                    at=at,
                    system=_first_system(outage),
                    escalate=False,
                )
        elif action.create_tasks:
            create_tasks_in_txn(
                outage, action.create_tasks, source=Task.Source.TIMER, key=timer.key, at=at
            )


def create_tasks_in_txn(
    outage: Outage, items: Sequence[schema.Task], *, source: str, key: str, at: dt.datetime
) -> None:
    """The routine's ``schema.Task`` items as tasks (``source_key`` ``<key>:<index>``)."""
    _in_txn("create_tasks_in_txn")
    for index, item in enumerate(items):
        _task(
            outage,
            role=item.who,
            instruction=item.what,
            source=source,
            source_key=f"{key}:{index}",
            at=at,
            due=item.due,
            each=item.each,
            fallback=item.fallback,
        )


def skip_reason(timer: Timer, outage: Outage, *, at: dt.datetime) -> str | None:
    """Why a due timer must not fire now, or None if it fires."""
    if not outage.is_open:
        return "Störningen är redan åtgärdad."
    if (
        timer.condition == Timer.Condition.WITHOUT_PROGNOSIS
        and outage.prognosis_at is not None
        and outage.prognosis_at > at
    ):
        return f"Prognos finns: {_fmt(outage.prognosis_at)}."
    return None


def rearm_timer_in_txn(
    timer: Timer, outage: Outage, *, at: dt.datetime, reason: str
) -> Timer | None:
    """After a skip for a prognosis: a new row due when the prognosis passes (+ ``rearm``),
    so the routine's action still comes if the system is not back by then."""
    _in_txn("rearm_timer_in_txn")
    if not outage.is_open or outage.prognosis_at is None:
        return None
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
    write_entry_in_txn(
        outage,
        TimelineEntry.Kind.TIMER,
        f"Tidsgränsen {timer.key} väntar: {reason} Gäller om störningen inte är åtgärdad "
        f"{_fmt(nxt.due_at)}.",
        at=at,
        timer=str(nxt.code),
    )
    return nxt
