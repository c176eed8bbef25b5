"""Driftinfo for an outage: the routine's notice texts published on the status page."""

from __future__ import annotations

import datetime as dt

from reservrutin.accounts.models import User
from reservrutin.lib import clock
from reservrutin.outages import routing
from reservrutin.outages.actions.common import _document
from reservrutin.outages.models import (
    Outage,
    TimelineEntry,
)


def publish_notice_text(
    outage: Outage,
    text: str,
    *,
    by: User | None,
    at: dt.datetime | None = None,
    title: str = "",
    template_key: str = "",
) -> TimelineEntry:
    """Publish driftinfo for ``outage`` on the status page (a published Notice) with the
    routine's text, the backup routine in force and what each role should do now.
    Publishing the same template twice in one outage publishes it once."""
    from reservrutin.statuspage.actions import publish_routine_notice

    at = at or clock.now()
    if template_key:
        existing = outage.timeline.filter(
            kind=TimelineEntry.Kind.NOTICE, data__template=template_key
        ).first()
        if existing is not None:
            return existing
    doc = _document(outage)
    scenario = routing.scenario(doc, outage.scenario_key) if outage.scenario_key else None
    instructions = []
    if scenario is not None:
        for item in scenario.staff_instructions:
            role = routing.role(outage.organisation, item.role)
            instructions.append(
                {"role": role.name if role else item.role, "text": "\n".join(item.instructions)}
            )
    active = outage.activations.order_by("-activated_at").first()
    prefix = "ÖVNING: " if outage.is_exercise else ""
    _, entry = publish_routine_notice(
        outage,
        title=title or outage.title,
        body=text,
        by=by,
        at=at,
        template_key=template_key,
        backup_routine=active.title if active else "",
        instructions=instructions,
        timeline_text=prefix + (f"{title}: {text}" if title else text).strip(),
    )
    return entry
