"""What the public status page shows, computed in a handful of queries.

Nothing here reads people: the page is built from systems, notices and planned outages only,
so personal data cannot reach it.
"""

from __future__ import annotations

import datetime as dt
import heapq
import uuid
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.db.models import Func, IntegerField, Q, QuerySet
from django.utils import translation

from reservrutin.accounts.models import Organisation
from reservrutin.lib import clock, compiled
from reservrutin.lib.identity import redact
from reservrutin.outages.models import Outage
from reservrutin.registry.models import Dependency, System
from reservrutin.registry.queries import Edge, dependants_by_cause, reachable
from reservrutin.statuspage.models import Notice, PageVersion

HISTORY_DAYS = 90
OK = "ok"
#: A system that works itself but needs one with trouble (SOD-07, SOD-08, SOD-10).
AFFECTED = "affected"
#: Worst first; a system shows the worst state any current notice gives it. ``affected``
#: ranks below the system's own planned work and disturbances: a notice about the system
#: itself says more about it than a notice about something it needs, so its own state wins
#: and the cause is still printed under it. It ranks above information, which says nothing
#: is broken.
RANK = {
    Notice.Severity.OUTAGE: 5,
    Notice.Severity.DISTURBANCE: 4,
    Notice.Severity.MAINTENANCE: 3,
    AFFECTED: 2,
    Notice.Severity.INFORMATION: 1,
    OK: 0,
}
#: The severities that make the systems depending on a notice's systems ``affected``; an
#: information notice does not say anything is broken.
AFFECTING = {
    Notice.Severity.OUTAGE,
    Notice.Severity.DISTURBANCE,
    Notice.Severity.MAINTENANCE,
}


_DEPENDENCY_LABELS = dict(Dependency.Kind.choices)


@dataclass(slots=True)
class PublicSystem:
    """A system as the public pages show it: no owners, no contacts, no people."""

    id: int
    key: str
    name: str
    kind: str
    organisation: Organisation


def _redact_values(item: dict[str, Any], skip: tuple[str, ...] = ()) -> dict[str, Any]:
    return {k: redact(v) if isinstance(v, str) and k not in skip else v for k, v in item.items()}


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
    #: The parts the notice speaks of (``Notice.part_states``); empty: whole systems.
    part_states: list[dict[str, str]]
    systems: list[PublicSystem] = field(default_factory=list)

    def __post_init__(self) -> None:
        # The one place notice texts enter every public renderer (page, widget, Atom, JSON
        # Feed, API, static mirror): identity numbers are masked here (issue 14).
        self.title = redact(self.title)
        self.body = redact(self.body)
        self.backup_routine = redact(self.backup_routine)
        self.instructions = [_redact_values(i) for i in self.instructions or []]
        self.links = [_redact_values(link, skip=("url",)) for link in self.links or []]

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

    def __post_init__(self) -> None:
        self.title = redact(self.title)
        self.description = redact(self.description or "")


@dataclass(slots=True)
class AffectedBy:
    """Why a system is affected: ``system`` (something it needs, directly or ``via``
    others) has current notices or planned work in progress. ``kind`` and ``note`` are the
    registry's words for the system's own first dependency on the way."""

    system: PublicSystem
    kind: str
    note: str
    via: list[PublicSystem]
    notices: list[PublicNotice]
    planned: list[PublicPlanned]

    @property
    def severity(self) -> str:
        """The worst of the causes: outage, disturbance or maintenance."""
        severities = [n.severity for n in self.notices]
        if self.planned:
            severities.append(Notice.Severity.MAINTENANCE)
        return worst(severities)

    @property
    def kind_label(self) -> str:
        return str(_DEPENDENCY_LABELS.get(self.kind, self.kind))


