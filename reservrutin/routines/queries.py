"""Reads for routine pages. Callers have already checked the organisation with
``accounts.access.get_organisation_for_user``."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404

from reservrutin.accounts.models import Organisation
from reservrutin.lib import clock
from reservrutin.routines.models import Routine, RoutineVersion


def routines_of(organisation: Organisation) -> list[Routine]:
    """The organisation's routines, each with ``current`` (the version in force, or None)
    and ``expired`` (the version in force is past its "Gäller t.o.m.")."""
    today = clock.local(clock.now()).date()
    routines = list(
        Routine.objects.of(organisation)
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=RoutineVersion.objects.filter(in_force=True).only(
                    "id",
                    "routine_id",
                    "number",
                    "document_version",
                    "approved_on",
                    "in_force",
                    "valid_to",
                ),
                to_attr="in_force_versions",
            )
        )
        .order_by("title")
    )
    for routine in routines:
        routine.current = routine.in_force_versions[0] if routine.in_force_versions else None
        valid_to = routine.current.valid_to if routine.current else None
        routine.expired = valid_to is not None and valid_to < today
    return routines


def get_routine(organisation: Organisation, key: str) -> Routine:
    routine = (
        Routine.objects.filter(organisation=organisation, key=key)
        .select_related("organisation")
        .first()
    )
    if routine is None:
        raise Http404("Routine not found")
    return routine


def get_version(routine: Routine, number: int | None = None) -> RoutineVersion:
    """Version ``number``; without one, the version in force, else the latest imported."""
    versions = routine.versions.select_related(
        "routine__organisation", "imported_by", "approved_in_app_by"
    )
    if number is not None:
        version = versions.filter(number=number).first()
    else:
        version = versions.filter(in_force=True).first() or versions.order_by("-number").first()
    if version is None:
        raise Http404("Version not found")
    return version


def versions_of(routine: Routine) -> list[RoutineVersion]:
    return list(
        routine.versions.select_related("imported_by", "approved_in_app_by")
        .defer("source", "parsed")
        .order_by("-number")
    )
