"""What the public status page shows, computed in a handful of queries.

Nothing here reads people: the page is built from systems, notices and planned outages only,
so personal data cannot reach it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.functions import TruncDate

from reservrutin.accounts.models import Organisation
from reservrutin.lib import clock, compiled
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


_KIND_LABELS = dict(System.Kind.choices)


@dataclass(slots=True)
class PublicSystem:
    """A system as the public pages show it: no owners, no contacts, no people."""

    id: int
    key: str
    name: str
    kind: str
    organisation: Organisation

    @property
    def kind_label(self) -> str:
        return str(_KIND_LABELS.get(self.kind, self.kind))


@dataclass(slots=True)
class PublicNotice:
    """A published or ended notice as the public pages show it (a plain row, no model)."""

    id: int
    code: uuid.UUID
    title: str
    body: str
    severity: str
    status: str
    published_at: dt.datetime
    updated_at: dt.datetime
    ended_at: dt.datetime | None
    backup_routine: str
    instructions: list[dict[str, str]]
    links: list[dict[str, str]]
    outage_id: int | None
    prognosis_at: dt.datetime | None
    systems: list[PublicSystem] = field(default_factory=list)

    @property
    def severity_label(self) -> str:
        return str(Notice.Severity(self.severity).label)


@dataclass(slots=True)
class PublicPlanned:
    """A planned outage window as the public pages show it."""

    id: int
    code: uuid.UUID
    title: str
    description: str
    started_at: dt.datetime
    planned_end_at: dt.datetime | None
    systems: list[PublicSystem] = field(default_factory=list)


@dataclass(slots=True)
class SystemState:
    system: PublicSystem
    state: str = OK
    notices: list[PublicNotice] = field(default_factory=list)
    planned_now: list[PublicPlanned] = field(default_factory=list)
    #: The days with trouble (day index, oldest first → worst severity that day); most days
    #: have none, so only those are kept.
    bad: dict[int, str] = field(default_factory=dict)

    def mark(self, first: int, last: int, severity: str) -> None:
        rank = RANK[severity]
        bad = self.bad
        for i in range(first, last + 1):
            if rank > RANK[bad.get(i, OK)]:
                bad[i] = severity

    @property
    def history(self) -> list[str]:
        """One state per day of the last ``HISTORY_DAYS``, oldest first."""
        return [self.bad.get(i, OK) for i in range(HISTORY_DAYS)]

    @property
    def bad_days(self) -> list[tuple[int, str]]:
        return sorted(self.bad.items())

    @property
    def history_paths(self) -> list[tuple[str, str]]:
        """(severity, SVG path) pairs: one path per severity keeps the page small."""
        paths: dict[str, list[str]] = {}
        for i, state in sorted(self.bad.items()):
            paths.setdefault(state, []).append(f"M{i} 0h1v4h-1z")
        return [(state, "".join(parts)) for state, parts in paths.items()]


def worst(states: list[str]) -> str:
    return max(states, key=lambda s: RANK.get(s, 0), default=OK)


def page_version(organisations: list[Organisation]) -> tuple[int, dt.datetime | None]:
    """A number that changes whenever anything on these organisations' pages changes."""
    org_ids = tuple(o.pk for o in organisations)
    rows = compiled.rows(
        ("statuspage.version", org_ids),
        lambda: PageVersion.objects.filter(organisation__in=org_ids).values_list(
            "version", "changed_at"
        ),
    )
    if not rows:
        return 0, None
    return sum(v for v, _ in rows), max(c for _, c in rows)


_SYSTEM_COLUMNS = ("id", "key", "name", "kind", "organisation_id")
_NOTICE_COLUMNS = (
    "id",
    "code",
    "title",
    "body",
    "severity",
    "status",
    "published_at",
    "updated_at",
    "ended_at",
    "backup_routine",
    "instructions",
    "links",
    "outage_id",
    "outage__prognosis_at",
)
_PLANNED_COLUMNS = ("id", "code", "title", "description", "started_at", "planned_end_at")


def _systems(org_ids: tuple[int, ...], system_id: int | None) -> QuerySet:
    systems = System.objects.filter(organisation__in=org_ids, public=True)
    if system_id is not None:
        systems = systems.filter(pk=system_id)
    return systems.order_by("organisation__name", "kind", "name").values_list(*_SYSTEM_COLUMNS)


def _spans(org_ids: tuple[int, ...], system_id: int | None, history_from: dt.datetime) -> QuerySet:
    """What the 90-day bars need: one narrow row per notice and system, with the local days
    it began and ended. The days come from the database: decoding hundreds of timestamps in
    Python costs more than the rest of the render."""
    notices = Notice.objects.public().filter(
        Q(status=Notice.Status.PUBLISHED) | Q(ended_at__gte=history_from),
        organisation__in=org_ids,
    )
    if system_id is not None:
        notices = notices.filter(
            pk__in=Notice.systems.through.objects.filter(system=system_id).values("notice_id")
        )
    return (
        notices.annotate(
            first_day=TruncDate("published_at", tzinfo=clock.STOCKHOLM),
            last_day=TruncDate("ended_at", tzinfo=clock.STOCKHOLM),
        )
        .order_by("-published_at", "-id")
        .values_list("id", "status", "severity", "systems", "first_day", "last_day")
    )


