"""Which units and parts an outage concerns: widening it when reports come in, and a
reporter adding to their report later ("nu hela enheten"). The rules are in
``outages.scope``."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from reservrutin.accounts.models import Unit, User
from reservrutin.lib import clock
from reservrutin.outages import engine, scope
from reservrutin.outages.actions.common import OutageError, _lock
from reservrutin.outages.actions.timeline import write_entry_in_txn
from reservrutin.outages.models import Outage, Report, ReportAddition, TimelineEntry
from reservrutin.registry.models import SystemPart


def widen_scope(
    outage: Outage,
    *,
    units: list[Unit] | None,
    part: SystemPart | None,
    at: dt.datetime,
    by: User | None,
    reason: str,
) -> bool:
    """Widen ``outage`` (locked by the caller, inside its transaction) to cover ``units``
    (None: the whole organisation) and ``part``; never narrows it. Returns whether it grew.

    A unit already covered (named, or under a named unit) adds nothing. A part widens only
    a system that is limited to parts; a report that names no part leaves the parts alone.
    """
    grew: list[str] = []
    current = list(outage.units.all())
    if current:
        if units is None:
            outage.units.clear()
            grew.append("hela organisationen")
        else:
            tree = scope.unit_tree(outage.organisation_id)
            covered = scope.covered_units(tree, [u.pk for u in current], up=False)
            new = [u for u in units if u.pk not in covered]
            if new:
                outage.units.add(*new)
                grew.append(", ".join(u.name for u in new))
    if part is not None:
        limited = outage.parts.filter(system_id=part.system_id)
        if limited.exists() and not limited.filter(pk=part.pk).exists():
            outage.parts.add(part)
            grew.append(part.name)
    if grew:
        write_entry_in_txn(
            outage,
            TimelineEntry.Kind.SCOPE,
            f"Störningen gäller nu också {' och '.join(grew)} ({reason}).",
            at=at,
            by=by,
        )
        # A running scenario's alerts reach the people on duty for what is newly covered;
        # those already told are not told again.
        engine.notify_again_in_txn(outage, at=at)
    return bool(grew)


def add_to_report(
    report: Report,
    *,
    by: User | None,
    extent: str = "",
    unit: Unit | None = None,
    part: SystemPart | None = None,
    text: str = "",
) -> ReportAddition:
    """A reporter adds to their report later ("nu hela enheten"): a wider extent, their
    unit, a part, a line of text. Kept as a ``ReportAddition`` (the report itself is not
    changed) and on the outage's timeline; the outage's scope grows with it."""
    text = text.strip()
    if extent and extent not in Report.Extent.values:
        raise OutageError("Välj omfattning.", field="extent")
    if not (extent or unit or part or text):
        raise OutageError(
            "Skriv vad du vill lägga till, eller välj omfattning, enhet eller systemdel."
        )
    if unit is not None and unit.organisation_id != report.organisation_id:
        raise OutageError("Enheten hör inte till organisationen.", field="unit")
    systems = list(report.systems.all())
    if part is not None and part.system_id not in {s.pk for s in systems}:
        raise OutageError(
            f"Okänd systemdel ”{part.name}” för {', '.join(s.name for s in systems)}; "
            "välj en del av ett av systemen i anmälan.",
            field="part",
        )
    if report.outage_id is None:
        raise OutageError(
            "Din felanmälan gällde bara din egen enhet och öppnade ingen driftstörning. "
            "Har fler fått problem? Gör en ny felanmälan."
        )
    now = clock.now()
    with transaction.atomic():
        outage = _lock(report.outage)
        if not outage.is_open:
            raise OutageError("Störningen är redan åtgärdad; tillägget kan inte sparas.")
        addition = ReportAddition.objects.create(
            report=report,
            extent=extent,
            unit=unit,
            part=part,
            text=text,
            by=by if by is not None and by.is_authenticated else None,
            created_at=now,
        )
        who = addition.by
        said = [
            *([addition.get_extent_display().lower()] if extent else []),
            *([unit.name] if unit else []),
            *([part.name] if part else []),
        ]
        lines = [*(["nu " + ", ".join(said)] if said else []), *([text] if text else [])]
        write_entry_in_txn(
            outage,
            TimelineEntry.Kind.REPORT,
            f"Tillägg från {report.reporter_name}: " + ". ".join(lines),
            at=now,
            by=who,
            report=str(report.code),
        )
        widen_scope(
            outage,
            units=scope.report_units(extent or report.extent, unit or report.unit),
            part=part,
            at=now,
            by=who,
            reason=f"tillägg från {report.reporter_name}",
        )
    return addition
