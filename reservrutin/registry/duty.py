"""Who answers for a role of a system at a given time, and what to do when nobody does.

This is the one function escalation uses (LMN-07, S2-05): ask the people on duty for the
role; if nobody is, go to the role's manager role AND its fallback contact point (a
service-desk ticket), recursively, without looping.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q

from reservrutin.accounts.models import User
from reservrutin.registry.models import ContactPoint, OnCallShift, Role, System

MAX_CHAIN = 5


@dataclass
class DutyAnswer:
    """The answer to "who answers for ``role`` of ``system`` at ``at``"."""

    role: Role
    system: System | None
    at: dt.datetime
    #: People on duty for the role now, the one to contact first first.
    people: list[User] = field(default_factory=list)
    #: Why these people: "override", "rota" or "schedule".
    source: str = ""
    #: When nobody is on duty: the manager role's answer (LMN-07: the owner's manager) ...
    manager: DutyAnswer | None = None
    #: ... and at the same time this contact point (LMN-07: a service-desk ticket).
    contact_point: ContactPoint | None = None

    @property
    def on_duty(self) -> bool:
        return bool(self.people)

    def chain(self) -> list[DutyAnswer]:
        """This answer followed by its fallbacks, nearest first."""
        answers: list[DutyAnswer] = [self]
        node = self.manager
        while node is not None:
            answers.append(node)
            node = node.manager
        return answers

    def first_people(self) -> list[User]:
        """Whoever is reached first along the chain (empty if nobody at all is on duty)."""
        for answer in self.chain():
            if answer.people:
                return answer.people
        return []

    def contact_points(self) -> list[ContactPoint]:
        """Every fallback contact point along the chain until someone is on duty."""
        points: list[ContactPoint] = []
        for answer in self.chain():
            if answer.people:
                break
            if answer.contact_point is not None:
                points.append(answer.contact_point)
        return points


def _system_filter(system: System | None) -> Q:
    if system is None:
        return Q(system__isnull=True)
    return Q(system__isnull=True) | Q(system=system)


def _unit_filter(units: set[int] | None) -> Q:
    """Holders for the whole organisation, and — for an outage limited to units — holders
    for one of ``units``; None: every holder."""
    if units is None:
        return Q()
    return Q(unit__isnull=True) | Q(unit__in=units)


def _people_on_duty(
    role: Role, system: System | None, at: dt.datetime, units: set[int] | None = None
) -> tuple[list[User], str]:
    shifts = (
        OnCallShift.objects.covering(at)
        .filter(_system_filter(system), role=role)
        .select_related("user")
        .order_by("-is_override", "starts_at")
    )
    overrides = [s.user for s in shifts if s.is_override and s.user.is_active]
    if overrides:
        return overrides, "override"
    rota = [s.user for s in shifts if s.user.is_active]
    if rota:
        return rota, "rota"
    assignments = (
        role.assignments.filter(_system_filter(system), _unit_filter(units), user__is_active=True)
        .select_related("user", "schedule")
        .prefetch_related("schedule__rules")
        .order_by("order", "id")
    )
    # A system-specific holder comes before one who holds the role for every system.
    people = [
        a.user
        for a in sorted(assignments, key=lambda a: (a.system_id is None, a.order, a.pk))
        if a.schedule is None or a.schedule.is_open(at)
    ]
    return people, "schedule" if people else ""


def who_answers(
    role: Role, *, system: System | None = None, at: dt.datetime, units: set[int] | None = None
) -> DutyAnswer:
    """Who answers for ``role`` (of ``system``) at ``at``, with the fallback chain.

    With ``units`` (an outage limited to units, ``outages.scope.duty_units``) only holders
    for those units or for the whole organisation answer; rota shifts name no unit and
    always answer."""
    return _answer(role, system, at, seen=set(), units=units)


def _answer(
    role: Role,
    system: System | None,
    at: dt.datetime,
    *,
    seen: set[int],
    units: set[int] | None = None,
) -> DutyAnswer:
    seen.add(role.pk)
    people, source = _people_on_duty(role, system, at, units)
    answer = DutyAnswer(role=role, system=system, at=at, people=people, source=source)
    if people:
        return answer
    if role.fallback_contact_point_id:
        fallback = role.fallback_contact_point
        answer.contact_point = fallback.answering(at) if fallback else None
        if answer.contact_point is None:
            answer.contact_point = fallback
    if role.manager_role_id and role.manager_role_id not in seen and len(seen) < MAX_CHAIN:
        answer.manager = _answer(role.manager_role, system, at, seen=seen, units=units)
    return answer
