"""Tasks: what a role must do in an outage, and ticking them off."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from reservrutin.accounts.models import User
from reservrutin.lib import clock
from reservrutin.outages.actions.common import _due_at
from reservrutin.outages.actions.timeline import write_entry_in_txn
from reservrutin.outages.models import (
    Outage,
    Task,
    TimelineEntry,
)


def _task(
    outage: Outage,
    *,
    role: str | None,
    instruction: str,
    source: str,
    source_key: str,
    at: dt.datetime,
    script: str = "",
    due: str | None = None,
) -> Task:
    return Task.objects.create(
        outage=outage,
        role_key=role or "",
        instruction=instruction,
        script=script.strip(),
        source=source,
        source_key=source_key[:200],
        due=due or "",
        due_at=_due_at(due, at, time_factor=outage.time_factor),
        created_at=at,
    )


def complete_task(task: Task, *, by: User | None) -> Task:
    now = clock.now()
    with transaction.atomic():
        updated = Task.objects.filter(pk=task.pk, done_at__isnull=True).update(
            done_at=now, done_by=by
        )
        if updated:
            write_entry_in_txn(
                task.outage,
                TimelineEntry.Kind.TASK,
                f"Klart: {task.instruction}",
                at=now,
                by=by,
                task=str(task.code),
            )
    task.refresh_from_db()
    return task
