"""Reads for outage pages: what a reporter should do now, countdowns, task boards, review.

No state changes here (those are in ``actions``); views call these and render.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from reservrutin.accounts.access import has_role, visible_organisations
from reservrutin.accounts.models import Membership, Organisation, User
from reservrutin.lib import clock
from reservrutin.outages import routing, scope
from reservrutin.outages.models import Outage, Task, Timer
from reservrutin.registry.models import ContactPoint, RoleAssignment, System
from reservrutin.registry.queries import affected_if_down
from reservrutin.routines import schema


def can_coordinate(user: User, organisation: Organisation) -> bool:
    """Coordinators and organisation admins change an outage's status; others read."""
    return has_role(user, organisation, Membership.Role.COORDINATOR)


def get_outage_for_user(user: User, org_key: str, code: Any) -> Outage:
    """The outage if ``user`` may see it: members of its organisation and partners (404
    otherwise, so outsiders cannot learn that it exists)."""
    organisation = visible_organisations(user).filter(key=org_key).first()
    if organisation is None:
        raise Http404("Outage not found")
    outage = (
        Outage.objects.filter(organisation=organisation, code=code)
        .select_related("organisation", "routine_version__routine")
        .first()
    )
    if outage is None:
        raise Http404("Outage not found")
    return outage


def reportable_systems(organisation: Organisation) -> QuerySet[System]:
    return (
        System.objects.filter(Q(organisation=organisation) | Q(organisation__partners=organisation))
        .distinct()
        .order_by("name")
    )


@dataclass
class ContactNow:
    """A contact point to use now, with the routine's note."""

    point: ContactPoint
    note: str = ""


@dataclass
class Guide:
    """What a reporter should do now (TES-07, TES-09, SOD-11..SOD-13)."""

    routine: schema.Routine | None
    reporting_text: str = ""
    self_check: list[str] = field(default_factory=list)
    required_fields: list[str] = field(default_factory=list)
    contacts: list[ContactNow] = field(default_factory=list)
    instructions: list[str] = field(default_factory=list)
    open_outages: list[Outage] = field(default_factory=list)


def reporting_guide(organisation: Organisation, systems: list[System], at: dt.datetime) -> Guide:
    """Which contact points answer at ``at`` (by the routine's ``when`` and each point's
    hours, ``ContactPoint.answering``), the staff instructions, and open outages."""
    version = routing.routine_for(organisation, systems) if systems else None
    if version is None and not systems:
        version = _any_routine(organisation)
    doc = routing.document(version)
    guide = Guide(routine=doc)
    if doc is not None and doc.reporting is not None:
        rep = doc.reporting
        guide.reporting_text = rep.text or ""
        guide.self_check = list(rep.self_check)
        guide.required_fields = [f.label for f in rep.required_fields]
        office_open = any(
            (p := routing.contact_point(organisation, c.key)) is not None and p.is_open(at)
            for c in rep.contact_points
            if c.when == "office_hours"
        )
        seen: set[int] = set()
        for choice in rep.contact_points:
            point = routing.contact_point(organisation, choice.key)
            if point is None:
                continue
            if choice.when == "office_hours" and not point.is_open(at):
                continue
            if choice.when == "after_hours" and office_open:
                continue
            answering = point.answering(at) if choice.when == "always" else point
            if answering is None or answering.pk in seen:
                continue
            seen.add(answering.pk)
            guide.contacts.append(ContactNow(answering, choice.note or ""))
    if doc is not None:
        keys = {s.key for s in systems}
        for item in routing.scenarios_for(doc, systems):
            if item.scope != "system_unreachable_for_all":
                continue
            own = {ref.split(":")[-1] for ref in item.systems}
            if own and keys and not own & keys:
                continue
            for group in item.staff_instructions:
                guide.instructions.extend(
                    i for i in group.instructions if i not in guide.instructions
                )
        for group in doc.staff_instructions:
            if group.role in ("medarbetare",) and not guide.instructions:
                guide.instructions.extend(group.instructions)
    if systems:
        guide.open_outages = list(
            Outage.objects.open()
            .filter(organisation=organisation, systems__in=systems)
            .distinct()
            .order_by("-started_at")
        )
    return guide


def _any_routine(organisation: Organisation) -> Any:
    from reservrutin.routines.models import RoutineVersion

    return (
        RoutineVersion.objects.filter(in_force=True, routine__organisation=organisation)
        .order_by("routine__title")
        .first()
    )


def next_timer(outage: Outage) -> Timer | None:
    return outage.timers.pending().order_by("due_at").first()