def _notices(ids: tuple[int, ...]) -> QuerySet:
    return (
        Notice.objects.filter(pk__in=ids)
        .order_by("-published_at", "-id")
        .values_list(*_NOTICE_COLUMNS, *(f"systems__{c}" for c in _SYSTEM_COLUMNS))
    )


def _planned(org_ids: tuple[int, ...], history_from: dt.datetime) -> QuerySet:
    return (
        Outage.objects.real()
        .filter(organisation__in=org_ids, kind=Outage.Kind.PLANNED)
        .filter(Q(planned_end_at__gte=history_from) | Q(planned_end_at__isnull=True))
        .exclude(status=Outage.Status.CLOSED)
        .order_by("started_at", "id")
        .values_list(*_PLANNED_COLUMNS, *(f"systems__{c}" for c in _SYSTEM_COLUMNS))
    )


def status(
    organisations: list[Organisation],
    *,
    system: System | None = None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Everything a status page shows, in four queries and no model instances.

    An uncached render must stay cheap (issue 5: 500 renders/s on two cores), so each query
    returns plain rows: the systems; the notices' spans for the 90-day bars; the notices
    the page prints, joined with their systems (one row per pair); the planned outages
    joined with their systems. Rows become the small ``Public*`` records.
    """
    now = now or clock.now()
    today = clock.local(now).date()
    first_day = today - dt.timedelta(days=HISTORY_DAYS - 1)
    history_from = clock.at_local(first_day, dt.time(0))
    by_org = {o.pk: o for o in organisations}

    org_ids = tuple(o.pk for o in organisations)
    system_id = system.pk if system is not None else None
    known: dict[int, PublicSystem] = {}
    states: dict[int, SystemState] = {}
    for pk, key, name, kind, org_id in compiled.rows(
        ("statuspage.systems", org_ids, system_id), lambda: _systems(org_ids, system_id)
    ):
        known[pk] = PublicSystem(pk, key, name, kind, by_org[org_id])
        states[pk] = SystemState(system=known[pk])

    def public_system(row: tuple[Any, ...]) -> PublicSystem | None:
        pk = row[0]
        if pk is None:
            return None
        if pk not in known:  # a notice may name a system that has no row on this page
            known[pk] = PublicSystem(pk, row[1], row[2], row[3], by_org.get(row[4]))  # type: ignore[arg-type]
        return known[pk]

    spans = compiled.rows(
        ("statuspage.spans", org_ids, system_id, first_day),
        lambda: _spans(org_ids, system_id, history_from),
    )
    # The page prints every current notice and the ten latest ended ones; only those are
    # read in full.
    shown: list[int] = []
    ended = 0
    for pk, notice_status, *_rest in spans:
        if shown and shown[-1] == pk:
            continue
        if notice_status == Notice.Status.PUBLISHED:
            shown.append(pk)
        elif ended < 10:
            shown.append(pk)
            ended += 1
    notices: dict[int, PublicNotice] = {}
    ids = tuple(shown)
    for row in compiled.rows(("statuspage.notices", ids), lambda: _notices(ids)) if ids else []:
        notice = notices.get(row[0])
        if notice is None:
            notice = notices[row[0]] = PublicNotice(*row[: len(_NOTICE_COLUMNS)])
        s = public_system(row[len(_NOTICE_COLUMNS) :])
        if s is not None:
            notice.systems.append(s)
    current = [n for n in notices.values() if n.status == Notice.Status.PUBLISHED]
    past = [n for n in notices.values() if n.status == Notice.Status.ENDED]
    for notice in current:
        for s in notice.systems:
            if s.id in states:
                states[s.id].notices.append(notice)

    planned: dict[int, PublicPlanned] = {}
    for row in compiled.rows(
        ("statuspage.planned", org_ids, first_day), lambda: _planned(org_ids, history_from)
    ):
        outage = planned.get(row[0])
        if outage is None:
            outage = planned[row[0]] = PublicPlanned(*row[: len(_PLANNED_COLUMNS)])
        s = public_system(row[len(_PLANNED_COLUMNS) :])
        if s is not None:
            outage.systems.append(s)
    if system is not None:
        planned = {k: o for k, o in planned.items() if any(s.id == system.pk for s in o.systems)}
    upcoming = [o for o in planned.values() if o.started_at > now]
    for outage in planned.values():
        end = outage.planned_end_at
        if outage.started_at <= now and (end is None or end > now):
            for s in outage.systems:
                if s.id in states:
                    states[s.id].planned_now.append(outage)

    for state in states.values():
        severities = [n.severity for n in state.notices]
        if state.planned_now:
            severities.append(Notice.Severity.MAINTENANCE)
        state.state = worst(severities)
    for _pk, _status, severity, system_id, first_seen, last_seen in spans:
        state = states.get(system_id)
        if state is not None:
            first = max(0, (first_seen - first_day).days)
            last = min(HISTORY_DAYS - 1, ((last_seen or today) - first_day).days)
            state.mark(first, last, severity)

    kinds = {kind: str(label) for kind, label in System.Kind.choices}
    groups: dict[str, list[SystemState]] = {}
    for state in states.values():
        kind = kinds.get(state.system.kind, state.system.kind)
        label = f"{state.system.organisation.name} – {kind}" if len(organisations) > 1 else kind
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
