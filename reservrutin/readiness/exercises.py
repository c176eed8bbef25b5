"""Exercises (övningar): a routine rehearsed on compressed time with the real outage engine.

An exercise is an ``Outage`` with ``is_exercise`` and ``time_factor`` set, confirmed with the
chosen scenario through ``outages.actions.confirm_outage``: the same steps, tasks and timers
(due after ``duration / speed``, fired by the ``runtimers`` worker). Two things keep it a
rehearsal: the outbox marks every message ÖVNING (``is_exercise``), and
``outages.messaging.send`` asks :func:`recipients.exercise_allows` so only participants are
contacted. The public status page already leaves exercises out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse

from reservrutin.accounts.access import has_role
from reservrutin.accounts.models import Membership, Organisation, Unit, User
from reservrutin.audit.actions import record_event
from reservrutin.lib import clock
from reservrutin.notifications.actions import enqueue_message
from reservrutin.outages import actions as outage_actions
from reservrutin.outages.actions.common import OutageError
from reservrutin.outages.models import Outage, Task, TimelineEntry, Timer
from reservrutin.readiness.models import Exercise, ReadinessCheck
from reservrutin.registry.models import System
from reservrutin.routines.models import Routine

#: Routine time allowed for a task due "immediately" before the report calls it late.
IMMEDIATE_GRACE = dt.timedelta(minutes=15)


class ExerciseError(Exception):
    """The exercise cannot start as asked (unknown routine or scenario, bad speed)."""


def can_run_exercises(user: User, organisation: Organisation) -> bool:
    return has_role(user, organisation, Membership.Role.COORDINATOR)


def start_exercise(
    organisation: Organisation,
    routine_key: str,
    scenario_key: str,
    *,
    unit: Unit | None = None,
    speed: float,
    participants: list[User],
    by: User,
) -> Exercise:
    """Start rehearsing ``scenario_key`` of the routine in force ``routine_key``.

    1. Check: coordinators and organisation admins only; the routine has a version in
       force with that scenario; ``speed`` > 0; at least one participant.
    2. Create the exercise outage (``is_exercise``, ``time_factor=speed``) and the
       ``Exercise`` row with its participants, so the engine's messages can be filtered.
    3. Confirm it with the scenario: the engine writes the timeline, tasks and timers.
    4. Tell every participant that the exercise started (ÖVNING), in the same transaction.
    """
    if not can_run_exercises(by, organisation):
        raise PermissionDenied("Bara samordnare och administratörer startar övningar.")
    if not speed or speed <= 0:
        raise ExerciseError("Tidsfaktorn måste vara större än noll.")
    if not participants:
        raise ExerciseError("En övning behöver minst en deltagare.")
    routine = Routine.objects.filter(organisation=organisation, key=routine_key).first()
    version = routine.version_in_force() if routine else None
    if version is None:
        raise ExerciseError(f"Rutinen {routine_key} har ingen version som gäller.")
    document = version.document()
    scenario = next((s for s in document.scenarios if s.key == scenario_key), None)
    if scenario is None:
        raise ExerciseError(f"Rutinen har inget scenario {scenario_key}.")
    now = clock.now()
    keys = scenario.systems or document.systems
    with transaction.atomic():
        try:
            # The title carries no ÖVNING: every page and message marks it once.
            outage = outage_actions.open_exercise_outage(
                organisation,
                title=scenario.title,
                description=f"Övning av {document.title}" + (f", {unit.name}" if unit else ""),
                routine_version=version,
                time_factor=speed,
                systems=list(System.objects.filter(organisation=organisation, key__in=keys)),
                by=by,
                at=now,
            )
        except OutageError as exc:
            raise ExerciseError(exc.message) from exc
        exercise = Exercise.objects.create(
            organisation=organisation,
            unit=unit,
            outage=outage,
            routine_key=routine_key,
            scenario_key=scenario_key,
            speed=speed,
            started_at=now,
            started_by=by,
        )
        exercise.participants.set(participants)
        outage_actions.record_on_timeline(
            outage,
            kind=TimelineEntry.Kind.NOTE,
            text=(
                f"ÖVNING startad av {by.get_full_name()}: {document.title}, scenario "
                f"{scenario.title}, tidsfaktor {speed:g}, "
                f"{len(participants)} deltagare."
            ),
            by=by,
            at=now,
            exercise=str(exercise.code),
        )
        exercise.outage = outage_actions.confirm_outage(outage, by=by, scenario_key=scenario_key)
        url = settings.SITE_URL + reverse("outages:detail", args=[organisation.key, outage.code])
        for person in participants:
            if not person.email:
                continue
            enqueue_message(
                kind="email",
                recipient=person.email,
                subject=f"Övning startad: {scenario.title}",
                body=(
                    f"Du deltar i en övning av {document.title} ({scenario.title}).\n"
                    f"Tiden går {speed:g} gånger fortare än vanligt.\nFölj övningen: {url}\n"
                ),
                dedupe_key=f"exercise:{exercise.code}:start:{person.code}",
                organisation=organisation,
                is_exercise=True,
                source="readiness.exercise",
                reference=exercise,
            )
        record_event(
            "readiness.exercise_start",
            actor=by,
            obj=exercise,
            organisation=organisation,
            routine=routine_key,
            scenario=scenario_key,
            speed=speed,
        )
    return exercise


def end_exercise(exercise: Exercise, *, by: User) -> Exercise:
    """Stop the exercise: the outage is resolved (pending timers stop with it)."""
    if not can_run_exercises(by, exercise.organisation):
        raise PermissionDenied("Bara samordnare och administratörer avslutar övningar.")
    now = clock.now()
    with transaction.atomic():
        updated = Exercise.objects.filter(pk=exercise.pk, ended_at__isnull=True).update(
            ended_at=now
        )
        if updated:
            outage = Outage.objects.get(pk=exercise.outage_id)
            if outage.is_open:
                # Resolving stops the pending timers and escalations too.
                outage_actions.resolve_outage(outage, at=now, by=by)
    exercise.refresh_from_db()
    return exercise


@dataclass
class TaskRow:
    task: Task
    late: bool
    why: str


@dataclass
class Report:
    """The after-action report: what happened, who did what when, what was late, what
    was found missing."""

    exercise: Exercise
    timeline: list[TimelineEntry]
    tasks: list[TaskRow]
    timers: list[Timer]
    missing: list[ReadinessCheck]
    late: list[TaskRow] = field(default_factory=list)


def _lateness(task: Task, exercise: Exercise, until: dt.datetime) -> tuple[bool, str]:
    if task.due_at is None:
        return False, ""
    allowed = task.due_at
    if task.due == "immediately":
        allowed += IMMEDIATE_GRACE / exercise.speed
    if task.done_at is None:
        if until > allowed:
            return True, "inte klar"
        return False, ""
    if task.done_at > allowed:
        minutes = (task.done_at - task.due_at).total_seconds() * exercise.speed / 60
        return True, f"klar {minutes:.0f} min (rutintid) efter att den skulle"
    return False, ""


def exercise_report(exercise: Exercise) -> Report:
    until = exercise.ended_at or clock.now()
    outage = exercise.outage
    tasks = []
    for task in outage.tasks.select_related("done_by").order_by("created_at", "id"):
        late, why = _lateness(task, exercise, until)
        tasks.append(TaskRow(task=task, late=late, why=why))
    units = [exercise.unit] if exercise.unit else list(exercise.organisation.units.all())
    missing = list(
        ReadinessCheck.objects.filter(
            found_missing=True,
            item__unit__in=units,
            done_at__gte=exercise.started_at,
            done_at__lte=until,
        )
        .select_related("item__unit", "done_by")
        .order_by("done_at")
    )
    return Report(
        exercise=exercise,
        timeline=list(outage.timeline.select_related("actor").order_by("created_at", "id")),
        tasks=tasks,
        timers=list(outage.timers.order_by("due_at", "id")),
        missing=missing,
        late=[t for t in tasks if t.late],
    )


def get_exercise_for_user(user: User, organisation: Organisation, code: object) -> Exercise:
    """An exercise of ``organisation`` for its coordinators, admins and participants."""
    from django.core.exceptions import ValidationError
    from django.http import Http404

    try:
        exercise = Exercise.objects.select_related("outage", "unit", "organisation").get(
            organisation=organisation, code=code
        )
    except (Exercise.DoesNotExist, ValidationError) as exc:
        raise Http404("Exercise not found") from exc
    if can_run_exercises(user, organisation) or exercise.participants.filter(pk=user.pk).exists():
        return exercise
    raise Http404("Exercise not found")


def scenario_choices(organisation: Organisation) -> list[tuple[str, str]]:
    """``routine:scenario`` → label, for every scenario of every routine in force."""
    from reservrutin.routines.models import RoutineVersion

    choices = []
    versions = RoutineVersion.objects.filter(
        routine__organisation=organisation, in_force=True
    ).order_by("routine__title")
    for version in versions:
        document = version.document()
        for scenario in document.scenarios:
            choices.append(
                (f"{version.routine.key}:{scenario.key}", f"{document.title} – {scenario.title}")
            )
    return choices


def people_choices(organisation: Organisation) -> list[tuple[str, str]]:
    users = (
        User.objects.filter(memberships__organisation=organisation, is_active=True)
        .distinct()
        .order_by("full_name", "username")
    )
    return [(u.username, u.get_full_name()) for u in users]


def render_report_pdf(report: Report) -> bytes:
    """The after-action report as PDF bytes (WeasyPrint), marked ÖVNING on every page."""
    from reservrutin.printouts.pdf import css_string, render_pdf

    organisation = report.exercise.organisation
    return render_pdf(
        "readiness/exercise_report_pdf.html",
        {
            "organisation": organisation,
            "report": report,
            "printed": clock.local(clock.now()),
            "margin": css_string(f"ÖVNING – {organisation.name}"),
        },
    )