def _span(delta: dt.timedelta) -> str:
    minutes = max(int(delta.total_seconds() // 60), 0)
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return f"{hours} h {minutes} min"
    if hours:
        return f"{hours} h"
    return f"{minutes} min"


def countdown(outage: Outage, at: dt.datetime) -> str:
    """The next timer as a sentence, computed on the server ("Reservrutinen aktiveras om
    1 h 12 min om ingen prognos finns")."""
    if not outage.is_open:
        return ""
    timer = next_timer(outage)
    if timer is None:
        return ""
    from reservrutin.outages.engine import activated_backup, timer_actions

    backup = activated_backup(timer_actions(timer)[0])
    if backup and outage.activations.filter(backup_key=backup).exists():
        # Activated already (activation skips such timers; this guards older rows).
        return ""
    what = "Reservrutinen aktiveras" if backup else f"Tidsgränsen {timer.key} nås"
    when = "nu" if timer.due_at <= at else f"om {_span(timer.due_at - at)}"
    tail = " om ingen prognos finns" if timer.condition == Timer.Condition.WITHOUT_PROGNOSIS else ""
    return f"{what} {when}{tail} (kl. {clock.local(timer.due_at):%H:%M})."


def my_role_keys(user: User, organisation: Organisation, units: set[int] | None = None) -> set[str]:
    """The keys of the roles ``user`` holds; with ``units`` (an outage limited to units,
    ``scope.duty_units``) only those held for the whole organisation or for one of them."""
    if not user.is_authenticated:
        return set()
    held = RoleAssignment.objects.filter(user=user, role__organisation=organisation)
    if units is not None:
        held = held.filter(Q(unit__isnull=True) | Q(unit__in=units))
    return set(held.values_list("role__key", flat=True))


def task_board(outage: Outage, user: User, *, mine_only: bool) -> list[Task]:
    """Tasks of the outage; with ``mine_only``, those for the user's roles and for everyone.
    An outage limited to units gives its role tasks to the holders for those units."""
    tasks = list(outage.tasks.select_related("done_by").order_by("done_at", "due_at", "id"))
    if not mine_only:
        return tasks
    mine = my_role_keys(user, outage.organisation, scope.duty_units(outage))
    return [t for t in tasks if not t.role_key or t.role_key.split(":")[-1] in mine]


def affected_systems(outage: Outage) -> list[System]:
    """Systems not on the outage that depend on one that is (SOD-10: login down affects
    every system logging in through it)."""
    own = list(outage.systems.all())
    own_ids = {s.pk for s in own}
    found: dict[int, System] = {}
    for system in own:
        for other in affected_if_down(system):
            if other.pk not in own_ids:
                found[other.pk] = other
    return sorted(found.values(), key=lambda s: s.name)


@dataclass
class Review:
    """The review after closing (S2-04)."""

    outage: Outage
    first_report_after: dt.timedelta | None
    confirmed_after: dt.timedelta | None
    first_prognosis_after: dt.timedelta | None
    resolved_after: dt.timedelta | None
    sla_rows: list[dict[str, Any]]
    reports: list[Any]
    escalations: list[Any]
    undone_tasks: list[Task]
    activations: list[Any]


def within_hours(schedule: Any, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
    """How much of [start, end) falls within ``schedule`` (a supplier's service hours),
    counted in 5-minute steps: SLA restore times count only service hours (S2-04)."""
    if schedule is None or schedule.always:
        return end - start
    step = dt.timedelta(minutes=5)
    total = dt.timedelta(0)
    t = start
    while t < end:
        if schedule.is_open(t):
            total += min(step, end - t)
        t += step
    return total


def review(outage: Outage) -> Review:
    start = outage.started_at
    first_report = outage.reports.order_by("created_at").first()
    first_prognosis = outage.prognoses.exclude(prognosis_at=None).order_by("set_at").first()
    sla_rows = []
    for system in outage.systems.select_related("sla__service_hours", "sla__supplier"):
        sla = system.sla
        row: dict[str, Any] = {"system": system, "sla": sla, "restore_time": None}
        if sla is not None and sla.restore_time is not None and outage.resolved_at:
            used = within_hours(sla.service_hours, start, outage.resolved_at)
            row.update(restore_time=sla.restore_time, used=used, met=used <= sla.restore_time)
        sla_rows.append(row)

    def after(instant: dt.datetime | None) -> dt.timedelta | None:
        return instant - start if instant else None

    return Review(
        outage=outage,
        first_report_after=after(first_report.created_at if first_report else None),
        confirmed_after=after(outage.confirmed_at),
        first_prognosis_after=after(first_prognosis.set_at if first_prognosis else None),
        resolved_after=after(outage.resolved_at),
        sla_rows=sla_rows,
        reports=list(outage.reports.select_related("unit").order_by("created_at")),
        escalations=list(
            outage.escalations.select_related("person", "contact_point", "acknowledged_by")
        ),
        undone_tasks=list(outage.tasks.filter(done_at__isnull=True)),
        activations=list(outage.activations.select_related("by")),
    )
