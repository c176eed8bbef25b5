"""Small local helpers for view tests on the persona organisations of BaseTestCase."""

from __future__ import annotations

import datetime as dt
from typing import Any

from reservrutin.lib import clock
from reservrutin.outages.models import Escalation, Outage, Task, TimelineEntry


def make_outage(organisation: Any, systems: list[Any], **extra: Any) -> Outage:
    now = clock.now()
    fields: dict[str, Any] = {
        "title": "Störning i System A",
        "started_at": now - dt.timedelta(hours=1),
        "created_at": now - dt.timedelta(hours=1),
    }
    fields.update(extra)
    outage = Outage.objects.create(organisation=organisation, **fields)
    outage.systems.set(systems)
    TimelineEntry.objects.create(
        outage=outage, kind=TimelineEntry.Kind.STATUS, text="Registrerad.", created_at=now
    )
    return outage


def make_task(outage: Outage, **extra: Any) -> Task:
    fields: dict[str, Any] = {
        "instruction": "Informera kollegorna",
        "source": Task.Source.STEP,
        "created_at": clock.now(),
    }
    fields.update(extra)
    return Task.objects.create(outage=outage, **fields)


def make_escalation(outage: Outage, person: Any, **extra: Any) -> Escalation:
    now = clock.now()
    fields: dict[str, Any] = {
        "role_key": "systemansvarig",
        "text": "System A ligger nere.",
        "notified_at": now,
        "due_at": now + dt.timedelta(minutes=15),
    }
    fields.update(extra)
    return Escalation.objects.create(outage=outage, person=person, **fields)
