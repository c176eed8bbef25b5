"""Reads for outage pages: what a reporter should do now, countdowns, task boards, review.

No state changes here (those are in ``actions``); views call these and render.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from reservrutin.accounts.access import has_role, member_organisation_ids, visible_organisations
from reservrutin.accounts.models import Membership, Organisation, User
from reservrutin.lib import clock
from reservrutin.outages import routing, scope
from reservrutin.outages.models import Outage, Task, Timer
from reservrutin.registry.duty import who_answers
from reservrutin.registry.models import ContactPoint, Role, RoleAssignment, System
from reservrutin.registry.queries import affected_if_down
from reservrutin.registry.refs import Ref, RoleRef
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


def current_for_user(user: User) -> QuerySet[Outage]:
    """Open outages that concern ``user`` (the home page): of my organisations' systems, or
    of systems my units use, in organisations I may see; newest first."""
    if not user.is_authenticated:
        return Outage.objects.none()
    org_ids = member_organisation_ids(user)
    unit_ids = set(
        Membership.objects.filter(user=user, unit__isnull=False).values_list("unit_id", flat=True)
    )
    return (
        Outage.objects.open()
        .filter(Q(organisation_id__in=org_ids) | Q(systems__units__in=unit_ids))
        .filter(organisation__in=visible_organisations(user))
        .distinct()
        .select_related("organisation", "routine_version__routine__organisation")
        .prefetch_related("systems")
        .order_by("-started_at")
    )


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
            own = {Ref.parse(ref).key for ref in item.systems}
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


def holds_role(user: User, organisation: Organisation, ref: str | RoleRef) -> bool:
    """Whether ``user`` holds the role ``ref`` names (``org:key`` for a partner's role;
    unqualified: ``organisation``'s own)."""
    if not user.is_authenticated:
        return False
    parsed = ref if isinstance(ref, RoleRef) else RoleRef.parse(ref)
    qualified = parsed.qualified(organisation.key)
    return RoleAssignment.objects.filter(
        user=user,
        role__organisation__key=qualified.organisation_key,
        role__key=qualified.role_key,
    ).exists()


def my_role_refs(
    user: User, organisation: Organisation, units: set[int] | None = None
) -> set[RoleRef]:
    """The roles ``user`` holds, in ``organisation`` and its partners, as qualified refs;
    with ``units`` (an outage limited to units, ``scope.duty_units``) only those held for
    the whole organisation or for one of those units."""
    if not user.is_authenticated:
        return set()
    held = RoleAssignment.objects.filter(user=user)
    if units is not None:
        held = held.filter(Q(unit__isnull=True) | Q(unit__in=units))
    rows = held.values_list("role__organisation__key", "role__key")
    return {RoleRef(org_key, key) for org_key, key in rows}


def _task_role(task: Task) -> RoleRef | None:
    if not task.role_key:
        return None
    return RoleRef.parse(task.role_key).qualified(task.outage.organisation.key)


def is_my_task(task: Task, user: User, mine: set[RoleRef]) -> bool:
    """A personal task is its assignee's; a role's step is its holders'; a task without a
    role is everyone's who sees the outage. ``mine`` is ``my_role_refs(user, …)``."""
    if task.assignee_id is not None:
        return task.assignee_id == user.pk
    role = _task_role(task)
    return role is None or role in mine


def task_refusal(task: Task, user: User, *, at: dt.datetime) -> str | None:
    """Why ``user`` may not tick ``task`` — whose step it is, and who holds it now — or None
    when they may. Coordinators too must take a role's step over first (issue 12)."""
    mine = my_role_refs(user, task.outage.organisation, scope.duty_units(task.outage))
    if is_my_task(task, user, mine):
        return None
    tail = (
        _("En samordnare kan ta över det med en motivering.")
        if not can_coordinate(user, task.outage.organisation)
        else _("Ta över steget med en motivering om du ska göra det.")
    )
    if task.assignee_id is not None:
        return _("Uppgiften tillhör %(person)s.") % {"person": task.assignee} + " " + tail
    ref = _task_role(task)
    assert ref is not None  # is_my_task allows tasks without a role
    role = routing.role(task.outage.organisation, ref)
    if role is None:
        return (
            _("Steget tillhör rollen %(role)s, som inte finns i registret.") % {"role": str(ref)}
            + " "
            + tail
        )
    answer = who_answers(role, system=task.outage.systems.order_by("name").first(), at=at)
    people = ", ".join(str(p) for p in answer.people) or _("ingen")
    return (
        _("Steget tillhör %(role)s (i tjänst nu: %(people)s).")
        % {"role": role.name, "people": people}
        + " "
        + tail
    )


def hand_over_refusal(task: Task, user: User) -> str | None:
    """Who may say that the owner of a personal task cannot do it: the owner, a holder of
    the fallback role (the administrator they phoned, TES-10) or a coordinator."""
    if task.assignee_id == user.pk or can_coordinate(user, task.outage.organisation):
        return None
    if task.fallback_role_key and holds_role(
        user, task.outage.organisation, task.fallback_role_key
    ):
        return None
    return _(
        "Bara %(person)s själv, den som tar över (%(role)s) eller en samordnare kan anmäla "
        "att uppgiften inte kan göras."
    ) % {
        "person": task.assignee,
        "role": _role_name(task.outage.organisation, task.fallback_role_key),
    }


def _role_name(organisation: Organisation, ref: str) -> str:
    role = routing.role(organisation, ref) if ref else None
    return role.name if role is not None else ref


def task_people(outage: Outage, ref: str, *, each: str, at: dt.datetime) -> list[User]:
    """Who gets a personal task for a step addressed to each person holding ``ref``:
    every active holder (``each: person``) or those on duty at ``at`` (``person_on_duty``,
    by ``registry.duty.who_answers``). Group expansion happens once, when the task is
    created, so a later change in the registry does not move work between people."""
    role = routing.role(outage.organisation, ref)
    if role is None:
        return []
    units = scope.duty_units(outage)
    if each == "person_on_duty":
        answer = who_answers(
            role, system=outage.systems.order_by("name").first(), at=at, units=units
        )
        return list(answer.people)
    seen: dict[int, User] = {}
    held = role.assignments.select_related("user").order_by("user__full_name", "id")
    if units is not None:
        held = held.filter(Q(unit__isnull=True) | Q(unit__in=units))
    for assignment in held:
        if assignment.user.is_active:
            seen.setdefault(assignment.user.pk, assignment.user)
    return list(seen.values())


@dataclass
class TaskGroup:
    """The tasks of one step on the task board: one row for a role's step, or one per
    person for a step addressed to each person ("7 av 9 klara", and who is left)."""

    tasks: list[Task]

    @property
    def first(self) -> Task:
        return self.tasks[0]

    @property
    def is_personal(self) -> bool:
        """One task per person (a step the routine addresses to each person)."""
        return any(t.assignee_id is not None and not t.taken_over_at for t in self.tasks)

    @property
    def total(self) -> int:
        return len(self.tasks)

    @property
    def done(self) -> int:
        return sum(1 for t in self.tasks if _settled(t))

    @property
    def left(self) -> list[Task]:
        return [t for t in self.tasks if not _settled(t)]


def _settled(task: Task) -> bool:
    """Done, or handed over and done by the fallback."""
    if task.done_at is not None:
        return True
    if task.handed_over_at is not None:
        return any(f.done_at is not None for f in task.fallbacks.all())
    return False


def task_board(outage: Outage, user: User, *, mine_only: bool) -> list[TaskGroup]:
    """Tasks of the outage grouped by step, each task marked with what ``user`` may do with
    it (``mine``: tick it; ``can_take_over``; ``can_hand_over``). With ``mine_only``, only
    groups holding a task the user may tick (a personal group stays whole, so its progress
    and who is left show)."""
    tasks = list(
        outage.tasks.select_related("done_by", "assignee", "on_behalf_of")
        .prefetch_related("fallbacks")
        .order_by("created_at", "id")
    )
    mine = my_role_refs(user, outage.organisation, scope.duty_units(outage))
    coordinator = can_coordinate(user, outage.organisation)
    for task in tasks:
        task.outage = outage  # one organisation for every task; no query per row
    refs = {ref for t in tasks if (ref := _task_role(t)) is not None}
    names = {
        RoleRef(org_key, key): name
        for org_key, key, name in Role.objects.filter(
            organisation__key__in={r.organisation_key for r in refs},
            key__in={r.role_key for r in refs},
        ).values_list("organisation__key", "key", "name")
    }
    groups: dict[tuple[str, ...], TaskGroup] = {}
    for task in tasks:
        task.mine = is_my_task(task, user, mine)  # type: ignore[attr-defined]
        task.role_name = names.get(_task_role(task), task.role_key)  # type: ignore[attr-defined,arg-type]
        task.can_take_over = coordinator and not task.mine and task.is_open  # type: ignore[attr-defined]
        fallback = (
            RoleRef.parse(task.fallback_role_key).qualified(outage.organisation.key)
            if task.fallback_role_key
            else None
        )
        task.can_hand_over = (  # type: ignore[attr-defined]
            task.is_open
            and fallback is not None
            and task.assignee_id is not None
            and (task.assignee_id == user.pk or coordinator or fallback in mine)
        )
        grouped = task.source_key and task.source != Task.Source.FALLBACK
        key = (task.source, task.source_key) if grouped else ("task", str(task.code))
        groups.setdefault(key, TaskGroup([])).tasks.append(task)
    board = list(groups.values())
    if mine_only:
        board = [g for g in board if any(t.mine or t.can_hand_over for t in g.tasks)]  # type: ignore[attr-defined]
    board.sort(
        key=lambda g: (
            g.done == g.total,
            g.first.due_at is None,
            g.first.due_at or g.first.created_at,
            g.first.pk,
        )
    )
    return board


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
        undone_tasks=list(outage.tasks.open()),
        activations=list(outage.activations.select_related("by")),
    )


