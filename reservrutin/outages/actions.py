"""Every state change of an outage. Each action is one transaction that writes the rows, the
timeline entry and any outbox rows together (DESIGN "How data flows").

Business errors raise :class:`OutageError` with a message fit to show a person; views show
it next to the form and keep what was typed.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q

from reservrutin.accounts.models import Membership, Organisation, Unit, User
from reservrutin.lib import clock
from reservrutin.outages import messaging, routing
from reservrutin.outages.models import (
    Activation,
    Escalation,
    Outage,
    PrognosisChange,
    Report,
    Task,
    TimelineEntry,
    Timer,
)
from reservrutin.registry.models import ContactPoint, System, SystemParty
from reservrutin.routines import schema
from reservrutin.routines.models import RoutineVersion

log = logging.getLogger(__name__)

#: Reports without login allowed per address and hour (SOD-10 opens a door; this keeps it
#: from becoming a flood). Counted in the database, so it holds across processes.
DEFAULT_UNAUTHENTICATED_REPORTS_PER_HOUR = 5


class OutageError(Exception):
    """A change that cannot be made, with a message for the person who asked (Swedish)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _fmt(instant: dt.datetime | None) -> str:
    return clock.local(instant).strftime("%Y-%m-%d %H:%M") if instant else "–"


def _lock(outage: Outage) -> Outage:
    """The outage row, locked for the rest of the transaction (PostgreSQL; on SQLite the
    transaction's write lock serialises instead)."""
    return Outage.objects.select_for_update().select_related("organisation").get(pk=outage.pk)


def _entry(
    outage: Outage,
    kind: str,
    text: str,
    *,
    at: dt.datetime,
    by: User | None = None,
    **data: Any,
) -> TimelineEntry:
    return TimelineEntry.objects.create(
        outage=outage,
        kind=kind,
        text=text,
        data=data,
        actor=by if by is not None and by.is_authenticated else None,
        created_at=at,
    )


def _first_system(outage: Outage) -> System | None:
    return outage.systems.order_by("name").first()


def _document(outage: Outage) -> schema.Routine | None:
    if outage.routine_version_id is None:
        return None
    return RoutineVersion.document_by_id(outage.routine_version_id)


def _due_at(due: str | None, at: dt.datetime) -> dt.datetime | None:
    if due == "immediately":
        return at
    local = clock.local(at)
    if due == "same_day":
        return clock.at_local(local.date(), dt.time(23, 59))
    if due == "next_day":
        return clock.at_local(local.date() + dt.timedelta(days=1), dt.time(23, 59))
    return None


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
        due_at=_due_at(due, at),
        created_at=at,
    )


# --- Notices ------------------------------------------------------------------------------


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


# --- Reports ------------------------------------------------------------------------------