@dataclass(slots=True)
class SystemState:
    system: PublicSystem
    state: str = OK
    notices: list[PublicNotice] = field(default_factory=list)
    planned_now: list[PublicPlanned] = field(default_factory=list)
    #: What the system needs that has trouble now, worst first (SOD-07, SOD-08, SOD-10).
    affected_by: list[AffectedBy] = field(default_factory=list)
    #: The days with trouble (day index, oldest first → worst severity that day); most days
    #: have none, so only those are kept.
    bad: dict[int, str] = field(default_factory=dict)
    #: The system's parts with trouble, from its current notices (SOD-01, "Lifecare HSL:
    #: Avbrott · LMO-appen: fungerar offline"); empty when the notices name no parts.
    parts: list[PartState] = field(default_factory=list)

    def mark(self, first: int, last: int, severity: str) -> None:
        rank = RANK[severity]
        bad = self.bad
        for i in range(first, last + 1):
            if rank > RANK[bad.get(i, OK)]:
                bad[i] = severity

    @property
    def history_paths(self) -> list[tuple[str, str]]:
        """(severity, SVG path) pairs: one path per severity keeps the page small."""
        if len(self.bad) == 1:
            ((i, state),) = self.bad.items()
            return [(state, _DAY_PATHS[i])]
        paths: dict[str, list[str]] = {}
        for i, state in sorted(self.bad.items()):
            paths.setdefault(state, []).append(_DAY_PATHS[i])
        return [(state, "".join(parts)) for state, parts in paths.items()]


@dataclass(slots=True)
class PartState:
    """A system part with trouble as the public pages show it: ``state`` is a severity or
    ``affected`` (it still works in a limited way; ``note`` says how)."""

    key: str
    name: str
    state: str
    note: str


def _mark_parts(states: dict[int, SystemState], current: list[PublicNotice]) -> None:
    """Each system's parts with trouble from the current notices: a part named by several
    notices shows the worst; ``down`` in a notice takes that notice's severity."""
    for notice in current:
        if not notice.part_states:
            continue
        ids = {s.key: s.id for s in notice.systems}
        for item in notice.part_states:
            state = states.get(ids.get(item["system"], 0))
            if state is None:
                continue
            shown = notice.severity if item["state"] == "down" else AFFECTED
            found = next((p for p in state.parts if p.key == item["part"]), None)
            if found is None:
                state.parts.append(PartState(item["part"], item["name"], shown, item["note"]))
            elif RANK[shown] > RANK[found.state]:
                found.state, found.note = shown, item["note"]
    for state in states.values():
        if len(state.parts) > 1:
            state.parts.sort(key=lambda p: p.name)


#: The SVG path of each day's bar (a 1 × 4 rectangle at x = day index).
_DAY_PATHS = tuple(f"M{i} 0h1v4h-1z" for i in range(HISTORY_DAYS))


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
    "part_states",
)
_PLANNED_COLUMNS = ("id", "code", "title", "description", "started_at", "planned_end_at")


def _systems(org_ids: tuple[int, ...]) -> QuerySet:
    """Every system of the organisations, public or not, once per dependency it has (once
    with empty dependency columns when it has none).

    The dependencies ride along here rather than in a query of their own, so a render
    keeps its fixed number of queries: a system page needs them to know which notices to
    read, and every page to show what is affected (SOD-07, SOD-08, SOD-10). The systems
    that are not public are read because a chain may pass through one (the login service
    is infrastructure); ``status`` gives only the public ones a row on the page.
    """
    return (
        System.objects.filter(organisation__in=org_ids)
        .order_by("organisation__name", "kind", "name", "id", "dependencies__id")
        .values_list(
            *_SYSTEM_COLUMNS,
            "public",
            "dependencies__depends_on_id",
            "dependencies__kind",
            "dependencies__note",
        )
    )


class EpochSeconds(Func):
    """Seconds since 1970 (UTC) of a timestamp, as an integer (PostgreSQL and SQLite)."""

    output_field = IntegerField()
    # date_part gives a double, EXTRACT a numeric: PostgreSQL spent about as long on the
    # numerics as on the rest of the spans query. Whole seconds, rounded down like SQLite.
    template = "floor(date_part('epoch', %(expressions)s))::bigint"

    @property
    def convert_value(self) -> Any:
        # Both databases already return an integer (or NULL); Django's default converter
        # would call int() on each of the few hundred values a render reads.
        return self._convert_value_noop

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # Django keeps SQLite timestamps as UTC text, which strftime reads. The template is
        # %-formatted once here and once more with the parameters, hence %%%%.
        return self.as_sql(
            compiler, connection, template="CAST(strftime('%%%%s', %(expressions)s) AS INTEGER)"
        )


@lru_cache(maxsize=4)
def _midnights(first_day: dt.date) -> list[float]:
    """The local midnights that start each day of the history (and the one after it), as
    seconds since 1970, so a day's index is a bisection (daylight saving included)."""
    return [
        clock.at_local(first_day + dt.timedelta(days=i), dt.time(0)).timestamp()
        for i in range(HISTORY_DAYS + 1)
    ]


