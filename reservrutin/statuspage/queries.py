"""What the public status page shows, computed in a handful of queries.

Nothing here reads people: the page is built from systems, notices and planned outages only,
so personal data cannot reach it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from reservrutin.accounts.models import Organisation
from reservrutin.lib import clock
from reservrutin.outages.models import Outage
from reservrutin.registry.models import System
from reservrutin.statuspage.models import Notice, PageVersion

HISTORY_DAYS = 90
OK = "ok"
#: Worst first; a system shows the worst state any current notice gives it.
RANK = {
    Notice.Severity.OUTAGE: 4,
    Notice.Severity.DISTURBANCE: 3,
    Notice.Severity.MAINTENANCE: 2,
    Notice.Severity.INFORMATION: 1,
    OK: 0,
}


@dataclass
class SystemState:
    system: System
    state: str = OK
    notices: list[Notice] = field(default_factory=list)
    history: list[str] = field(default_factory=list)  # one state per day, oldest first
    planned_now: list[Outage] = field(default_factory=list)

    @property
    def bad_days(self) -> list[tuple[int, str]]:
        return [(i, s) for i, s in enumerate(self.history) if s != OK]

    @property
    def history_paths(self) -> list[tuple[str, str]]:
        """(severity, SVG path) pairs: one path per severity keeps the page small."""
        paths: dict[str, list[str]] = {}
        for i, state in self.bad_days:
            paths.setdefault(state, []).append(f"M{i} 0h1v4h-1z")
        return [(state, "".join(parts)) for state, parts in paths.items()]


def worst(states: list[str]) -> str:
    return max(states, key=lambda s: RANK.get(s, 0), default=OK)


def page_version(organisations: list[Organisation]) -> tuple[int, dt.datetime | None]:
    """A number that changes whenever anything on these organisations' pages changes."""
    rows = list(
        PageVersion.objects.filter(organisation__in=organisations).values_list(
            "version", "changed_at"
        )
    )
    if not rows:
        return 0, None
    return sum(v for v, _ in rows), max(c for _, c in rows)


def status(
    organisations: list[Organisation],
    *,
    system: System | None = None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    now = now or clock.now()
    today = clock.local(now).date()
    first_day = today - dt.timedelta(days=HISTORY_DAYS - 1)
    history_from = clock.at_local(first_day, dt.time(0))

    systems = System.objects.filter(organisation__in=organisations, public=True).select_related(
        "organisation"
    )
    if system is not None:
        systems = systems.filter(pk=system.pk)
    states = {
        s.pk: SystemState(system=s) for s in systems.order_by("organisation__name", "kind", "name")
    }

    public = Notice.objects.public().filter(organisation__in=organisations)
    if system is not None:
        public = public.filter(systems=system)
    current = list(
        public.filter(status=Notice.Status.PUBLISHED)
        .select_related("outage", "organisation")
        .prefetch_related("systems")
        .order_by("-published_at")
    )
    past = list(
        public.filter(status=Notice.Status.ENDED, ended_at__gte=history_from)
        .prefetch_related("systems")
        .order_by("-published_at")[:10]
    )
    for notice in current:
        for s in notice.systems.all():
            if s.pk in states:
                states[s.pk].notices.append(notice)
    # The 90-day history needs only times, severities and system ids: plain rows (one per
    # notice and system), no model instances.
    history = list(
        public.filter(
            Q(status=Notice.Status.PUBLISHED) | Q(ended_at__gte=history_from)
        ).values_list("severity", "published_at", "ended_at", "systems")
    )

    planned = list(
        Outage.objects.real()
        .filter(organisation__in=organisations, kind=Outage.Kind.PLANNED)
        .filter(Q(planned_end_at__gte=history_from) | Q(planned_end_at__isnull=True))
        .exclude(status=Outage.Status.CLOSED)
        .prefetch_related("systems")
        .order_by("started_at")
    )
    upcoming = [o for o in planned if o.started_at > now]
    for outage in planned:
        end = outage.planned_end_at
        if outage.started_at <= now and (end is None or end > now):
            for s in outage.systems.all():
                if s.pk in states:
                    states[s.pk].planned_now.append(outage)

    for state in states.values():
        severities = [n.severity for n in state.notices]
        if state.planned_now:
            severities.append(Notice.Severity.MAINTENANCE)
        state.state = worst(severities)
        state.history = [OK] * HISTORY_DAYS
    for severity, published_at, ended_at, system_id in history:
        state = states.get(system_id)
        if state is None:
            continue
        first = max(0, (clock.local(published_at).date() - first_day).days)
        last = min(
            HISTORY_DAYS - 1,
            ((clock.local(ended_at).date() if ended_at else today) - first_day).days,
        )
        for i in range(first, last + 1):
            if RANK[severity] > RANK[state.history[i]]:
                state.history[i] = severity

    groups: dict[str, list[SystemState]] = {}
    for state in states.values():
        label = (
            f"{state.system.organisation.name} – {state.system.get_kind_display()}"
            if len(organisations) > 1
            else str(state.system.get_kind_display())
        )
        groups.setdefault(label, []).append(state)
    return {
        "organisations": organisations,
        "groups": groups,
        "states": list(states.values()),
        "current": current,
        "upcoming": upcoming,
        "history_first_day": first_day,
        "history_days": HISTORY_DAYS,
        "past": past,
        "overall": worst([s.state for s in states.values()]),
        "now": now,
    }


BROADCAST_MAX = 400


def broadcast_text(notice: Notice) -> str:
    """The phone-queue broadcast (lavinmeddelande) derived from a notice, for the telephony
    owner to record (LMN-10, LMN-11): short enough to be read out in about half a minute,
    and pointing callers to the status page rather than reading out details."""
    body = " ".join(notice.body.split())
    if len(body) > BROADCAST_MAX:
        body = body[: BROADCAST_MAX - 1].rsplit(" ", 1)[0] + "…"
    return (
        f"{notice.organisation.name} informerar: {notice.title.rstrip('.')}. {body} "
        "Mer information finns på driftinformationen."
    )


def notice_templates(outage: Outage | None) -> dict[str, Any]:
    """The routine's notice templates for ``outage`` (key → template), so a publisher starts
    from the routine's own words (LMN-09, S2-06)."""
    if outage is None or outage.routine_version_id is None:
        return {}
    document = outage.routine_version.document()
    return {t.key: t for t in document.templates if t.kind == "notice"}