@dataclass
class ChecklistRow:
    """One line of the paper checklist: who, what, and boxes for initials and time."""

    who: str
    what: str
    #: Already ticked on screen: by whom (or "Lämnad över") and when it was done.
    signed: str = ""
    time: str = ""


def checklist(outage: Outage, *, at: dt.datetime) -> dict[str, Any]:
    """What the printable checklist shows (``checklist_pdf.html``): the outage's steps as
    tasks, one line per person for a step addressed to each person; before any task exists,
    the chosen scenario's steps. Ticks already made are printed, so the paper continues the
    screen."""
    from reservrutin.printouts.pdf import css_string

    doc = routing.document(outage.routine_version)
    scenario = routing.scenario(doc, outage.scenario_key)
    roles = {r.key: r.name for r in outage.organisation.roles.all()}

    def role_name(ref: str) -> str:
        if not ref:
            return ""
        parsed = RoleRef.parse(ref)
        if parsed.belongs_to(outage.organisation.key):
            return roles.get(parsed.role_key, str(parsed))
        return str(parsed)

    rows: list[ChecklistRow] = []
    for task in outage.tasks.select_related("assignee", "on_behalf_of", "done_by").order_by(
        "created_at", "id"
    ):
        who = str(task.assignee) if task.assignee else role_name(task.role_key)
        if task.assignee and task.role_key and not task.taken_over_at:
            who = f"{who} ({role_name(task.role_key)})"
        row = ChecklistRow(who=who, what=task.instruction)
        if task.done_at is not None:
            row.signed = str(task.done_by or "")
            row.time = f"{clock.local(task.performed_at or task.done_at):%H:%M}"
        elif task.handed_over_at is not None:
            row.signed = _("Lämnad över")
        rows.append(row)
    if not rows and scenario is not None:
        rows = [ChecklistRow(who=role_name(s.who or ""), what=s.what) for s in scenario.steps]
    printed = clock.local(at).strftime("%Y-%m-%d %H:%M")
    return {
        "organisation": outage.organisation,
        "outage": outage,
        "scenario": scenario,
        "rows": rows,
        "printed": printed,
        "margin_left": css_string(
            ("ÖVNING – " if outage.is_exercise else "") + outage.organisation.name
        ),
        "margin_right": css_string(f"Utskriven {printed}"),
    }
