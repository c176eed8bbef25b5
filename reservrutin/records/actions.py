"""Every change to downtime records: capture, correct, hand over, close, remind.

Each action runs in one transaction that writes the rows and their audit event together.
No action takes a time for ``entered_at`` or ``done_at``: those are always ``clock.now()``,
so nothing here can back-date a registration (SP-11).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reservrutin.accounts.models import Organisation, Unit, User
from reservrutin.audit.actions import record_event
from reservrutin.lib import clock
from reservrutin.lib.claim import compare_and_set, lock
from reservrutin.lib.identity import PatientIdentifier, parse_identifier
from reservrutin.outages.models import Outage
from reservrutin.records import access, queries
from reservrutin.records.models import (
    BackRegistration,
    DischargeReport,
    DowntimeRecord,
    Reassignment,
    RecordNumber,
    RecordNumberCounter,
    RecordType,
)
from reservrutin.registry.models import System

#: Record types about one patient or client: they need a name and an identity number.
SUBJECT_REQUIRED = frozenset(
    {
        RecordType.JOURNAL_NOTE,
        RecordType.SIGNING_LIST,
        RecordType.PAPER_REFERRAL,
        RecordType.ACUTE_PRESCRIPTION,
        RecordType.DISCHARGE_PHONE_REPORT,
    }
)

EVENT_AFTER_ENTRY = gettext_lazy("Händelsetiden kan inte vara efter registreringstiden.")


# --- record numbers -----------------------------------------------------------------------


def allocate_number(
    *,
    organisation: Organisation,
    unit: Unit | None,
    outage: Outage | None,
    record_type: str,
    by: User | None,
) -> RecordNumber:
    """Reserve the next ``RR-<year>-<nnnnnn>`` for a printed form (and its QR code).

    1. Make sure the year's counter row exists (a concurrent creator is harmless).
    2. Increment it with one UPDATE: the database serialises concurrent increments.
    3. Read the new value inside the same transaction and store the reservation.
    """
    now = clock.now()
    year = clock.local(now).year
    with transaction.atomic():
        try:
            with transaction.atomic():
                RecordNumberCounter.objects.get_or_create(year=year)
        except IntegrityError:
            pass  # another request created it first
        RecordNumberCounter.objects.filter(year=year).update(last=F("last") + 1)
        last = RecordNumberCounter.objects.get(year=year).last
        return RecordNumber.objects.create(
            number=f"RR-{year}-{last:06d}",
            organisation=organisation,
            unit=unit,
            outage=outage,
            record_type=record_type,
            reserved_at=now,
            reserved_by=by,
        )


def _take_number(number: str, *, organisation: Organisation) -> str:
    """A pre-printed number from the paper, checked; or a fresh one when none was given."""
    number = number.strip().upper()
    if not number:
        return ""
    if not RecordNumber.objects.filter(number=number, organisation=organisation).exists():
        raise ValidationError(
            {
                "number": _("Numret %(number)s har inte skrivits ut för den här organisationen.")
                % {"number": number}
            }
        )
    if DowntimeRecord.objects.filter(number=number).exists():
        raise ValidationError(
            {"number": _("Numret %(number)s är redan registrerat.") % {"number": number}}
        )
    return number


# --- the back-registration deadline -------------------------------------------------------


def _routine_period(outage: Outage) -> dt.timedelta | None:
    """How long the outage's routine allows for back-registration, when it says.

    The routines app does not store a back-registration rule yet; when it does, read it
    here (Uppsala: "no later than two weeks"; TES-10: "can be done the day after").
    """
    return None


def back_registration_due_at(outage: Outage, *, entered_at: dt.datetime) -> dt.datetime:
    """When a record captured at ``entered_at`` must be entered into the real system.

    The routine's rule if it has one (counted from the resolution, or from entry while the
    outage lasts); otherwise the end of the day after the outage was resolved (TES-10:
    "possibly the next day"), or after the entry if the outage is still on. Local days;
    an exercise reaches the deadline ``time_factor`` times sooner.
    """
    start = outage.resolved_at or entered_at
    period = _routine_period(outage)
    if period is None:
        day_after = clock.local(start).date() + dt.timedelta(days=1)
        period = clock.at_local(day_after + dt.timedelta(days=1), dt.time(0)) - start
    # An exercise compresses this clock like every other (``Outage.time_factor``).
    return start + period / outage.time_factor


# --- capture ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    name: str = ""
    identifier: str | PatientIdentifier | None = None


def _parse_subject(record_type: str, subject: Subject) -> PatientIdentifier | None:
    errors: dict[str, str] = {}
    identifier = subject.identifier
    if isinstance(identifier, str):
        if identifier.strip():
            try:
                identifier = parse_identifier(identifier, today=clock.local(clock.now()).date())
            except ValidationError as exc:
                raise ValidationError({"identifier": exc.messages}) from None
        else:
            identifier = None
    if record_type in SUBJECT_REQUIRED:
        if not subject.name.strip():
            errors["subject_name"] = _("Skriv patientens eller brukarens namn.")
        if identifier is None:
            errors["identifier"] = _("Skriv personnummer eller reservnummer.")
    if errors:
        raise ValidationError(errors)
    return identifier


def _check_target_system(system: System | None, organisation: Organisation) -> None:
    if system is None:
        return
    allowed = {organisation.pk, *organisation.partners.values_list("pk", flat=True)}
    if system.organisation_id not in allowed:
        raise ValidationError({"target_system": _("Systemet hör inte till organisationen.")})


def _existing(idempotency_key: str, by: User) -> DowntimeRecord | None:
    record = DowntimeRecord.objects.filter(idempotency_key=idempotency_key).first()
    if record is not None and record.entered_by_id != by.pk:
        # A key is a per-form nonce; another person's key is never ours to replay.
        raise ValidationError(_("Formuläret har redan skickats. Ladda om sidan."))
    return record


def capture_record(
    *,
    outage: Outage,
    unit: Unit,
    record_type: str,
    event_at: dt.datetime,
    written_by_name: str,
    content: str,
    idempotency_key: str,
    by: User,
    subject: Subject = Subject(),
    written_by: User | None = None,
    target_system: System | None = None,
    number: str = "",
    corrects: DowntimeRecord | None = None,
) -> DowntimeRecord:
    """Transcribe one paper record and open its back-registration.

    ``entered_at`` is the server time now; ``event_at`` (the time on the paper) may not be
    after it. Submitting the same ``idempotency_key`` again returns the first record, so a
    double-clicked form creates one record. The responsible for entering it into the real
    system is the writer if they have an account, otherwise the person transcribing
    (TES-05: the person responsible for the note enters it).
    """
    if not idempotency_key:
        raise ValueError("idempotency_key is required")
    existing = _existing(idempotency_key, by)
    if existing is not None:
        return existing
    organisation = unit.organisation
    if outage.organisation_id != organisation.pk:
        raise ValidationError({"outage": _("Driftstörningen hör inte till organisationen.")})
    if not access.can_capture(by, unit):
        raise PermissionDenied("Not staff of this unit.")
    if record_type not in RecordType.values:
        raise ValidationError({"record_type": _("Okänd typ.")})
    now = clock.now()
    errors: dict[str, list[str]] = {}
    if event_at.tzinfo is None:
        raise ValueError("event_at must be aware")
    if event_at > now:
        errors["event_at"] = [str(EVENT_AFTER_ENTRY)]
    if not written_by_name.strip():
        errors["written_by_name"] = [_("Skriv vem som skrev på papperet.")]
    if not content.strip():
        errors["content"] = [_("Skriv av innehållet från papperet.")]
    try:
        identifier = _parse_subject(record_type, subject)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        identifier = None
    try:
        _check_target_system(target_system, organisation)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)

    try:
        with transaction.atomic():
            taken = _take_number(number, organisation=organisation)
            if not taken:
                taken = allocate_number(
                    organisation=organisation,
                    unit=unit,
                    outage=outage,
                    record_type=record_type,
                    by=by,
                ).number
            record = DowntimeRecord.objects.create(
                outage=outage,
                organisation=organisation,
                unit=unit,
                record_type=record_type,
                number=taken,
                event_at=event_at,
                written_by_name=written_by_name.strip(),
                written_by=written_by,
                entered_at=now,
                entered_by=by,
                subject_name=subject.name.strip(),
                subject_id_kind=identifier.kind if identifier else "",
                subject_id_value=identifier.value if identifier else "",
                content=content,
                target_system=target_system,
                corrects=corrects,
                idempotency_key=idempotency_key,
            )
            BackRegistration.objects.create(
                record=record,
                responsible=written_by or by,
                due_at=back_registration_due_at(outage, entered_at=now),
                target_system=target_system,
                created_at=now,
            )
            # No personal data in the audit detail: the record id says which one.
            record_event(
                "records.corrected" if corrects else "records.captured",
                actor=by,
                obj=record,
                organisation=organisation,
                number=record.number,
                corrects=corrects.number if corrects else "",
            )
            return record
    except IntegrityError:
        # The same form submitted twice at once: the other request won; return its record.
        existing = _existing(idempotency_key, by)
        if existing is not None:
            return existing
        raise


def correct_record(
    original: DowntimeRecord,
    *,
    event_at: dt.datetime,
    written_by_name: str,
    content: str,
    idempotency_key: str,
    by: User,
    subject: Subject | None = None,
    target_system: System | None = None,
) -> DowntimeRecord:
    """A rättelse: a new record pointing at ``original``, which stays unchanged and visible.

    The correction gets its own number and back-registration, because the correction must
    itself be entered into the real system.
    """
    if access.visible_records(by).filter(pk=original.pk).count() == 0:
        raise PermissionDenied("Cannot see the original.")
    with transaction.atomic():
        correction = _capture_correction(
            original,
            event_at=event_at,
            written_by_name=written_by_name,
            content=content,
            idempotency_key=idempotency_key,
            by=by,
            subject=subject,
            target_system=target_system,
        )
        report = getattr(original, "discharge_report", None)
        if report is not None and not hasattr(correction, "discharge_report"):
            # A corrected phone report is still a phone report: keep the call's facts so the
            # patient stays in the payment overview (SP-06, SP-12).
            report.pk = None
            report.record = correction
            report.save()
    return correction


def _capture_correction(
    original: DowntimeRecord,
    *,
    event_at: dt.datetime,
    written_by_name: str,
    content: str,
    idempotency_key: str,
    by: User,
    subject: Subject | None,
    target_system: System | None,
) -> DowntimeRecord:
    return capture_record(
        outage=original.outage,
        unit=original.unit,
        record_type=original.record_type,
        event_at=event_at,
        written_by_name=written_by_name,
        content=content,
        idempotency_key=idempotency_key,
        by=by,
        subject=subject or Subject(original.subject_name, original.subject_identifier),
        target_system=target_system or original.target_system,
        corrects=original,
    )


# --- back-registration --------------------------------------------------------------------


def _locked(back_registration: BackRegistration) -> BackRegistration:
    return (
        BackRegistration.objects.select_for_update()
        .select_related("record")
        .get(pk=back_registration.pk)
    )


def _require_pending(back_registration: BackRegistration) -> None:
    if back_registration.status != BackRegistration.Status.PENDING:
        raise ValidationError(_("Efterregistreringen är redan avslutad."))


def reassign(
    back_registration: BackRegistration, *, to: User, reason: str, by: User
) -> BackRegistration:
    """Hand the back-registration to ``to`` with a reason (TES-05, TES-10: the writer is off,
    so another person enters it). The history row keeps who had it before."""
    if not access.can_manage(by, back_registration):
        raise PermissionDenied("May not reassign this back-registration.")
    if not reason.strip():
        raise ValidationError({"reason": _("Skriv varför den lämnas över.")})
    record = back_registration.record
    if not to.is_active or not to.memberships.filter(organisation=record.organisation).exists():
        raise ValidationError({"to": _("Personen hör inte till organisationen.")})
    with transaction.atomic():
        locked = _locked(back_registration)
        _require_pending(locked)
        if locked.responsible_id == to.pk:
            raise ValidationError({"to": _("Personen är redan ansvarig.")})
        Reassignment.objects.create(
            back_registration=locked,
            from_user_id=locked.responsible_id,
            to_user=to,
            reason=reason.strip(),
            by=by,
            created_at=clock.now(),
        )
        locked.responsible = to
        locked.reminded_at = None
        locked.save(update_fields=["responsible", "reminded_at"])
        record_event(
            "records.reassigned",
            actor=by,
            obj=locked,
            organisation=record.organisation,
            number=record.number,
            to=to.pk,
        )
        return locked


def mark_done(
    back_registration: BackRegistration,
    *,
    by: User,
    external_ref: str = "",
    target_system: System | None = None,
) -> BackRegistration:
    """The record has been entered into the real system. ``done_at`` is the server time now:
    there is deliberately no parameter to set it (SP-11: back-dating is not allowed)."""
    if not access.can_register(by, back_registration):
        raise PermissionDenied("May not register this record.")
    record = back_registration.record
    _check_target_system(target_system, record.organisation)
    with transaction.atomic():
        locked = _locked(back_registration)
        _require_pending(locked)
        locked.status = BackRegistration.Status.DONE
        locked.done_at = clock.now()
        locked.done_by = by
        locked.external_ref = external_ref.strip()
        locked.target_system = target_system or locked.target_system or record.target_system
        locked.save(update_fields=["status", "done_at", "done_by", "external_ref", "target_system"])
        record_event(
            "records.back_registered",
            actor=by,
            obj=locked,
            organisation=record.organisation,
            number=record.number,
        )
        return locked


def mark_cannot_be_done(
    back_registration: BackRegistration, *, reason: str, by: User
) -> BackRegistration:
    """It cannot be entered (the patient left, the paper is unreadable): say why. The
    record stays, and the reason is shown to the unit manager."""
    if not access.can_manage(by, back_registration):
        raise PermissionDenied("May not close this back-registration.")
    if not reason.strip():
        raise ValidationError({"reason": _("Skriv varför den inte kan efterregistreras.")})
    record = back_registration.record
    with transaction.atomic():
        locked = _locked(back_registration)
        _require_pending(locked)
        locked.status = BackRegistration.Status.CANNOT_BE_DONE
        locked.reason = reason.strip()
        locked.done_by = by
        locked.save(update_fields=["status", "reason", "done_by"])
        record_event(
            "records.cannot_be_done",
            actor=by,
            obj=locked,
            organisation=record.organisation,
            number=record.number,
        )
        return locked


# --- reminders ----------------------------------------------------------------------------

REMIND_EVERY = dt.timedelta(days=1)


def _enqueue_reminder(
    *, to: User, subject: str, body: str, dedupe_key: str, record: DowntimeRecord
) -> None:
    """Queue a reminder e-mail to ``to`` through the outbox, in the caller's transaction.
    No personal data goes into it: the record number and unit only."""
    from django.conf import settings

    from reservrutin.notifications.actions import enqueue_message

    if not to.email:
        record_event("records.reminder_undeliverable", actor=None, obj=to, dedupe_key=dedupe_key)
        return
    enqueue_message(
        kind="email",
        recipient=to.email,
        subject=subject,
        body=body.replace("/efterregistrering/", settings.SITE_URL + "/efterregistrering/"),
        dedupe_key=dedupe_key,
        organisation=record.organisation,
        is_exercise=bool(record.outage and record.outage.is_exercise),
        source="records.reminder",
        reference=record,
    )


def remind_overdue() -> bool:
    """Worker step: remind the responsible of one overdue back-registration. Returns whether
    it found work.

    The claim protocol of ``lib/claim.py`` without a lease:

    1. Find one pending row past ``due_at`` not reminded in the last day (indexed query,
       skipping rows another worker has locked on PostgreSQL).
    2. Claim it by a conditional UPDATE of ``reminded_at``; go on only if one row changed,
       so two workers never remind twice.
    3. Queue the reminder in the same transaction.
    """
    now = clock.now()
    due = Q(reminded_at__isnull=True) | Q(reminded_at__lt=now - REMIND_EVERY)
    with transaction.atomic():
        pending = (
            BackRegistration.objects.filter(status=BackRegistration.Status.PENDING, due_at__lt=now)
            .filter(due)
            .select_related("record__unit", "responsible")
        )
        candidate = lock(pending, of=("self",)).first()
        if candidate is None:
            return False
        if queries.waits_for_decision(
            candidate, queries.awaited_decisions([candidate.record.outage_id])
        ):
            # TES-10: nobody is late while the administrations have not said how to do it;
            # mark it as looked at today so the step moves on to the next candidate.
            BackRegistration.objects.filter(pk=candidate.pk).update(reminded_at=now)
            return True
        if not compare_and_set(
            BackRegistration.objects.filter(
                pk=candidate.pk,
                reminded_at=candidate.reminded_at,
                status=BackRegistration.Status.PENDING,
            ),
            reminded_at=now,
        ):
            return True  # another worker took it; there may be more work
        record = candidate.record
        due_local = clock.local(candidate.due_at)
        _enqueue_reminder(
            to=candidate.responsible,
            subject=_("Efterregistrering försenad: %(number)s") % {"number": record.number},
            body=_(
                "%(number)s (%(unit)s) skulle ha förts in i systemet senast %(due)s. "
                "Öppna din kö i Reservrutin: /efterregistrering/"
            )
            % {
                "number": record.number,
                "unit": record.unit.name,
                "due": due_local.strftime("%Y-%m-%d %H:%M"),
            },
            dedupe_key=f"records.reminder:{candidate.code}:{clock.local(now).date()}",
            record=record,
        )
        return True


# --- Lifecare SP phone reports ------------------------------------------------------------

Kind = DischargeReport.Kind


@dataclass(frozen=True)
class DischargeCall:
    """What the ward and the other actor said on the phone (SP-04…SP-09)."""

    kind: str
    call_at: dt.datetime
    ward: str
    ward_phone: str
    caller_name: str
    caller_organisation: str
    receiver_name: str
    receiver_organisation: str
    summary: str
    estimated_discharge_date: dt.date | None = None
    assessing_doctor: str = ""
    care_contact: str = ""
    sip_meeting_date: dt.date | None = None


def _patient_reports(organisation: Organisation, identifier: PatientIdentifier):
    # Corrected reports are replaced by their corrections.
    return DischargeReport.objects.filter(
        record__organisation=organisation,
        record__subject_id_kind=identifier.kind,
        record__subject_id_value=identifier.value,
        record__corrections__isnull=True,
    )


def _check_call(
    call: DischargeCall,
    organisation: Organisation,
    identifier: PatientIdentifier | None,
    corrects: DowntimeRecord | None,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if call.kind not in Kind.values:
        add("kind", _("Välj vad samtalet gällde."))
        return errors
    if call.call_at > clock.now():
        add("call_at", str(EVENT_AFTER_ENTRY))
    for field in (
        "ward",
        "ward_phone",
        "caller_name",
        "caller_organisation",
        "receiver_name",
        "receiver_organisation",
    ):
        if not getattr(call, field).strip():
            add(field, _("Fältet måste fyllas i."))
    if not call.summary.strip():
        add("summary", _("Skriv en sammanfattning av överrapporteringen (SP-07)."))
    if call.kind == Kind.NEW_ESTIMATED_DATE and call.estimated_discharge_date is None:
        add("estimated_discharge_date", _("Skriv det nya beräknade utskrivningsdatumet."))
    if call.kind == Kind.CARE_CONTACT_AND_SIP:
        if not call.care_contact.strip():
            add("care_contact", _("Skriv vem som är fast vårdkontakt."))
        if call.sip_meeting_date is None:
            add("sip_meeting_date", _("Skriv datum för SIP-mötet."))
    if identifier is None:
        return errors
    earlier = _patient_reports(organisation, identifier)
    if corrects is not None:
        earlier = earlier.exclude(record=corrects)
    if call.kind in (Kind.DISCHARGE, Kind.READY_FOR_DISCHARGE):
        admitted_later = earlier.filter(kind=Kind.ADMISSION, call_at__gt=call.call_at).exists()
        if admitted_later:
            message = (
                _("Utskrivningen kan inte vara före inskrivningen.")
                if call.kind == Kind.DISCHARGE
                else _("Utskrivningsklar kan inte vara före inskrivningen.")
            )
            add("call_at", message)
    # SP-08: a new estimated date, or a new ready-for-discharge time, is a change of an
    # assessment and must name the doctor who made it.
    is_change = call.kind == Kind.NEW_ESTIMATED_DATE or (
        call.kind == Kind.READY_FOR_DISCHARGE
        and earlier.filter(kind=Kind.READY_FOR_DISCHARGE).exists()
    )
    if is_change and not call.assessing_doctor.strip():
        add(
            "assessing_doctor",
            _("En ändring måste ange vilken läkare som har gjort bedömningen (SP-08)."),
        )
    return errors


def record_discharge_call(
    *,
    outage: Outage,
    unit: Unit,
    call: DischargeCall,
    patient: Subject,
    written_by_name: str,
    idempotency_key: str,
    by: User,
    target_system: System | None = None,
    corrects: DowntimeRecord | None = None,
) -> DowntimeRecord:
    """Document one Lifecare SP phone report as a record with its ``DischargeReport``.

    The time of the call is the record's event time and the official admission or
    ready-for-discharge time (SP-05, SP-06). Rejects a discharge or ready-for-discharge
    before the patient's admission and a change without the assessing doctor (SP-08).
    """
    existing = _existing(idempotency_key, by)
    if existing is not None:
        return existing
    errors: dict[str, list[str]] = {}
    try:
        identifier = _parse_subject(RecordType.DISCHARGE_PHONE_REPORT, patient)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        identifier = None
    errors.update(_check_call(call, unit.organisation, identifier, corrects))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        record = capture_record(
            outage=outage,
            unit=unit,
            record_type=RecordType.DISCHARGE_PHONE_REPORT,
            event_at=call.call_at,
            written_by_name=written_by_name,
            content=call.summary,
            idempotency_key=idempotency_key,
            by=by,
            subject=Subject(patient.name, identifier),
            target_system=target_system,
            corrects=corrects,
        )
        if not hasattr(record, "discharge_report"):
            DischargeReport.objects.create(
                record=record,
                kind=call.kind,
                ward=call.ward.strip(),
                ward_phone=call.ward_phone.strip(),
                caller_name=call.caller_name.strip(),
                caller_organisation=call.caller_organisation.strip(),
                receiver_name=call.receiver_name.strip(),
                receiver_organisation=call.receiver_organisation.strip(),
                call_at=call.call_at,
                estimated_discharge_date=call.estimated_discharge_date,
                assessing_doctor=call.assessing_doctor.strip(),
                care_contact=call.care_contact.strip(),
                sip_meeting_date=call.sip_meeting_date,
            )
        return record
