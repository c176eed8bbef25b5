"""Exercise outages: the same state machine as a real outage, with ``is_exercise`` and a
``time_factor``. ``readiness.exercises`` owns the ``Exercise`` row and its participants and
calls this to open the outage."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction

from reservrutin.accounts.models import Organisation, User
from reservrutin.outages.actions.common import OutageError
from reservrutin.outages.models import Outage
from reservrutin.registry.models import System
from reservrutin.routines.models import RoutineVersion

#: How an exercise says what it is. Titles are stored without it; every page, message and
#: notice adds it once (``exercise_title``, the outbox's marking, the notice writer).
EXERCISE_MARK = "ÖVNING"


def exercise_title(title: str) -> str:
    """``title`` without any ÖVNING marks a caller already put on it."""
    while title.upper().startswith(EXERCISE_MARK):
        title = title[len(EXERCISE_MARK) :].lstrip(" :–-")
    return title


def open_exercise_outage(
    organisation: Organisation,
    *,
    title: str,
    description: str,
    routine_version: RoutineVersion,
    time_factor: float,
    systems: Sequence[System],
    by: User | None,
    at: dt.datetime,
) -> Outage:
    """A ``reported`` exercise outage of ``routine_version`` on compressed time; the caller
    confirms it with the scenario to start the engine."""
    if not time_factor or time_factor <= 0:
        raise OutageError("Tidsfaktorn måste vara större än noll.")
    with transaction.atomic():
        outage = Outage.objects.create(
            organisation=organisation,
            title=exercise_title(title)[:200],
            description=description,
            routine_key=routine_version.routine.key,
            routine_version=routine_version,
            is_exercise=True,
            time_factor=time_factor,
            started_at=at,
            created_at=at,
            created_by=by if by is not None and by.is_authenticated else None,
        )
        outage.systems.set(systems)
    return outage