@dataclass
class Submitted:
    """What ``submit_report`` did."""

    report: Report
    outage: Outage
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
) -> Submitted:
    """Store a fault report and attach it to the open outage of the same system(s), or
    open a new outage in state ``reported``.

    Idempotent on ``idempotency_key``: a double submission returns the first report.
    Without ``reporter`` (SOD-10) the organisation must allow it, name and phone are
    required, the report is unverified and the address is rate-limited. A report customer
    service makes for a caller (LMN-04) is escalated internally to the routine's owner role.
    """
    existing = (
        Report.objects.filter(idempotency_key=idempotency_key).select_related("outage").first()
    )
    if existing is not None and existing.outage is not None:
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
        )
    except IntegrityError:
        # The same form sent twice at once: the other request stored it first.
        existing = Report.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None or existing.outage is None:
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
) -> Submitted:
    signed_in = reporter is not None
    with transaction.atomic():
        if not signed_in:
            limit = getattr(
                settings,
                "OUTAGES_UNAUTHENTICATED_REPORTS_PER_HOUR",
                DEFAULT_UNAUTHENTICATED_REPORTS_PER_HOUR,
            )
            recent = Report.objects.filter(
                reporter__isnull=True,
                source_address=source_address,
                created_at__gte=now - dt.timedelta(hours=1),
            ).count()
            if recent >= limit:
                raise OutageError(
                    "Det har kommit många felanmälningar härifrån den senaste timmen. "
                    "Vänta en stund eller ring i stället."
                )
        outage = (
            Outage.objects.open()
            .filter(organisation=organisation, systems__in=systems)
            .order_by("-started_at")
            .first()
        )
        opened = outage is None
        if outage is None:
            version = routing.routine_for(organisation, systems)
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
            _entry(outage, TimelineEntry.Kind.STATUS, "Driftstörningen registrerades.", at=now)
        else:
            outage = _lock(outage)
            outage.systems.add(*systems)
        report = Report.objects.create(
            outage=outage,
            organisation=organisation,
            reporter=reporter if signed_in else None,
            reporter_name=reporter_name.strip()[:200],
            reporter_phone=reporter_phone.strip()[:40],
            unit=unit,
            fault_type=fault_type,
            extent=extent,
            description=description,
            self_check=self_check or [],
            on_behalf_of_caller=on_behalf_of_caller,
            is_verified=signed_in,
            idempotency_key=idempotency_key,
            source_address=source_address,
            created_at=now,
        )
        report.systems.set(systems)
        who = report.reporter_name + ("" if signed_in else " (ej verifierad)")
        _entry(
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
        if on_behalf_of_caller:
            _escalate_report(outage, report, at=now)
        if opened:
            _tell_coordinators(outage, report, at=now)
    return Submitted(report, outage, created=True, opened=opened)


def _escalate_report(outage: Outage, report: Report, *, at: dt.datetime) -> None:
    """LMN-04: a prescriber's report to customer service is escalated internally — to the
    role that owns the routine (the system owner), along its duty chain."""
    doc = _document(outage)
    role = doc.owner_role if doc is not None else None
    if not role:
        return
    messaging.notify_role(
        outage,
        role,
        text=f"Felanmälan via kundservice: {report.get_fault_type_display()} i {outage.title}. "
        f"{report.description}".strip(),
        purpose=f"report:{report.code}",
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
            _entry(
                report.outage,
                TimelineEntry.Kind.REPORT,
                f"Felanmälan från {report.reporter_name} verifierad.",
                at=now,
                by=by,
                report=str(report.code),
            )
    report.refresh_from_db()
    return report


# --- Scenario and steps -------------------------------------------------------------------


def confirm_outage(outage: Outage, *, by: User | None, scenario_key: str) -> Outage:
    """Confirm a reported outage and start the scenario: its steps become notifications,
    messages and tasks now, its timers rows the ``runtimers`` worker fires later.

    A "wait for instructions" scenario (LMN-06) starts its steps and NO timers.
    """
    now = clock.now()
    with transaction.atomic():
        outage = _lock(outage)
        if outage.status != Outage.Status.REPORTED:
            raise OutageError("Störningen är redan bekräftad.")
        if outage.routine_version is None:
            version = routing.routine_for(outage.organisation, outage.systems.all())
            if version is not None:
                outage.routine_version = version
                outage.routine_key = version.routine.key
        doc = _document(outage)
        chosen = routing.scenario(doc, scenario_key) if scenario_key else None
        if scenario_key and chosen is None:
            raise OutageError("Okänt scenario för rutinen.", field="scenario")
        outage.status = Outage.Status.CONFIRMED
        outage.confirmed_at = now
        outage.scenario_key = scenario_key
        outage.save(
            update_fields=[
                "status",
                "confirmed_at",
                "scenario_key",
                "routine_version",
                "routine_key",
            ]
        )
        _entry(outage, TimelineEntry.Kind.STATUS, "Driftstörningen bekräftades.", at=now, by=by)
        if chosen is not None:
            _start_scenario(outage, doc, chosen, at=now, by=by)
    return outage


def choose_scenario(outage: Outage, *, by: User | None, scenario_key: str) -> Outage:
    """Change the scenario of a confirmed outage: pending timers of the old one stop, the
    new one's steps and timers start. Before confirmation, only remembers the choice."""
    now = clock.now()
    with transaction.atomic():
        outage = _lock(outage)
        if not outage.is_open:
            raise OutageError("Störningen är redan åtgärdad.")
        doc = _document(outage)
        chosen = routing.scenario(doc, scenario_key)
        if chosen is None:
            raise OutageError("Okänt scenario för rutinen.", field="scenario")
        if scenario_key == outage.scenario_key:
            return outage
        outage.scenario_key = scenario_key
        outage.save(update_fields=["scenario_key"])
        if outage.status == Outage.Status.REPORTED:
            return outage
        outage.timers.pending().update(
            skipped_at=now, skip_reason="Scenariot byttes", claim_token=None, claimed_until=None
        )
        _start_scenario(outage, doc, chosen, at=now, by=by)
    return outage


def _start_scenario(
    outage: Outage,
    doc: schema.Routine | None,
    chosen: schema.Scenario,
    *,
    at: dt.datetime,
    by: User | None,
) -> None:
    assert doc is not None
    _entry(
        outage,
        TimelineEntry.Kind.SCENARIO,
        f"Scenario: {chosen.title}.",
        at=at,
        by=by,
        scenario=chosen.key,
    )
    if chosen.wait_for_instructions:
        _entry(
            outage,
            TimelineEntry.Kind.SCENARIO,
            "Avvakta instruktioner – inga planerade åtgärder och inga tidsgränser.",
            at=at,
            scenario=chosen.key,
        )
    run_steps(outage, doc, chosen.steps, source=Task.Source.STEP, prefix=chosen.key, at=at)
    if chosen.wait_for_instructions:
        return
    for item in chosen.timers:
        Timer.objects.create(
            outage=outage,
            key=item.key,
            description=item.description or "",
            due_at=outage.started_at + schema.parse_duration(item.after) / outage.time_factor,
            condition=item.condition,
            rearm=(schema.parse_duration(item.rearm) / outage.time_factor) if item.rearm else None,
            actions=[a.model_dump(mode="json", exclude_none=True) for a in item.actions],
            created_at=at,
        )


def run_steps(
    outage: Outage,
    doc: schema.Routine,
    steps: list[Any],
    *,
    source: str,
    prefix: str,
    at: dt.datetime,
) -> None:
    """Turn routine steps into notifications (with escalation), messages and tasks."""
    system = _first_system(outage)
    org = outage.organisation
    for index, step in enumerate(steps):
        key = f"{prefix}:{step.id or index}"
        if step.kind == "notify":
            off = step.if_off_duty
            for ref in step.notify_roles:
                messaging.notify_role(
                    outage,
                    ref,
                    text=step.what,
                    purpose=f"{key}:{ref}",
                    at=at,
                    system=system,
                    escalate=True,
                    off_duty_roles=off.notify_roles if off else None,
                    off_duty_contact_point=off.ticket_contact_point if off else None,
                    task_role=step.who or "",
                )
        elif step.kind == "contact_supplier":
            _contact_supplier(outage, step, key=key, source=source, at=at, system=system)
        elif step.kind == "call_contact_point":
            point, choice = routing.choose_contact_point(org, step.contact_points, at)
            _task(
                outage,
                role=step.who,
                instruction=step.what,
                script=_point_text(point, choice.note if choice else None),
                source=source,
                source_key=key,
                at=at,
                due="immediately",
            )
        elif step.kind == "publish_notice":
            tpl = routing.template(doc, step.template)
            if outage.timeline.filter(
                kind=TimelineEntry.Kind.NOTICE, data__template=step.template
            ).exists():
                continue  # already published (by a timer or the backup routine's notice)
            _task(
                outage,
                role=step.who,
                instruction=step.what,
                script=tpl.text if tpl else "",
                source=source,
                source_key=key,
                at=at,
                due="immediately",
            )
        elif step.kind in ("inform_callers", "phone_queue_broadcast"):
            tpl = routing.template(doc, step.template)
            own = step.script if step.kind == "inform_callers" else step.text
            _task(
                outage,
                role=step.who,
                instruction=step.what,
                script=own or (tpl.text if tpl else ""),
                source=source,
                source_key=key,
                at=at,
                due="immediately",
            )
        elif step.kind == "wait_for_instructions":
            _task(
                outage,
                role=step.who,
                instruction=step.what,
                source=source,
                source_key=key,
                at=at,
            )
        else:
            _task(
                outage,
                role=step.who,
                instruction=step.what,
                source=source,
                source_key=key,
                at=at,
                due=getattr(step, "due", None),
            )


def _point_text(point: ContactPoint | None, note: str | None) -> str:
    if point is None:
        return note or ""
    parts = [point.name]
    if point.phone:
        parts.append(f"tfn {point.phone}")
    if point.url:
        parts.append(point.url)
    if point.email:
        parts.append(point.email)
    text = ", ".join(parts)
    return f"{text}. {note}" if note else text


def _contact_supplier(
    outage: Outage,
    step: schema.ContactSupplierStep,
    *,
    key: str,
    source: str,
    at: dt.datetime,
    system: System | None,
) -> None:
    """A message to the supplier's contact point if it has an e-mail, else a task to phone
    it (LMN-07 "also contact the supplier", S2-07 "tell the orthopaedic provider")."""
    supplier = Organisation.objects.filter(key=step.supplier).first()
    point: ContactPoint | None = None
    if step.contact_point:
        point = routing.contact_point(outage.organisation, step.contact_point)
    if point is None and supplier is not None:
        party = (
            SystemParty.objects.filter(organisation=supplier, contact_point__isnull=False)
            .filter(system__in=outage.systems.all())
            .select_related("contact_point")
            .first()
        )
        point = party.contact_point if party else None
    if point is None and supplier is not None:
        point = ContactPoint.objects.filter(organisation=supplier).order_by("name").first()
    name = supplier.name if supplier else step.supplier
    if point is not None and point.email:
        messaging.send(
            outage,
            kind="email",
            recipient=point.email,
            subject=f"Driftstörning: {outage.title}",
            body=f"{step.what}\n\n{outage.title} har en driftstörning sedan "
            f"{_fmt(outage.started_at)}."
            + (f" Ärende hos servicedesk: {outage.ticket_ref}." if outage.ticket_ref else ""),
            key=f"{key}:supplier:{step.supplier}",
        )
        _entry(
            outage,
            TimelineEntry.Kind.MESSAGE,
            f"Meddelande skickat till {name} ({point.email}).",
            at=at,
            supplier=step.supplier,
        )
        return
    _task(
        outage,
        role=step.who,
        instruction=f"{step.what} ({name})",
        script=_point_text(point, None) if point else "",
        source=source,
        source_key=key,
        at=at,
        due="immediately",
    )


# --- Prognosis, ticket, notes --------------------------------------------------------------


def set_prognosis(outage: Outage, *, at: dt.datetime | None, by: User | None) -> Outage:
    """Set (or with ``at=None`` withdraw) the prognosis. A prognosis must lie ahead.

    Timers read the prognosis when they fall due, so nothing else changes here: a
    "without prognosis" timer due before ``at`` will be skipped and re-armed.
    """
    now = clock.now()
    if at is not None and at <= now:
        raise OutageError(
            f"Prognosen {_fmt(at)} har redan passerat – ange en tid efter {_fmt(now)}.",
            field="prognosis_at",
        )
    with transaction.atomic():
        outage = _lock(outage)
        if not outage.is_open:
            raise OutageError("Störningen är redan åtgärdad.")
        outage.prognosis_at = at
        outage.save(update_fields=["prognosis_at"])
        PrognosisChange.objects.create(outage=outage, prognosis_at=at, set_by=by, set_at=now)
        _entry(
            outage,
            TimelineEntry.Kind.PROGNOSIS,
            f"Prognos: åter i drift {_fmt(at)}." if at else "Prognosen togs bort.",
            at=now,
            by=by,
            prognosis_at=at.isoformat() if at else None,
        )
    return outage


def set_ticket_ref(outage: Outage, *, ticket_ref: str, by: User | None) -> Outage:
    """Reference the service desk's own ticket (not owned here)."""
    ticket_ref = ticket_ref.strip()
    now = clock.now()
    with transaction.atomic():
        outage = _lock(outage)
        outage.ticket_ref = ticket_ref[:100]
        outage.save(update_fields=["ticket_ref"])
        _entry(
            outage,
            TimelineEntry.Kind.NOTE,
            f"Ärendenummer hos servicedesk: {ticket_ref}."
            if ticket_ref
            else "Ärendenumret togs bort.",
            at=now,
            by=by,
        )
    return outage


def add_note(outage: Outage, *, text: str, by: User | None) -> TimelineEntry:
    text = text.strip()
    if not text:
        raise OutageError("Skriv en anteckning.", field="text")
    with transaction.atomic():
        return _entry(outage, TimelineEntry.Kind.NOTE, text, at=clock.now(), by=by)


def correct_entry(entry: TimelineEntry, *, text: str, by: User | None) -> TimelineEntry:
    """A correction is a new entry pointing at the original, which stays (append-only)."""
    text = text.strip()
    if not text:
        raise OutageError("Skriv vad som är rätt.", field="text")
    with transaction.atomic():
        return TimelineEntry.objects.create(
            outage=entry.outage,
            kind=TimelineEntry.Kind.CORRECTION,
            text=text,
            corrects=entry,
            actor=by if by is not None and by.is_authenticated else None,
            created_at=clock.now(),
        )


# --- Backup routines ----------------------------------------------------------------------


def activate_backup_routine(
    outage: Outage,
    key: str,
    *,
    by: User | None = None,
    reason: str,
    timer: Timer | None = None,
) -> Activation:
    """Put backup routine ``key`` in force: status ``backup_active``, its steps as tasks,
    its notice published and the roles of its steps told. Activating one that is already
    active returns the existing activation and changes nothing."""
    now = clock.now()
    if not reason.strip():
        raise OutageError("Skriv varför reservrutinen aktiveras.", field="reason")
    with transaction.atomic():
        outage = _lock(outage)
        if not outage.is_open:
            raise OutageError("Störningen är redan åtgärdad.")
        existing = outage.activations.filter(backup_key=key).first()
        if existing is not None:
            return existing
        doc = _document(outage)
        backup = routing.backup_routine(doc, key)
        if backup is None:
            raise OutageError("Okänd reservrutin för rutinen.", field="backup")
        activation = Activation.objects.create(
            outage=outage,
            backup_key=key,
            title=backup.title,
            activated_at=now,
            by=by if by is not None and by.is_authenticated else None,
            reason=reason.strip(),
            timer=timer,
        )
        previous = outage.status
        outage.status = Outage.Status.BACKUP_ACTIVE
        if outage.confirmed_at is None:
            outage.confirmed_at = now
        outage.save(update_fields=["status", "confirmed_at"])
        _entry(
            outage,
            TimelineEntry.Kind.ACTIVATION,
            f"{backup.title} aktiverad: {reason.strip()}",
            at=now,
            by=by,
            backup=key,
            previous_status=previous,
        )
        tpl = routing.template(doc, backup.notice_template)
        if tpl is not None:
            publish_notice_text(
                outage, tpl.text, by=by, at=now, title=tpl.title or "", template_key=tpl.key
            )
        assert doc is not None
        run_steps(outage, doc, backup.steps, source=Task.Source.BACKUP_ROUTINE, prefix=key, at=now)
        roles = list(dict.fromkeys(s.who for s in backup.steps if s.who))
        for ref in roles:
            messaging.notify_role(
                outage,
                ref,
                text=f"{backup.title} gäller nu. Se dina uppgifter.",
                purpose=f"backup:{key}:{ref}",
                at=now,
                system=_first_system(outage),
                escalate=False,
            )
    return activation


# --- Timers (called by the runtimers worker inside its transaction) ----------------------


def apply_timer(timer: Timer, outage: Outage, *, at: dt.datetime) -> None:
    """Run a fired timer's actions: activate, publish, notify, create tasks."""
    doc = _document(outage)
    _entry(
        outage,
        TimelineEntry.Kind.TIMER,
        f"Tidsgränsen {timer.key} nåddes"
        + (f": {timer.description}" if timer.description else "."),
        at=at,
        timer=str(timer.code),
    )
    backup_key = next(
        (a["activate_backup_routine"] for a in timer.actions if "activate_backup_routine" in a),
        None,
    )
    for action in timer.actions:
        if "activate_backup_routine" in action:
            activate_backup_routine(
                outage,
                action["activate_backup_routine"],
                by=None,
                reason=timer.description or f"Tidsgränsen {timer.key} nåddes.",
                timer=timer,
            )
        elif "publish_notice" in action:
            tpl = routing.template(doc, action["publish_notice"])
            if tpl is not None:
                publish_notice_text(
                    outage, tpl.text, by=None, at=at, title=tpl.title or "", template_key=tpl.key
                )
        elif "notify" in action:
            backup = routing.backup_routine(doc, backup_key) if backup_key else None
            text = f"{backup.title} gäller nu." if backup else timer.description or timer.key
            for ref in action["notify"]:
                purpose = (
                    f"backup:{backup_key}:{ref}" if backup_key else f"timer:{timer.code}:{ref}"
                )
                messaging.notify_role(
                    outage,
                    ref,
                    text=text,
                    purpose=purpose,
                    at=at,
                    system=_first_system(outage),
                    escalate=False,
                )
        elif "create_tasks" in action:
            for index, item in enumerate(action["create_tasks"]):
                _task(
                    outage,
                    role=item.get("who"),
                    instruction=item["what"],
                    source=Task.Source.TIMER,
                    source_key=f"{timer.key}:{index}",
                    at=at,
                    due=item.get("due"),
                )


def skip_reason(timer: Timer, outage: Outage, *, at: dt.datetime) -> str | None:
    """Why a due timer must not fire now, or None if it fires."""
    if not outage.is_open:
        return "Störningen är redan åtgärdad."
    if (
        timer.condition == Timer.Condition.WITHOUT_PROGNOSIS
        and outage.prognosis_at is not None
        and outage.prognosis_at > at
    ):
        return f"Prognos finns: {_fmt(outage.prognosis_at)}."
    return None


def rearm_timer(timer: Timer, outage: Outage, *, at: dt.datetime, reason: str) -> Timer | None:
    """After a skip for a prognosis: a new row due when the prognosis passes (+ ``rearm``),
    so the routine's action still comes if the system is not back by then."""
    if not outage.is_open or outage.prognosis_at is None:
        return None
    nxt = Timer.objects.create(
        outage=outage,
        key=timer.key,
        description=timer.description,
        due_at=outage.prognosis_at + (timer.rearm or dt.timedelta(0)),
        condition=timer.condition,
        rearm=timer.rearm,
        actions=timer.actions,
        rearmed_from=timer,
        created_at=at,
    )
    _entry(
        outage,
        TimelineEntry.Kind.TIMER,
        f"Tidsgränsen {timer.key} väntar: {reason} Gäller om störningen inte är åtgärdad "
        f"{_fmt(nxt.due_at)}.",
        at=at,
        timer=str(nxt.code),
    )
    return nxt


# --- Escalation ---------------------------------------------------------------------------


def escalate_group(escalation: Escalation, *, at: dt.datetime) -> list[Escalation]:
    """Nobody in ``escalation``'s group acknowledged in time: notify the next level (the
    manager role's people on duty, LMN-07). Called by the worker in its transaction."""
    outage = _lock(escalation.outage)
    Escalation.objects.filter(group=escalation.group, escalated_at__isnull=True).update(
        escalated_at=at
    )
    if not outage.is_open:
        return []
    role = routing.role(outage.organisation, escalation.role_key)
    nxt = role.manager_role if role is not None else None
    if nxt is None:
        _entry(
            outage,
            TimelineEntry.Kind.ESCALATION,
            f"Ingen kvitterade meddelandet till {escalation.role_key}, och det finns ingen "
            "längre upp i kedjan att meddela.",
            at=at,
            group=str(escalation.group),
        )
        return []
    notified = messaging.notify_role(
        outage,
        nxt.key,
        text=f"Ingen har kvitterat: {escalation.text}",
        purpose=f"escalation:{escalation.group}",
        at=at,
        system=_first_system(outage),
        escalate=True,
        level=escalation.level + 1,
    )
    return notified.escalations


def acknowledge_escalation(token: str, *, by: User | None = None) -> Escalation:
    """Acknowledge from the link in the message (the signed token is the credential);
    acknowledges every row notified together. Acknowledging twice changes nothing."""
    escalation = messaging.escalation_from_token(token)
    if escalation is None:
        raise OutageError("Länken är ogiltig eller för gammal.")
    now = clock.now()
    who = by if by is not None and by.is_authenticated else escalation.person
    with transaction.atomic():
        updated = Escalation.objects.filter(
            group=escalation.group, acknowledged_at__isnull=True
        ).update(acknowledged_at=now, acknowledged_by=who)
        if updated:
            _entry(
                escalation.outage,
                TimelineEntry.Kind.ACKNOWLEDGED,
                f"{who or escalation.role_key} kvitterade meddelandet.",
                at=now,
                by=who,
                group=str(escalation.group),
            )
    escalation.refresh_from_db()
    return escalation


# --- Tasks --------------------------------------------------------------------------------


def complete_task(task: Task, *, by: User | None) -> Task:
    now = clock.now()
    with transaction.atomic():
        updated = Task.objects.filter(pk=task.pk, done_at__isnull=True).update(
            done_at=now, done_by=by
        )
        if updated:
            _entry(
                task.outage,
                TimelineEntry.Kind.TASK,
                f"Klart: {task.instruction}",
                at=now,
                by=by,
                task=str(task.code),
            )
    task.refresh_from_db()
    return task


# --- Resolve and close --------------------------------------------------------------------


def resolve_outage(outage: Outage, *, at: dt.datetime, by: User | None) -> Outage:
    """The system works again since ``at``. Pending timers and escalations stop; the
    routine's resolution rules by duration create tasks (TES-10: up to 10 hours every
    employee back-registers, over 10 hours the administrations decide); back-registration
    of activated backup routines becomes tasks. Status ``back_registration`` when there
    is something to enter afterwards, else ``resolved``."""
    now = clock.now()
    with transaction.atomic():
        outage = _lock(outage)
        if not outage.is_open:
            raise OutageError("Störningen är redan åtgärdad.")
        if at < outage.started_at:
            raise OutageError(
                f"Åtgärdad {_fmt(at)} ligger före starten {_fmt(outage.started_at)}.",
                field="resolved_at",
            )
        if at > now:
            raise OutageError("Åtgärdstiden kan inte ligga i framtiden.", field="resolved_at")
        doc = _document(outage)
        lasted = at - outage.started_at
        tasks_made = 0
        for index, rule in enumerate(doc.resolution if doc else []):
            low = routing.duration(rule.min_duration)
            high = routing.duration(rule.max_duration)
            if low is not None and not lasted > low:
                continue
            if high is not None and not lasted <= high:
                continue
            for n, item in enumerate(rule.tasks):
                _task(
                    outage,
                    role=item.who,
                    instruction=item.what,
                    source=Task.Source.RESOLUTION,
                    source_key=f"resolution:{index}:{n}",
                    at=now,
                    due=item.due,
                )
                tasks_made += 1
            _entry(
                outage,
                TimelineEntry.Kind.STATUS,
                f"Efter åtgärd gäller: {rule.title or 'regel ' + str(index + 1)}.",
                at=now,
                rule=index,
            )
        back_registration = bool(doc and doc.record_types)
        for activation in outage.activations.all():
            backup = routing.backup_routine(doc, activation.backup_key)
            if backup is None:
                continue
            if backup.record_types or backup.entered_afterwards:
                back_registration = True
            after = backup.entered_afterwards
            if after is not None:
                _task(
                    outage,
                    role=after.by_role,
                    instruction=after.text or f"Efterregistrera enligt {backup.title}.",
                    source=Task.Source.RESOLUTION,
                    source_key=f"backup:{backup.key}:after",
                    at=now,
                    due=after.due,
                )
        outage.timers.pending().update(
            skipped_at=now, skip_reason="Störningen åtgärdad", claim_token=None, claimed_until=None
        )
        outage.escalations.filter(due_at__isnull=False, escalated_at__isnull=True).update(
            due_at=None
        )
        outage.status = (
            Outage.Status.BACK_REGISTRATION if back_registration else Outage.Status.RESOLVED
        )
        outage.resolved_at = at
        outage.save(update_fields=["status", "resolved_at"])
        hours = lasted.total_seconds() / 3600
        _entry(
            outage,
            TimelineEntry.Kind.STATUS,
            f"Åtgärdad {_fmt(at)} efter {hours:.1f} timmar."
            + (" Efterregistrering pågår." if back_registration else ""),
            at=now,
            by=by,
            resolved_at=at.isoformat(),
        )
    return outage


def close_outage(outage: Outage, *, by: User | None) -> Outage:
    now = clock.now()
    with transaction.atomic():
        outage = _lock(outage)
        if outage.status not in (Outage.Status.RESOLVED, Outage.Status.BACK_REGISTRATION):
            raise OutageError("Bara en åtgärdad störning kan avslutas.")
        outage.status = Outage.Status.CLOSED
        outage.closed_at = now
        outage.save(update_fields=["status", "closed_at"])
        undone = outage.tasks.filter(done_at__isnull=True).count()
        _entry(
            outage,
            TimelineEntry.Kind.STATUS,
            "Driftstörningen avslutades."
            + (f" {undone} uppgift(er) var inte klara." if undone else ""),
            at=now,
            by=by,
        )
    return outage
