"""Reads for registry pages: overviews, "what is affected if X is down", contact points now."""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.http import Http404

from reservrutin.accounts.models import Organisation, Unit
from reservrutin.registry.duty import DutyAnswer, who_answers
from reservrutin.registry.hooks import states_now
from reservrutin.registry.models import (
    ContactPoint,
    Dependency,
    OnCallShift,
    Role,
    RoleAssignment,
    System,
    UnitSystem,
)


@dataclass
class ContactPointNow:
    """A contact point as seen at one instant: open or not, and what to use instead."""

    point: ContactPoint
    is_open: bool
    opens_at: dt.datetime | None
    closes_at: dt.datetime | None
    instead: ContactPoint | None


def contact_point_now(point: ContactPoint, at: dt.datetime) -> ContactPointNow:
    is_open = point.is_open(at)
    change = point.schedule.next_change(at) if point.schedule is not None else None
    instead = None if is_open else point.answering(at)
    return ContactPointNow(
        point=point,
        is_open=is_open,
        opens_at=None if is_open else change,
        closes_at=change if is_open else None,
        instead=instead if instead is not point else None,
    )


def _contact_points() -> Any:
    return ContactPoint.objects.select_related("schedule", "instead__schedule").prefetch_related(
        "schedule__rules", "instead__schedule__rules"
    )


def get_system(organisation: Organisation, key: str) -> System:
    """A system the organisation owns or is a party to (suppliers see the systems they serve)."""
    system = (
        System.objects.filter(Q(organisation=organisation) | Q(parties__organisation=organisation))
        .filter(key=key)
        .select_related("organisation", "sla__supplier", "sla__service_hours")
        .first()
    )
    if system is None:
        raise Http404("System not found")
    return system


def affected_if_down(system: System) -> list[System]:
    """Every system that stops working when ``system`` is down, directly or through others
    (SOD-10: the login service down affects every system that logs in through it)."""
    return _walk(system, forward=False)


def needed_by(system: System) -> list[System]:
    """Every system ``system`` needs, directly or through others (what to check first)."""
    return _walk(system, forward=True)


def _walk(system: System, *, forward: bool) -> list[System]:
    edges: dict[int, set[int]] = {}
    for a, b in Dependency.objects.values_list("system_id", "depends_on_id"):
        src, dst = (a, b) if forward else (b, a)
        edges.setdefault(src, set()).add(dst)
    seen = reachable(edges, system.pk)
    return list(System.objects.filter(pk__in=seen).select_related("organisation").order_by("name"))


def reachable(edges: dict[int, set[int]], start: int) -> set[int]:
    """Every node reachable from ``start`` along ``edges``, without ``start`` itself.

    The registry refuses dependency cycles (``validation.dependency_cycle``), but rows can
    be written around it (a migration, the shell), and a cycle must not hang a public page
    or a publish: ``seen`` ends the walk either way."""
    seen: set[int] = set()
    frontier = [start]
    while frontier:
        node = frontier.pop()
        for nxt in edges.get(node, ()):
            if nxt not in seen and nxt != start:
                seen.add(nxt)
                frontier.append(nxt)
    return seen


#: A dependency as plain values: (system id, depends-on id, kind, note).
Edge = tuple[int, int, str, str]


@dataclass(frozen=True, slots=True)
class DependencyPath:
    """How ``system_id`` needs ``cause_id``: the first dependency on the way (its kind and
    note say how ``system_id`` is hit: "inloggning", "appen fungerar offline cirka 8
    timmar") and the systems in between, nearest first (empty when it is direct)."""

    system_id: int
    cause_id: int
    kind: str
    note: str
    via: tuple[int, ...] = ()


def dependency_edges(organisation: Organisation) -> list[Edge]:
    """The dependencies of ``organisation``'s systems, as plain values, in one query.

    Only edges that start at the organisation's systems: its notices and subscriptions are
    about its own systems, so a chain through another organisation's system is not
    followed."""
    return list(
        Dependency.objects.filter(system__organisation=organisation)
        .order_by("pk")
        .values_list("system_id", "depends_on_id", "kind", "note")
    )


def dependants_by_cause(
    edges: Iterable[Edge], causes: Iterable[int]
) -> dict[int, list[DependencyPath]]:
    """For every system that needs one of ``causes``, directly or through others: one path
    per cause it needs, the shortest (SOD-07 power, SOD-08 network, SOD-10 login).

    Walks back from each cause breadth first, so a direct dependency wins over a longer way
    round; ``seen`` also ends the walk if the rows hold a cycle. The causes themselves are
    not their own dependants. No query: the caller reads ``edges`` however suits it.
    """
    needed_by: dict[int, list[tuple[int, str, str]]] = {}
    for system_id, depends_on_id, kind, note in edges:
        needed_by.setdefault(depends_on_id, []).append((system_id, kind, note or ""))
    found: dict[int, list[DependencyPath]] = {}
    for cause in dict.fromkeys(causes):
        seen = {cause}
        queue = deque([cause])
        via_of: dict[int, tuple[int, ...]] = {cause: ()}
        while queue:
            node = queue.popleft()
            for dependant, kind, note in needed_by.get(node, ()):
                if dependant in seen:
                    continue
                seen.add(dependant)
                # ``node`` is the dependant's next step towards the cause.
                via = () if node == cause else (node, *via_of[node])
                via_of[dependant] = via
                found.setdefault(dependant, []).append(
                    DependencyPath(dependant, cause, kind, note, via)
                )
                queue.append(dependant)
    return found


