"""Load the demo catalogue (``catalog.yaml``) into the registry. Safe to run twice: every row
is found by its stable key and updated in place."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from reservrutin.accounts.models import Membership, Organisation, Unit, User
from reservrutin.lib import clock
from reservrutin.registry.actions import link_system_to_unit
from reservrutin.registry.models import (
    ContactPoint,
    Dependency,
    DutySchedule,
    OnCallShift,
    OpeningHours,
    Role,
    RoleAssignment,
    ServiceLevel,
    System,
    SystemPart,
    SystemParty,
)

CATALOG = Path(__file__).with_name("catalog.yaml")


def _time(text: str) -> dt.time:
    return dt.time.fromisoformat(text)


@transaction.atomic
def load(path: Path = CATALOG) -> dict[str, Organisation]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries: list[dict[str, Any]] = data["organisations"]
    orgs: dict[str, Organisation] = {}
    for entry in entries:
        org, _ = Organisation.objects.update_or_create(
            key=entry["key"],
            defaults={
                "name": entry["name"],
                "kind": entry["kind"],
                "description": entry.get("description", ""),
                "allows_unauthenticated_reports": entry.get(
                    "allows_unauthenticated_reports", False
                ),
            },
        )
        orgs[org.key] = org
    schedules: dict[tuple[str, str], DutySchedule] = {}
    for entry in entries:
        org = orgs[entry["key"]]
        org.partners.add(*(orgs[k] for k in entry.get("partners", [])))
        for unit in entry.get("units", []):
            Unit.objects.update_or_create(
                organisation=org,
                key=unit["key"],
                defaults={
                    "name": unit["name"],
                    "phone": unit.get("phone", ""),
                    "parent": Unit.objects.get(organisation=org, key=unit["parent"])
                    if unit.get("parent")
                    else None,
                },
            )
        for item in entry.get("schedules", []):
            schedule, _ = DutySchedule.objects.update_or_create(
                organisation=org,
                key=item["key"],
                defaults={
                    "name": item["name"],
                    "always": item.get("always", False),
                    "note": item.get("note", ""),
                },
            )
            schedule.rules.all().delete()
            for rule in item.get("rules", []):
                OpeningHours.objects.create(
                    schedule=schedule,
                    days=rule["days"],
                    opens=_time(rule["opens"]),
                    closes=_time(rule["closes"]) if rule.get("closes") else None,
                )
            schedules[(org.key, schedule.key)] = schedule
        for item in entry.get("service_levels", []):
            ServiceLevel.objects.update_or_create(
                supplier=org,
                name=item["name"],
                defaults={
                    "service_hours": schedules[(org.key, item["service_hours"])],
                    "description": item.get("description", ""),
                },
            )
    systems: dict[tuple[str, str], System] = {}
    for entry in entries:
        org = orgs[entry["key"]]
        for item in entry.get("systems", []):
            sla = None
            if item.get("sla"):
                sla = ServiceLevel.objects.get(
                    supplier=orgs[item["sla"]["supplier"]], name=item["sla"]["name"]
                )
            system, _ = System.objects.update_or_create(
                organisation=org,
                key=item["key"],
                defaults={
                    "name": item["name"],
                    "kind": item.get("kind", System.Kind.APPLICATION),
                    "description": item.get("description", ""),
                    "criticality": item.get("criticality", System.Criticality.HIGH),
                    "sla": sla,
                },
            )
            systems[(org.key, system.key)] = system
            for part in item.get("parts", []):
                SystemPart.objects.update_or_create(
                    system=system,
                    key=part["key"],
                    defaults={
                        "name": part["name"],
                        "kind": part.get("kind", SystemPart.Kind.MODULE),
                        "description": part.get("description", ""),
                        "when_down": part.get("when_down", ""),
                    },
                )
    for entry in entries:
        _link_unit_systems(orgs[entry["key"]], entry.get("units", []), systems)
    for entry in entries:
        org = orgs[entry["key"]]
        for item in entry.get("systems", []):
            system = systems[(org.key, item["key"])]
            for dep in item.get("depends_on", []):
                Dependency.objects.update_or_create(
                    system=system,
                    depends_on=systems[(org.key, dep["system"])],
                    defaults={"kind": dep["kind"], "note": dep.get("note", "")},
                )
            for party in item.get("parties", []):
                SystemParty.objects.update_or_create(
                    system=system,
                    organisation=orgs[party["organisation"]],
                    kind=party["kind"],
                    defaults={"duties": party.get("duties", "")},
                )
        points: dict[str, ContactPoint] = {}
        for item in entry.get("contact_points", []):
            point, _ = ContactPoint.objects.update_or_create(
                organisation=org,
                key=item["key"],
                defaults={
                    "name": item["name"],
                    "kind": item["kind"],
                    "phone": item.get("phone", ""),
                    "email": item.get("email", ""),
                    "url": item.get("url", ""),
                    "note": item.get("note", ""),
                    "in_directory": item.get("in_directory", True),
                    "schedule": schedules[(org.key, item["schedule"])]
                    if item.get("schedule")
                    else None,
                },
            )
            points[point.key] = point
        for item in entry.get("contact_points", []):
            if item.get("instead"):
                point = points[item["key"]]
                point.instead = points[item["instead"]]
                point.save(update_fields=["instead"])
        roles: dict[str, Role] = {}
        for item in entry.get("roles", []):
            role, _ = Role.objects.update_or_create(
                organisation=org,
                key=item["key"],
                defaults={
                    "name": item["name"],
                    "description": item.get("description", ""),
                    "fallback_contact_point": points.get(item.get("fallback_contact_point", "")),
                },
            )
            roles[role.key] = role
        for item in entry.get("roles", []):
            if item.get("manager_role"):
                role = roles[item["key"]]
                role.manager_role = roles[item["manager_role"]]
                role.save(update_fields=["manager_role"])
        for person in entry.get("people", []):
            user = _person(person)
            unit = (
                Unit.objects.get(organisation=org, key=person["unit"])
                if person.get("unit")
                else None
            )
            for role_name in person.get("memberships", []):
                Membership.objects.get_or_create(
                    user=user,
                    organisation=org,
                    role=role_name,
                    unit=unit if role_name in {"unit_manager", "staff"} else None,
                )
            for holding in person.get("roles", []):
                RoleAssignment.objects.update_or_create(
                    role=roles[holding["role"]],
                    user=user,
                    system=None,
                    defaults={
                        "schedule": schedules[(org.key, holding["schedule"])]
                        if holding.get("schedule")
                        else None,
                        "unit": Unit.objects.get(organisation=org, key=holding["unit"])
                        if holding.get("unit")
                        else None,
                    },
                )
    _demo_rota(orgs["region-skane"])
    return orgs


def _link_unit_systems(
    org: Organisation, units: list[dict[str, Any]], systems: dict[tuple[str, str], System]
) -> None:
    """Each unit's ``systems:`` (keys of the organisation's own systems) become registry links
    through the same action as the admin, so the catalogue is validated like any other
    change. Links added by hand are kept: loading again only adds."""
    for item in units:
        unit = Unit.objects.get(organisation=org, key=item["key"])
        for key in item.get("systems", []):
            system = systems.get((org.key, key))
            if system is None:
                raise ValueError(
                    f"catalog.yaml: unit '{org.key}:{unit.key}' names unknown system '{key}'; "
                    f"expected one of: {', '.join(sorted(k for o, k in systems if o == org.key))}"
                )
            link_system_to_unit(unit, system, by=None)


def _person(person: dict[str, Any]) -> User:
    user, created = User.objects.get_or_create(
        username=person["username"],
        defaults={
            "full_name": person["full_name"],
            "title": person.get("title", ""),
            "phone": person.get("phone", ""),
            "email": f"{person['username']}@example.org",
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _demo_rota(org: Organisation) -> None:
    """Two weeks of evening on-call for the regional IT function, so the organisation page
    shows a rota and who is on call tonight."""
    role = Role.objects.get(organisation=org, key="regional-it")
    people = [
        _person(
            {
                "username": "ida.rask",
                "full_name": "Ida Rask",
                "title": "IT-tekniker i beredskap",
                "phone": "040-123 45 10",
            }
        ),
        _person(
            {
                "username": "nils.ahl",
                "full_name": "Nils Åhl",
                "title": "IT-tekniker i beredskap",
                "phone": "040-123 45 11",
            }
        ),
    ]
    today = clock.local(clock.now()).date()
    for offset in range(-1, 14):
        day = today + dt.timedelta(days=offset)
        starts = clock.at_local(day, dt.time(17, 0))
        OnCallShift.objects.get_or_create(
            role=role,
            starts_at=starts,
            defaults={
                "user": people[day.isocalendar().week % 2],
                "ends_at": starts + dt.timedelta(hours=15),
            },
        )
