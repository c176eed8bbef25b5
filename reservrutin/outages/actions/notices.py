"""Driftinfo for an outage: what the public page shows as the outage moves (LMN-02).

``outages`` does not import ``statuspage``: the notice rows belong to the page registered
registered with the hooks in ``outages.hooks`` (docs/architecture.md, "Layers"). This module decides *when* and *what*
from the routine; the page decides *how*. Every function here runs inside the caller's
transaction (the lifecycle action's or the timer worker's), with the outage locked:

- on confirmation, :func:`follow_confirmation`: the scenario's holding line, or a reminder
  timer for the publisher (``publicera-driftinfo``, default 15 minutes);
- when the reminder falls due and nobody has published, :func:`remind_publisher`: a task
  and an escalation to the publisher role on duty;
- when driftinfo is published, :func:`record_notice` (called by ``statuspage``): the one
  writer of the outage's notice timeline entries, which also cancels the reminder;
- on resolve and close, :func:`end_public_notices`: every current notice ends with its
  final update ("Åtgärdat", the time), except those a publisher keeps on purpose.

Exercises: their notices never reach the public page (the page's rule) and carry one
ÖVNING mark: titles are stored without it and :func:`exercise_text` adds it once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from reservrutin.accounts.models import User
from reservrutin.lib import clock
from reservrutin.outages import hooks, messaging, routing
from reservrutin.outages.actions.common import _document, _first_system
from reservrutin.outages.actions.tasks import _task, complete_task
from reservrutin.outages.actions.timeline import write_entry_in_txn
from reservrutin.outages.models import Outage, Task, TimelineEntry, Timer
from reservrutin.routines import schema

EXERCISE_MARK = "ÖVNING"
#: The key of the reminder timer a confirmation creates when a publisher must write.
PUBLISH_REMINDER = "publicera-driftinfo"
#: The timer action that reminds the publisher role (the value is the role's key).
REMIND_PUBLISHER = "remind_publisher"


def without_exercise_mark(text: str) -> str:
    """``"ÖVNING: Sesam LMN"`` → ``"Sesam LMN"``: the mark is added where text is shown."""
    stripped = text.strip()
    while stripped.upper().startswith(EXERCISE_MARK):
        stripped = stripped[len(EXERCISE_MARK) :].lstrip(" :–-").strip()
    return stripped


def exercise_text(outage: Outage, text: str) -> str:
    """``text`` with exactly one ÖVNING mark when ``outage`` is an exercise."""
    if not outage.is_exercise:
        return text
    return f"{EXERCISE_MARK}: {without_exercise_mark(text)}"


def _instructions(outage: Outage, doc: schema.Routine | None) -> list[dict[str, str]]:
    scenario = routing.scenario(doc, outage.scenario_key) if outage.scenario_key else None
    found = []
    for item in scenario.staff_instructions if scenario else []:
        role = routing.role(outage.organisation, item.role)
        found.append(
            {"role": role.name if role else item.role, "text": "\n".join(item.instructions)}
        )
    return found


def publish_notice_text(
    outage: Outage,
    text: str,
    *,
    by: User | None,
    at: dt.datetime | None = None,
    title: str = "",
    template_key: str = "",
) -> TimelineEntry | None:
    """Publish the routine's driftinfo for ``outage`` (LMN-09, S2-06): ``text`` with the
    backup routine in force and what each role should do now. Publishing the same template
    twice in one outage publishes it once. The outage's timeline entry, or None when no
    status page is installed."""
    at = at or clock.now()
    if template_key:
        existing = outage.timeline.filter(
            kind=TimelineEntry.Kind.NOTICE, data__template=template_key
        ).first()
        if existing is not None:
            return existing
    doc = _document(outage)
    active = outage.activations.order_by("-activated_at").first()
    title = without_exercise_mark(title or outage.title)
    hooks.publish_notice.call_all(
        outage,
        hooks.RoutineNotice(
            title=title,
            body=text,
            severity="outage",
            at=at,
            by=by,
            template_key=template_key,
            backup_routine=active.title if active else "",
            instructions=_instructions(outage, doc),
            timeline_text=exercise_text(outage, f"{title}: {text}".strip()),
        ),
    )
    return outage.timeline.filter(kind=TimelineEntry.Kind.NOTICE).order_by("-id").first()


def record_notice(
    outage: Outage,
    text: str,
    *,
    by: User | None,
    at: dt.datetime,
    published: bool,
    **data: Any,
) -> TimelineEntry:
    """The outage's timeline entry for its driftinfo (``statuspage`` calls this; nothing
    else writes those entries). When driftinfo is ``published``, a pending publish reminder
    is cancelled, and the "publicera driftinfo" task of a reminder that already fired is
    done when a person published: somebody has written. Runs in the caller's transaction
    if there is one, else in its own (like ``timeline.record_on_timeline``)."""
    with transaction.atomic():
        if published:
            cancel_publish_reminder(outage, at=at)
            if by is not None:
                for task in outage.tasks.filter(source_key=PUBLISH_REMINDER, done_at__isnull=True):
                    complete_task(task, by=by)
        return write_entry_in_txn(
            outage, TimelineEntry.Kind.NOTICE, exercise_text(outage, text), at=at, by=by, **data
        )


def cancel_publish_reminder(outage: Outage, *, at: dt.datetime) -> int:
    """Skip the pending ``publicera-driftinfo`` timers of ``outage`` (the skip reason says
    why); how many."""
    return (
        outage.timers.pending()
        .filter(key=PUBLISH_REMINDER)
        .update(
            skipped_at=at,
            skip_reason="Driftinfo publicerades",
            claim_token=None,
            claimed_until=None,
        )
    )


def has_current_notice(outage: Outage) -> bool:
    """Whether driftinfo about ``outage`` is out now (the status page answers)."""
    return any(hooks.has_current_notice.call_all(outage))


def _publisher_role(doc: schema.Routine | None, scenario: schema.Scenario) -> str:
    return scenario.public.publisher_role or (doc.owner_role if doc else None) or ""


def _systems_text(outage: Outage) -> str:
    names = [s.name for s in outage.systems.order_by("name")]
    return " och ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else "".join(names)


def follow_confirmation(
    outage: Outage,
    doc: schema.Routine | None,
    scenario: schema.Scenario,
    *,
    at: dt.datetime,
    by: User | None,
) -> None:
    """What the public sees once ``scenario`` starts: its holding line (unless driftinfo is
    already out), or, when a publisher must write, a reminder timer due ``publish_within``
    (compressed in an exercise). A scenario that waits for instructions (LMN-06) starts no
    timers, this one included."""
    public = scenario.public
    if has_current_notice(outage):
        return
    if public.show == "holding_line":
        systems = _systems_text(outage) or without_exercise_mark(outage.title)
        title = public.title or f"Störning i {systems}"
        text = public.text or f"Vi undersöker en störning i {systems}."
        hooks.publish_notice.call_all(
            outage,
            hooks.RoutineNotice(
                title=without_exercise_mark(title),
                body=text,
                severity=public.state,
                at=at,
                by=None,
                holding_line=True,
                timeline_text=exercise_text(outage, f"Automatisk driftinfo: {text}"),
            ),
        )
        return
    if scenario.wait_for_instructions:
        return
    within = schema.parse_duration(public.publish_within)
    Timer.objects.create(
        outage=outage,
        key=PUBLISH_REMINDER,
        description=f"Ingen har publicerat driftinfo inom {public.publish_within}.",
        due_at=at + within / outage.time_factor,
        actions=[{REMIND_PUBLISHER: _publisher_role(doc, scenario)}],
        created_at=at,
    )


def publish_reminder_skip_reason(timer: Timer, outage: Outage) -> str | None:
    """Why a due publish reminder must not fire: driftinfo is already out."""
    if any(REMIND_PUBLISHER in action for action in timer.actions) and (has_current_notice(outage)):
        return "Driftinfo är redan publicerad."
    return None


def remind_publisher(outage: Outage, role_ref: str, *, at: dt.datetime) -> None:
    """Nobody has published driftinfo in time: a "publicera driftinfo" task for the
    publisher role and an escalation to whoever holds it on duty (their manager or the
    fallback contact point if nobody does, LMN-07)."""
    text = "Publicera driftinfo om störningen – ingen har gjort det ännu."
    _task(
        outage,
        role=role_ref,
        instruction=text,
        source=Task.Source.TIMER,
        source_key=PUBLISH_REMINDER,
        at=at,
        due="immediately",
    )
    if not role_ref:
        write_entry_in_txn(
            outage,
            TimelineEntry.Kind.ESCALATION,
            "Rutinen anger ingen publicerarroll – ingen kunde påminnas om driftinfo.",
            at=at,
        )
        return
    messaging.notify_role_in_txn(
        outage,
        role_ref,
        text=text,
        purpose=f"{PUBLISH_REMINDER}:{role_ref}",
        at=at,
        system=_first_system(outage),
        escalate=True,
    )


def end_public_notices(outage: Outage, *, at: dt.datetime, by: User | None) -> int:
    """End the outage's current driftinfo as it is resolved or closed: each notice gets its
    final update ("Åtgärdat" and the time, or the text a publisher prepared) and the
    systems return to their state on the public page, its feeds, API, widget and mirror
    (the page version is bumped). Notices a publisher keeps on purpose stay. A pending
    publish reminder stops. How many notices ended."""
    cancel_publish_reminder(outage, at=at)
    return sum(hooks.end_outage_notices.call_all(outage, at=at, by=by))