def _spans(
    org_ids: tuple[int, ...],
    system_id: int | None,
    history_from: dt.datetime,
    needs: tuple[int, ...] = (),
) -> QuerySet:
    """What the 90-day bars need: one narrow row per notice and system, with the instants it
    began and ended as whole seconds: decoding hundreds of timestamps (or dates) costs more
    than the rest of the render, and an integer is cheap on both sides.

    A system's page reads the notices about the system and the *current* ones about the
    systems it ``needs``: those say why it is affected and are printed with it."""
    notices = Notice.objects.public().filter(
        Q(status=Notice.Status.PUBLISHED) | Q(ended_at__gte=history_from),
        organisation__in=org_ids,
    )
    if system_id is not None:
        about = Q(system=system_id)
        if needs:
            about |= Q(system__in=needs, notice__status=Notice.Status.PUBLISHED)
        notices = notices.filter(
            pk__in=Notice.systems.through.objects.filter(about).values("notice_id")
        )
    # Unordered: sorting these rows was half of PostgreSQL's work for the query; the render
    # needs only the ten latest ended notices, which ``status`` picks itself.
    return (
        notices.annotate(began=EpochSeconds("published_at"), ended=EpochSeconds("ended_at"))
        .order_by()
        .values_list("id", "status", "severity", "systems", "began", "ended")
    )


def _notices(ids: tuple[int, ...]) -> QuerySet:
    # The systems by name: without it the join's order is the plan's, and PostgreSQL's
    # plan for a prepared statement may change after a few runs.
    return (
        Notice.objects.filter(pk__in=ids)
        .order_by("-published_at", "-id", "systems__name", "systems__id")
        .values_list(*_NOTICE_COLUMNS, *(f"systems__{c}" for c in _SYSTEM_COLUMNS))
    )


