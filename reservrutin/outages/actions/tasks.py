"""Tasks: what a role or a person must do in an outage, and what happens to them.

- ``_task``: create the task(s) of a routine step, inside the caller's transaction; a step
  addressed to each person (``each``) becomes one task per person, expanded from the
  registry once, at creation (TES-10).
- ``complete_task``: tick a task, optionally with the time it was really done (work done
  on paper and signed afterwards); only its owner may.
- ``take_over_task``: a coordinator takes a step that the routine gives to someone else,
  with a reason on the timeline.
- ``hand_over_task``: "Jag kan inte" — the owner of a personal task cannot do it (a day
  off); the routine's fallback role gets a task naming them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from reservrutin.accounts.models import User
from reservrutin.lib import clock
from reservrutin.outages import queries, routing
from reservrutin.outages.actions.common import OutageError, _due_at
from reservrutin.outages.actions.timeline import write_entry_in_txn
from reservrutin.outages.models import (
    Outage,
    Task,
    TimelineEntry,
)
from reservrutin.routines import schema


class NotYourTask(OutageError):
    """Someone tried to tick, or hand over, a task that is not theirs. The message says
    whose it is; views answer 403 with it (not a bare "Forbidden")."""


def _task(
    outage: Outage,
    *,
    role: str | None,
    instruction: str,
    source: str,
    source_key: str,
    at: dt.datetime,
    script: str = "",
    due: str | None = None,
    each: str | None = None,
    fallback: schema.Fallback | dict[str, Any] | None = None,
) -> list[Task]:
    """The task of a routine step, or with ``each`` one per person concerned. Runs inside
    the caller's transaction. A group nobody holds still gets one task for the role, so
    the step is not lost."""
    if isinstance(fallback, dict):
        fallback = schema.Fallback.model_validate(fallback)
    fields: dict[str, Any] = {
        "outage": outage,
        "role_key": role or "",
        "instruction": instruction,
        "script": script.strip(),
        "source": source,
        "source_key": source_key[:200],
        "due": due or "",
        "due_at": _due_at(due, at, time_factor=outage.time_factor),
        "created_at": at,
    }
    people = queries.task_people(outage, role, each=each, at=at) if each and role else []
    if not people:
        return [Task.objects.create(**fields)]
    if fallback is not None:
        fields.update(
            fallback_role_key=fallback.who,
            fallback_instruction=fallback.what or "",
        )
    return [Task.objects.create(assignee=person, **fields) for person in people]


def _locked(task: Task) -> Task:
    return (
        Task.objects.select_for_update(of=("self",))
        .select_related("outage__organisation", "assignee", "done_by")
        .get(pk=task.pk)
    )


def _clock_time(instant: dt.datetime, *, beside: dt.datetime) -> str:
    """``10:10``, or with the date when it differs from ``beside``'s (local time)."""
    local = clock.local(instant)
    if local.date() == clock.local(beside).date():
        return local.strftime("%H:%M")
    return local.strftime("%Y-%m-%d %H:%M")


def _refuse_closed(task: Task) -> None:
    if task.done_at is not None:
        who = f" av {task.done_by}" if task.done_by else ""
        raise OutageError(
            f"Uppgiften är redan klar: klarmarkerad {_clock_time(task.done_at, beside=clock.now())}"
            f"{who}. Inget ändrades."
        )
    if task.handed_over_at is not None:
        raise OutageError("Uppgiften är redan lämnad över till någon annan. Inget ändrades.")


def _check_performed_at(task: Task, performed_at: dt.datetime, now: dt.datetime) -> None:
    if performed_at > now:
        raise OutageError(
            f"Utfört {_clock_time(performed_at, beside=now)} ligger i framtiden. "
            "Skriv när det faktiskt gjordes.",
            field="performed_at",
        )
    # Times are typed to the minute: compare at the precision shown.
    began = task.outage.started_at.replace(second=0, microsecond=0)
    if performed_at < began:
        raise OutageError(
            f"Utfört {_clock_time(performed_at, beside=began)} ligger före störningens början "
            f"{_clock_time(began, beside=performed_at)}. Skriv när det faktiskt gjordes.",
            field="performed_at",
        )


def _for_whom(task: Task) -> str:
    person = task.assignee or task.on_behalf_of
    return f" ({person})" if person is not None and task.on_behalf_of is None else ""


