"""Which routine applies to an outage, and lookups inside a routine document.

Read-only helpers for ``actions`` and the views. A routine names registry objects by key;
a key of a partner organisation is written ``org:key`` (SP-01).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Q

from reservrutin.accounts.models import Organisation
from reservrutin.registry.models import ContactPoint, Role, System
from reservrutin.registry.refs import Ref
from reservrutin.routines import schema
from reservrutin.routines.models import RoutineVersion


def routine_for(organisation: Organisation, systems: Iterable[System]) -> RoutineVersion | None:
    """The in-force routine version of ``organisation`` (or one that names it among its
    ``organisations``, SP-01) whose document covers one of ``systems``; the one covering
    most of them wins, then the most recently approved."""
    keys = {s.key for s in systems}
    if not keys:
        return None
    candidates = RoutineVersion.objects.filter(in_force=True).select_related(
        "routine__organisation"
    )
    best: tuple[int, Any, RoutineVersion] | None = None
    for version in candidates:
        parsed = version.parsed
        own = version.routine.organisation_id == organisation.pk
        if not own and organisation.key not in parsed.get("organisations", []):
            continue
        covered = {Ref.parse(ref).key for ref in parsed.get("systems", [])}
        for scenario in parsed.get("scenarios", []):
            covered.update(Ref.parse(ref).key for ref in scenario.get("systems", []))
        hits = len(keys & covered)
        if not hits:
            continue
        rank = (hits, version.approved_in_app_at or version.imported_at, version)
        if best is None or rank[:2] > best[:2]:
            best = rank
    return best[2] if best else None


def document(version: RoutineVersion | None) -> schema.Routine | None:
    return version.document() if version is not None else None


def scenario(doc: schema.Routine | None, key: str) -> schema.Scenario | None:
    if doc is None:
        return None
    return next((s for s in doc.scenarios if s.key == key), None)


def scenarios_for(doc: schema.Routine | None, systems: Iterable[System]) -> list[schema.Scenario]:
    """The unplanned scenarios of ``doc`` that fit ``systems`` (a scenario without its own
    systems fits every system of the routine)."""
    if doc is None:
        return []
    keys = {s.key for s in systems}
    found = []
    for item in doc.scenarios:
        if item.scope == "planned":
            continue
        own = {Ref.parse(ref).key for ref in item.systems}
        if not own or own & keys:
            found.append(item)
    return found


def backup_routine(doc: schema.Routine | None, key: str) -> schema.BackupRoutine | None:
    if doc is None:
        return None
    return next((b for b in doc.backup_routines if b.key == key), None)


def template(doc: schema.Routine | None, key: str | None) -> schema.Template | None:
    if doc is None or not key:
        return None
    return next((t for t in doc.templates if t.key == key), None)


def _split(ref: str | Ref, organisation: Organisation) -> tuple[Q, str]:
    parsed = ref if isinstance(ref, Ref) else Ref.parse(ref)
    if parsed.organisation_key:
        return Q(organisation__key=parsed.organisation_key), parsed.key
    return Q(organisation=organisation), parsed.key


def role(organisation: Organisation, ref: str | Ref) -> Role | None:
    where, key = _split(ref, organisation)
    return (
        Role.objects.filter(where, key=key)
        .select_related("manager_role", "fallback_contact_point__schedule")
        .first()
    )


def contact_point(organisation: Organisation, ref: str) -> ContactPoint | None:
    where, key = _split(ref, organisation)
    return ContactPoint.objects.filter(where, key=key).select_related("schedule", "instead").first()


def choose_contact_point(
    organisation: Organisation, choices: Iterable[schema.ContactChoice], at: dt.datetime
) -> tuple[ContactPoint | None, schema.ContactChoice | None]:
    """The contact point to use at ``at`` (TES-07, SOD-12, SOD-13): the first choice whose
    ``when`` fits and that is open, else the first that answers through ``instead``."""
    fallback: tuple[ContactPoint | None, schema.ContactChoice | None] = (None, None)
    for choice in choices:
        point = contact_point(organisation, choice.key)
        if point is None:
            continue
        if point.is_open(at) and choice.when in ("always", "office_hours"):
            return point, choice
        if choice.when == "after_hours" and not _office_choice_open(organisation, choices, at):
            return point, choice
        if fallback[0] is None:
            answering = point.answering(at)
            if answering is not None:
                fallback = (answering, choice)
    return fallback


def _office_choice_open(
    organisation: Organisation, choices: Iterable[schema.ContactChoice], at: dt.datetime
) -> bool:
    for choice in choices:
        if choice.when != "office_hours":
            continue
        point = contact_point(organisation, choice.key)
        if point is not None and point.is_open(at):
            return True
    return False


def duration(text: str | None) -> dt.timedelta | None:
    return schema.parse_duration(text) if text else None