def _planned(org_ids: tuple[int, ...], history_from: dt.datetime) -> QuerySet:
    return (
        Outage.objects.real()
        .filter(organisation__in=org_ids, kind=Outage.Kind.PLANNED)
        .filter(Q(planned_end_at__gte=history_from) | Q(planned_end_at__isnull=True))
        .exclude(status__in=[Outage.Status.CLOSED, Outage.Status.CANCELLED])
        .order_by("started_at", "id", "systems__name", "systems__id")
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
    returns plain rows: the systems with their dependencies; the notices' spans for the
    90-day bars; the notices the page prints, joined with their systems (one row per pair);
    the planned outages joined with their systems. Rows become the small ``Public*``
    records. A system that needs one with trouble is ``affected`` (``AffectedBy``).
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
    edges: list[Edge] = []
    for pk, key, name, kind, org_id, public, needs_id, needs_kind, needs_note in compiled.rows(
        ("statuspage.systems", org_ids), lambda: _systems(org_ids)
    ):
        if pk not in known:
            known[pk] = PublicSystem(pk, key, name, kind, by_org[org_id])
            if public and system_id in (None, pk):
                states[pk] = SystemState(system=known[pk])
        if needs_id is not None:
            edges.append((pk, needs_id, needs_kind, needs_note))
    # A system's page also reads the current notices of what the system needs, however far
    # down; ``reachable`` stops at a cycle.
    needs: tuple[int, ...] = ()
    if system_id is not None and edges:
        forward: dict[int, set[int]] = {}
        for a, b, _kind, _note in edges:
            forward.setdefault(a, set()).add(b)
        needs = tuple(sorted(reachable(forward, system_id)))

    def public_system(row: tuple[Any, ...]) -> PublicSystem | None:
        pk = row[0]
        if pk is None:
            return None
        if pk not in known:  # a notice may name a system that has no row on this page
            known[pk] = PublicSystem(pk, row[1], row[2], row[3], by_org.get(row[4]))  # type: ignore[arg-type]
        return known[pk]

    spans = compiled.rows(
        ("statuspage.spans", org_ids, system_id, first_day, needs),
        lambda: _spans(org_ids, system_id, history_from, needs),
    )
    # The page prints every current notice and the ten latest ended ones; only those are
    # read in full. The same pass marks the 90-day bars: a span is a row per notice and
    # system, and this loop is most of a render's own work.
    current_ids: set[int] = set()
    ended_began: dict[int, int] = {}
    published = Notice.Status.PUBLISHED
    midnights = _midnights(first_day)
    last_day = HISTORY_DAYS - 1
    for pk, notice_status, severity, span_system, began, ended_at in spans:
        if notice_status == published:
            current_ids.add(pk)
        else:
            ended_began[pk] = began
        state = states.get(span_system)
        if state is None:
            continue
        first = bisect_right(midnights, began) - 1
        if first < 0:
            first = 0
        elif first > last_day:
            continue
        if ended_at is None:
            last = last_day
        elif midnights[first] <= ended_at < midnights[first + 1]:
            last = first  # most notices end the day they began
        else:
            last = min(bisect_right(midnights, ended_at) - 1, last_day)
        state.mark(first, last, severity)
    latest_ended = heapq.nlargest(10, ended_began, key=lambda pk: (ended_began[pk], pk))
    notices: dict[int, PublicNotice] = {}
    ids = tuple(sorted(current_ids.union(latest_ended)))
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
    _mark_parts(states, current)

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
    in_progress = [
        o
        for o in planned.values()
        if o.started_at <= now and (o.planned_end_at is None or o.planned_end_at > now)
    ]
    for outage in in_progress:
        for s in outage.systems:
            if s.id in states:
                states[s.id].planned_now.append(outage)
    _mark_affected(states, known, edges, current, in_progress)
    if system is not None:
        planned = {k: o for k, o in planned.items() if any(s.id == system.pk for s in o.systems)}
    upcoming = [o for o in planned.values() if o.started_at > now]

    for state in states.values():
        if state.notices or state.planned_now or state.affected_by:  # most systems work
            severities = [n.severity for n in state.notices]
            if state.planned_now:
                severities.append(Notice.Severity.MAINTENANCE)
            if state.affected_by:
                severities.append(AFFECTED)
            state.state = worst(severities)

    kinds = _kind_labels(translation.get_language())
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


@lru_cache(maxsize=8)
def _kind_labels(language: str | None) -> dict[str, str]:
    return {kind: str(label) for kind, label in System.Kind.choices}


def _mark_affected(
    states: dict[int, SystemState],
    known: dict[int, PublicSystem],
    edges: list[Edge],
    current: list[PublicNotice],
    in_progress: list[PublicPlanned],
) -> None:
    """Fill ``affected_by`` of every system on the page that needs, directly or through
    others, a system with a current outage, disturbance or planned work (SOD-07, SOD-08,
    SOD-10). No query: the dependencies came with the systems.

    A notice that also names the system itself is its own state, not a cause: it is not
    repeated as one."""
    trouble: dict[int, tuple[list[PublicNotice], list[PublicPlanned]]] = {}
    for notice in current:
        if notice.severity in AFFECTING:
            for s in notice.systems:
                trouble.setdefault(s.id, ([], []))[0].append(notice)
    for outage in in_progress:
        for s in outage.systems:
            trouble.setdefault(s.id, ([], []))[1].append(outage)
    if not trouble or not edges:
        return
    for system_id, paths in dependants_by_cause(edges, trouble).items():
        state = states.get(system_id)
        if state is None:
            continue
        for path in paths:
            notices, planned = trouble[path.cause_id]
            notices = [n for n in notices if all(s.id != system_id for s in n.systems)]
            planned = [o for o in planned if all(s.id != system_id for s in o.systems)]
            if notices or planned:
                state.affected_by.append(
                    AffectedBy(
                        system=known[path.cause_id],
                        kind=path.kind,
                        note=path.note,
                        via=[known[pk] for pk in path.via],
                        notices=notices,
                        planned=planned,
                    )
                )
        state.affected_by.sort(key=lambda a: (-RANK[a.severity], a.system.name))


BROADCAST_MAX = 400


def broadcast_text(notice: Notice) -> str:
    """The phone-queue broadcast (lavinmeddelande) derived from a notice, for the telephony
    owner to record (LMN-10, LMN-11): short enough to be read out in about half a minute,
    and pointing callers to the status page rather than reading out details."""
    body = " ".join(redact(notice.body).split())
    if len(body) > BROADCAST_MAX:
        body = body[: BROADCAST_MAX - 1].rsplit(" ", 1)[0] + "…"
    return (
        f"{notice.organisation.name} informerar: {redact(notice.title).rstrip('.')}. {body} "
        "Mer information finns på driftinformationen."
    )


def notice_templates(outage: Outage | None) -> dict[str, Any]:
    """The routine's notice templates for ``outage`` (key → template), so a publisher starts
    from the routine's own words (LMN-09, S2-06)."""
    if outage is None or outage.routine_version_id is None:
        return {}
    document = outage.routine_version.document()
    return {t.key: t for t in document.templates if t.kind == "notice"}
