"""Fault reports: storing them, opening or joining an outage, verifying anonymous ones."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q

from reservrutin.accounts.models import Membership, Organisation, Unit, User
from reservrutin.lib import clock
from reservrutin.outages import limits, messaging, routing, scope
from reservrutin.outages.actions.common import OutageError, _document, _first_system, _lock
from reservrutin.outages.actions.scope import widen_scope
from reservrutin.outages.actions.timeline import write_entry_in_txn
from reservrutin.outages.models import (
    Outage,
    Report,
    TimelineEntry,
)
from reservrutin.registry.models import System, SystemPart


@dataclass
class Submitted:
    """What ``submit_report`` did."""

    report: Report
    #: None for a report about one device (``report.is_single_device``): no outage.
    outage: Outage | None
    created: bool
    opened: bool


def submit_report(
    organisation: Organisation,
    *,
    systems: list[System],
    fault_type: str,
    extent: str,
    idempotency_key: str,
    reporter: User | None = None,
    reporter_name: str = "",
    reporter_phone: str = "",
    unit: Unit | None = None,
    description: str = "",
    self_check: list[dict[str, str]] | None = None,
    on_behalf_of_caller: bool = False,
    source_address: str | None = None,
    part: SystemPart | None = None,
) -> Submitted:
    """Store a fault report and attach it to the open outage of the same system(s), or
    open a new outage in state ``reported``.

    The outage is limited to the units and the part the report names (``scope``); a report
    joining an open outage widens its scope. A report about the reporter's own device
    (``scope.is_single_device``) is stored and opens no outage. The routine's
    ``suggest_when`` may suggest a scenario, which the coordinator confirms or changes.

    Idempotent on ``idempotency_key``: a double submission returns the first report.
    Without ``reporter`` (SOD-10) the organisation must allow it, name and phone are
    required, the report is unverified and the address is rate-limited. A report customer
    service makes for a caller (LMN-04) is escalated internally to the routine's owner role.
    """
    existing = (
        Report.objects.filter(idempotency_key=idempotency_key).select_related("outage").first()
    )
    if existing is not None and (existing.outage is not None or existing.is_single_device):
        return Submitted(existing, existing.outage, created=False, opened=False)
    signed_in = reporter is not None and reporter.is_authenticated
    if not systems:
        raise OutageError("Välj minst ett system.", field="systems")
    allowed = set(
        System.objects.filter(
            Q(organisation=organisation) | Q(organisation__partners=organisation)
        ).values_list("pk", flat=True)
    )
    unknown = [s for s in systems if s.pk not in allowed]
    if unknown:
        raise OutageError(
            f"Okänt system för {organisation.name}: {', '.join(str(s) for s in unknown)}.",
            field="systems",
        )
    if unit is not None and unit.organisation_id != organisation.pk:
        raise OutageError("Enheten hör inte till organisationen.", field="unit")
    if fault_type not in Report.FaultType.values:
        raise OutageError("Välj typ av fel.", field="fault_type")
    if extent not in Report.Extent.values:
        raise OutageError("Välj omfattning.", field="extent")
    if part is not None and part.system_id not in {s.pk for s in systems}:
        raise OutageError(
            f"Okänd systemdel ”{part.name}” för {', '.join(s.name for s in systems)}; "
            "välj en del av ett av de valda systemen.",
            field="part",
        )
    if signed_in:
        reporter_name = reporter_name.strip() or reporter.get_full_name()
        reporter_phone = reporter_phone.strip() or reporter.phone
    else:
        if not organisation.allows_unauthenticated_reports:
            raise OutageError("Logga in för att felanmäla.")
        if not reporter_name.strip():
            raise OutageError("Skriv ditt namn.", field="reporter_name")
        if not reporter_phone.strip():
            raise OutageError("Skriv ett telefonnummer vi kan nå dig på.", field="reporter_phone")
    if not reporter_name.strip():
        raise OutageError("Skriv ditt namn.", field="reporter_name")
    now = clock.now()
    try:
        return _store_report(
            organisation,
            systems=systems,
            fault_type=fault_type,
            extent=extent,
            idempotency_key=idempotency_key,
            reporter=reporter if signed_in else None,
            reporter_name=reporter_name,
            reporter_phone=reporter_phone,
            unit=unit,
            description=description,
            self_check=self_check,
            on_behalf_of_caller=on_behalf_of_caller,
            source_address=source_address,
            now=now,
            part=part,
        )
    except IntegrityError:
        # The same form sent twice at once: the other request stored it first.
        existing = Report.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None or (existing.outage is None and not existing.is_single_device):
            raise
        return Submitted(existing, existing.outage, created=False, opened=False)


def _store_report(
    organisation: Organisation,
    *,
    systems: list[System],
    fault_type: str,
    extent: str,
    idempotency_key: str,
    reporter: User | None,
    reporter_name: str,
    reporter_phone: str,
    unit: Unit | None,
    description: str,
    self_check: list[dict[str, str]] | None,
    on_behalf_of_caller: bool,
    source_address: str | None,
    now: dt.datetime,
    part: SystemPart | None = None,
) -> Submitted:
    signed_in = reporter is not None
    with transaction.atomic():
        if not signed_in:
            refusal = limits.refuse_unauthenticated_report(
                organisation,
                source_address=source_address,
                reporter_phone=reporter_phone,
                now=now,
            )
            if refusal:
                raise OutageError(refusal)
        version = routing.routine_for(organisation, systems)
        doc = routing.document(version)
        answers = {
            "reporter": reporter,
            "reporter_name": reporter_name,
            "reporter_phone": reporter_phone,
            "unit": unit,
            "part": part,
            "fault_type": fault_type,
            "extent": extent,
            "description": description,
            "self_check": self_check,
            "on_behalf_of_caller": on_behalf_of_caller,
            "idempotency_key": idempotency_key,
            "source_address": source_address,
            "now": now,
        }
        if scope.is_single_device(
            doc, fault_type=fault_type, extent=extent, self_check=self_check or []
        ):
            report = _new_report(None, organisation, **answers, single_device=True)
            report.systems.set(systems)
            return Submitted(report, None, created=True, opened=False)
        # Only an outage happening now (a planned window that has not started is not one),
        # and never an exercise.
        outage = (
            Outage.objects.open()
            .real()
            .filter(organisation=organisation, systems__in=systems)
            .order_by("-started_at")
            .first()
        )
        opened = outage is None
        if outage is None:
            outage = Outage.objects.create(
                organisation=organisation,
                title="Störning i " + ", ".join(s.name for s in systems),
                description=description,
                started_at=now,
                created_at=now,
                created_by=reporter if signed_in else None,
                routine_version=version,
                routine_key=version.routine.key if version else "",
            )
            outage.systems.set(systems)
            outage.units.set(scope.report_units(extent, unit) or [])
            outage.parts.set([part] if part else [])
            write_entry_in_txn(
                outage, TimelineEntry.Kind.STATUS, "Driftstörningen registrerades.", at=now
            )
        else:
            outage = _lock(outage)
            outage.systems.add(*systems)
        report = _new_report(outage, organisation, **answers)
        report.systems.set(systems)
        who = report.reporter_name + ("" if signed_in else " (ej verifierad)")
        write_entry_in_txn(
            outage,
            TimelineEntry.Kind.REPORT,
            f"Felanmälan från {who}"
            + (f", {unit.name}" if unit else "")
            + f": {report.get_fault_type_display()}, {report.get_extent_display().lower()}."
            + (" För en inringande." if on_behalf_of_caller else ""),
            at=now,
            by=reporter if signed_in else None,
            report=str(report.code),
        )
        if not opened:
            widen_scope(
                outage,
                units=scope.report_units(extent, unit),
                part=part,
                at=now,
                by=reporter if signed_in else None,
                reason=f"felanmälan från {report.reporter_name}",
            )
        _suggest_scenario(outage, report, at=now)
        if on_behalf_of_caller:
            _escalate_report(outage, report, at=now)
        if opened:
            _tell_coordinators(outage, report, at=now)
    return Submitted(report, outage, created=True, opened=opened)


def _new_report(
    outage: Outage | None,
    organisation: Organisation,
    *,
    reporter: User | None,
    reporter_name: str,
    reporter_phone: str,
    unit: Unit | None,
    part: SystemPart | None,
    fault_type: str,
    extent: str,
    description: str,
    self_check: list[dict[str, str]] | None,
    on_behalf_of_caller: bool,
    idempotency_key: str,
    source_address: str | None,
    now: dt.datetime,
    single_device: bool = False,
) -> Report:
    return Report.objects.create(
        outage=outage,
        organisation=organisation,
        reporter=reporter,
        reporter_name=reporter_name.strip()[:200],
        reporter_phone=reporter_phone.strip()[:40],
        unit=unit,
        part=part,
        is_single_device=single_device,
        fault_type=fault_type,
        extent=extent,
        description=description,
        self_check=self_check or [],
        on_behalf_of_caller=on_behalf_of_caller,
        is_verified=reporter is not None,
        idempotency_key=idempotency_key,
        source_address=source_address,
        created_at=now,
    )


def _suggest_scenario(outage: Outage, report: Report, *, at: dt.datetime) -> None:
    """Before confirmation, the routine's ``suggest_when`` may suggest a scenario from the
    report's answers; the first report that matches one decides it (the coordinator
    confirms it or chooses another)."""
    if outage.status != Outage.Status.REPORTED or outage.suggested_scenario_key:
        return
    doc = _document(outage)
    suggested = scope.suggest_scenario(
        doc,
        outage.systems.all(),
        part=report.part,
        extent=report.extent,
        self_check=report.self_check,
    )
    if suggested is None:
        return
    outage.suggested_scenario_key = suggested.key
    outage.save(update_fields=["suggested_scenario_key"])
    write_entry_in_txn(
        outage,
        TimelineEntry.Kind.SCENARIO,
        f"Rutinen föreslår scenariot {suggested.title} utifrån svaren i felanmälan.",
        at=at,
        scenario=suggested.key,
        report=str(report.code),
    )


def _escalate_report(outage: Outage, report: Report, *, at: dt.datetime) -> None:
    """LMN-04: a prescriber's report to customer service is escalated internally — to the
    role that owns the routine (the system owner), along its duty chain."""
    doc = _document(outage)
    role = doc.owner_role if doc is not None else None
    if not role:
        return
    messaging.notify_role_in_txn(
        outage,
        role,
        text=f"Felanmälan via kundservice: {report.get_fault_type_display()} i {outage.title}. "
        f"{report.description}".strip(),
        purpose=messaging.ALERT,
        at=at,
        system=_first_system(outage),
        escalate=True,
    )


def _tell_coordinators(outage: Outage, report: Report, *, at: dt.datetime) -> None:
    coordinators = (
        User.objects.filter(
            memberships__organisation=outage.organisation,
            memberships__role=Membership.Role.COORDINATOR,
            is_active=True,
        )
        .distinct()
        .order_by("pk")
    )
    body = (
        f"{report.reporter_name} har felanmält: {report.get_fault_type_display()}, "
        f"{report.get_extent_display().lower()}.\n{report.description}\n\n"
        f"Bekräfta och välj scenario: {messaging.outage_url(outage)}"
    )
    for person in coordinators:
        messaging.message_person(
            outage, person, subject=f"Ny felanmälan: {outage.title}", body=body, key="opened"
        )


def verify_report(report: Report, *, by: User) -> Report:
    """A coordinator confirms an unauthenticated report (SOD-10)."""
    now = clock.now()
    with transaction.atomic():
        updated = Report.objects.filter(pk=report.pk, is_verified=False).update(
            is_verified=True, verified_by=by, verified_at=now
        )
        if updated and report.outage_id:
            write_entry_in_txn(
                report.outage,
                TimelineEntry.Kind.REPORT,
                f"Felanmälan från {report.reporter_name} verifierad.",
                at=now,
                by=by,
                report=str(report.code),
            )
    report.refresh_from_db()
    return report