def complete_task(task: Task, *, by: User | None, performed_at: dt.datetime | None = None) -> Task:
    """Tick ``task``. Only its owner may: the assignee of a personal task, a holder of the
    role the routine gives it to (a coordinator takes it over first), anyone for a task
    without a role. ``performed_at`` is when the work was really done, for work done on
    paper and signed afterwards; the entry time (``done_at``) is always now. A second tick
    is refused with who ticked it."""
    now = clock.now()
    with transaction.atomic():
        task = _locked(task)
        _refuse_closed(task)
        if by is not None:
            refusal = queries.task_refusal(task, by, at=now)
            if refusal:
                raise NotYourTask(refusal)
        if performed_at is not None:
            _check_performed_at(task, performed_at, now)
        updated = Task.objects.filter(
            pk=task.pk, done_at__isnull=True, handed_over_at__isnull=True
        ).update(done_at=now, performed_at=performed_at, done_by=by)
        if not updated:  # pragma: no cover - the row lock makes this unreachable
            raise OutageError("Uppgiften är redan klar. Inget ändrades.")
        text = f"Klart: {task.instruction}{_for_whom(task)}"
        if performed_at is not None:
            who = f" av {by}" if by is not None and by.is_authenticated else ""
            text += (
                f" (utfört {_clock_time(performed_at, beside=now)}, "
                f"registrerat {_clock_time(now, beside=now)}{who})"
            )
        write_entry_in_txn(
            task.outage,
            TimelineEntry.Kind.TASK,
            text,
            at=now,
            by=by,
            task=str(task.code),
            **({"performed_at": performed_at.isoformat()} if performed_at else {}),
        )
    task.refresh_from_db()
    return task


def take_over_task(task: Task, *, by: User, reason: str) -> Task:
    """A coordinator takes over a step the routine gives to another role or person (the
    holder is unreachable, the step cannot wait). The reason goes on the timeline; the task
    becomes the coordinator's to tick."""
    reason = reason.strip()
    now = clock.now()
    with transaction.atomic():
        task = _locked(task)
        _refuse_closed(task)
        if not queries.can_coordinate(by, task.outage.organisation):
            raise NotYourTask("Bara en samordnare kan ta över ett steg.")
        if not reason:
            raise OutageError(
                "Skriv varför du tar över steget; det står i tidslinjen.", field="reason"
            )
        before = str(task.assignee) if task.assignee else _role_label(task)
        task.assignee = by
        task.taken_over_at = now
        task.save(update_fields=["assignee", "taken_over_at"])
        write_entry_in_txn(
            task.outage,
            TimelineEntry.Kind.TASK,
            f"{by} tog över steget ”{task.instruction}” från {before}: {reason}",
            at=now,
            by=by,
            task=str(task.code),
            taken_over_from=before,
            reason=reason,
        )
    return task


def _role_label(task: Task) -> str:
    if not task.role_key:
        return "alla"
    role = routing.role(task.outage.organisation, task.role_key)
    return role.name if role is not None else task.role_key


def hand_over_task(task: Task, *, by: User, reason: str) -> Task:
    """ "Jag kan inte": the owner of a personal task cannot do it (TES-10: a day off), so the
    routine's fallback role gets a task naming them. Said by the owner, by a holder of the
    fallback role they told, or by a coordinator. Returns the fallback task."""
    reason = reason.strip()
    now = clock.now()
    with transaction.atomic():
        task = _locked(task)
        _refuse_closed(task)
        if task.assignee is None or not task.fallback_role_key:
            raise OutageError("Rutinen säger inte vem som tar över den här uppgiften.")
        refusal = queries.hand_over_refusal(task, by)
        if refusal:
            raise NotYourTask(refusal)
        if not reason:
            raise OutageError(
                "Skriv varför uppgiften inte kan göras (till exempel ledig).", field="reason"
            )
        person = task.assignee
        what = task.fallback_instruction or task.instruction
        fallback = Task.objects.create(
            outage=task.outage,
            role_key=task.fallback_role_key,
            on_behalf_of=person,
            replaces=task,
            instruction=f"För {person}: {what}",
            source=Task.Source.FALLBACK,
            source_key=f"{task.source_key}:fallback"[:200],
            due=task.due,
            due_at=task.due_at,
            created_at=now,
        )
        Task.objects.filter(pk=task.pk).update(handed_over_at=now)
        write_entry_in_txn(
            task.outage,
            TimelineEntry.Kind.TASK,
            f"{person} kan inte: {task.instruction} ({reason}). "
            f"{_role_label(fallback)} gör det i stället.",
            at=now,
            by=by,
            task=str(task.code),
            fallback=str(fallback.code),
            reason=reason,
        )
    return fallback