def unit_system_ids(organisation: Organisation) -> dict[int, set[int]]:
    """For every unit of ``organisation`` that uses a system: the ids of the systems it or a
    unit under it uses. A subscription for a parent unit (VO Hjälpmedel) hears about what
    its units use; a link is not inherited downwards (a unit does not use everything its
    parent does). Two queries, whatever the number of units."""
    parents = dict(Unit.objects.filter(organisation=organisation).values_list("id", "parent_id"))
    found: dict[int, set[int]] = {}
    links = UnitSystem.objects.filter(unit__organisation=organisation).values_list(
        "unit_id", "system_id"
    )
    for unit_id, system_id in links:
        node: int | None = unit_id
        seen: set[int] = set()
        # Up the tree to the root; ``seen`` guards against a cycle typed in the admin.
        while node is not None and node not in seen:
            seen.add(node)
            found.setdefault(node, set()).add(system_id)
            node = parents.get(node)
    return found


def systems_by_unit(organisation: Organisation) -> dict[int, list[System]]:
    """``unit_system_ids`` as systems, by name, for pages."""
    ids = unit_system_ids(organisation)
    systems = System.objects.in_bulk({pk for pks in ids.values() for pk in pks})
    return {
        unit_id: sorted((systems[pk] for pk in pks), key=lambda s: s.name)
        for unit_id, pks in ids.items()
    }


def roles_now(
    organisation: Organisation, at: dt.datetime, system: System | None = None
) -> list[dict[str, Any]]:
    roles = Role.objects.filter(organisation=organisation).select_related(
        "manager_role", "fallback_contact_point"
    )
    if system is not None:
        roles = roles.filter(
            Q(assignments__system=system)
            | Q(assignments__isnull=False, assignments__system__isnull=True)
        ).distinct()
    rows = []
    for role in roles.order_by("name"):
        holders = RoleAssignment.objects.filter(role=role)
        if system is not None:
            holders = holders.filter(Q(system=system) | Q(system__isnull=True))
        answer: DutyAnswer = who_answers(role, system=system, at=at)
        rows.append(
            {
                "role": role,
                "holders": holders.select_related("user", "schedule", "system"),
                "answer": answer,
            }
        )
    return rows


def organisation_overview(organisation: Organisation, *, at: dt.datetime) -> dict[str, Any]:
    systems = (
        System.objects.filter(organisation=organisation)
        .select_related("sla")
        .prefetch_related("parts")
        .order_by("kind", "name")
    )
    systems = list(systems)
    states = states_now(systems, at)
    for s in systems:
        s.state_now = states.get(s.pk)  # type: ignore[attr-defined]
    return {
        "systems": systems,
        "units": organisation.units.select_related("parent")
        .prefetch_related("systems")
        .order_by("name"),
        "partners": organisation.partners.order_by("name"),
        "roles": roles_now(organisation, at),
        "contact_points": [
            contact_point_now(p, at)
            for p in _contact_points().filter(organisation=organisation).order_by("name")
        ],
        "served_systems": System.objects.filter(parties__organisation=organisation)
        .select_related("organisation")
        .distinct(),
        "shifts": OnCallShift.objects.filter(role__organisation=organisation, ends_at__gt=at)
        .select_related("user", "role")
        .order_by("starts_at")[:20],
        "now": at,
    }


def system_overview(
    system: System, *, at: dt.datetime, viewer: Organisation | None = None
) -> dict[str, Any]:
    """What the system page shows. The units using the system are shown to its own
    organisation only: a supplier that serves the system need not see the customer's units."""
    points = (
        _contact_points()
        .filter(Q(systems=system) | Q(organisation=system.organisation, systems__isnull=True))
        .distinct()
        .order_by("name")
    )
    return {
        "system": system,
        "state_now": states_now([system], at).get(system.pk),
        "parts": system.parts.order_by("name"),
        "depends_on": system.dependencies.select_related("depends_on").order_by("depends_on__name"),
        "dependants": Dependency.objects.filter(depends_on=system)
        .select_related("system")
        .order_by("system__name"),
        "affected": affected_if_down(system),
        "needs": needed_by(system),
        "parties": system.parties.select_related("organisation", "contact_point").order_by("kind"),
        "units": system.units.select_related("parent").order_by("name")
        if viewer is None or viewer.pk == system.organisation_id
        else None,
        "roles": roles_now(system.organisation, at, system=system),
        "contact_points": [contact_point_now(p, at) for p in points],
        "sla": system.sla,
        "now": at,
    }


def directory(organisation: Organisation, *, at: dt.datetime) -> dict[str, Any]:
    """The phone directory between care neighbours (SP-10): this organisation's contact
    points and those of its partners, grouped by organisation."""
    orgs = [organisation, *organisation.partners.order_by("name")]
    groups = []
    for org in orgs:
        points = (
            _contact_points().filter(organisation=org, in_directory=True).order_by("kind", "name")
        )
        units = org.units.exclude(phone="").order_by("name")
        groups.append(
            {
                "organisation": org,
                "points": [contact_point_now(p, at) for p in points],
                "units": units,
            }
        )
    return {"groups": groups, "now": at}
