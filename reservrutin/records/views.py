"""Thin views for downtime records: fetch through records.access, call actions, render.

Every page that shows personal data writes an audit event. Identity numbers never appear
in URLs (records are addressed by ``code``), messages or logs.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reservrutin.accounts.access import get_organisation_for_user
from reservrutin.accounts.models import Organisation
from reservrutin.audit.actions import record_event
from reservrutin.lib import clock, params
from reservrutin.lib.csvexport import csv_response
from reservrutin.outages.models import Outage
from reservrutin.records import access, actions, forms, printing, queries
from reservrutin.records.models import BackRegistration, DowntimeRecord, RecordType


def _audit_list(request: HttpRequest, organisation: Organisation | None, rows: list[Any]) -> None:
    # One event per page view, naming the records shown (their ids, not their contents).
    record_event(
        "records.listed",
        actor=request.user,
        organisation=organisation,
        path=request.path,
        records=[row.record_id for row in rows],
    )


def _initial_place(request: HttpRequest, organisation: Organisation) -> dict[str, Any]:
    initial: dict[str, Any] = {"idempotency_key": forms.new_key()}
    outage = params.optional_uuid(request.GET, "outage")
    if outage:
        initial["outage"] = Outage.objects.filter(organisation=organisation, code=outage).first()
    unit = params.optional_text(request.GET, "unit")
    if unit:
        initial["unit"] = organisation.units.filter(key=unit).first()
    return initial


@login_required
def capture(request: HttpRequest, org: str) -> HttpResponse:
    """Transcribe one paper record. On error the form comes back with everything typed."""
    organisation = get_organisation_for_user(request.user, org)
    units = access.capture_units(request.user, organisation)
    if not units.exists():
        raise Http404("No unit to capture in")
    form = forms.CaptureForm(
        request.POST or None,
        organisation=organisation,
        units=units,
        initial={
            **_initial_place(request, organisation),
            "written_by_name": request.user.get_full_name(),
            "record_type": request.GET.get("type", RecordType.JOURNAL_NOTE),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record = actions.capture_record(
                outage=data["outage"],
                unit=data["unit"],
                record_type=data["record_type"],
                event_at=data["event_at"],
                written_by_name=data["written_by_name"],
                content=data["content"],
                idempotency_key=data["idempotency_key"],
                by=request.user,
                subject=actions.Subject(data["subject_name"], data["identifier"]),
                target_system=data["target_system"],
                number=data["number"],
            )
        except ValidationError as exc:
            form.add_action_errors(exc)
        else:
            messages.success(request, _("Registrerad som %(number)s.") % {"number": record.number})
            return redirect("records:detail", org=organisation.key, code=record.code)
    return render(
        request, "records/record_capture.html", {"organisation": organisation, "form": form}
    )


@login_required
def detail(request: HttpRequest, org: str, code: str) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, org)
    record = access.get_record_for_user(request.user, organisation, code)
    backreg = record.back_registration
    record_event("records.viewed", actor=request.user, obj=record, organisation=organisation)
    corrections = record.corrections.select_related("back_registration").order_by("entered_at")
    return render(
        request,
        "records/record_detail.html",
        {
            "organisation": organisation,
            "record": record,
            "backreg": backreg,
            "note": queries.back_registration_note(
                record, registered_at=queries.note_time(backreg)
            ),
            "corrections": corrections,
            "reassignments": backreg.reassignments.select_related("from_user", "to_user", "by"),
            "can_manage": access.can_manage(request.user, backreg),
            "overdue": backreg.is_overdue(clock.now()),
            "discharge": getattr(record, "discharge_report", None),
            "reassign_form": forms.ReassignForm(organisation=organisation),
            "done_form": forms.DoneForm(
                organisation=organisation, initial={"target_system": backreg.target_system}
            ),
            "cannot_form": forms.CannotForm(),
            "correction_form": forms.CorrectionForm(
                initial={
                    "idempotency_key": forms.new_key(),
                    "event_at": record.event_at,
                    "written_by_name": record.written_by_name,
                }
            ),
        },
    )


def _backreg_for_post(request: HttpRequest, org: str, code: str) -> tuple[Any, DowntimeRecord]:
    organisation = get_organisation_for_user(request.user, org)
    record = access.get_record_for_user(request.user, organisation, code)
    return organisation, record


def _finish(request: HttpRequest, record: DowntimeRecord, form: Any, call: Any) -> HttpResponse:
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        except PermissionDenied:
            messages.error(request, _("Du får inte göra det här."))
        else:
            messages.success(request, _("Sparat."))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect("records:detail", org=record.organisation.key, code=record.code)


@login_required
@require_POST
def reassign(request: HttpRequest, org: str, code: str) -> HttpResponse:
    organisation, record = _backreg_for_post(request, org, code)
    form = forms.ReassignForm(request.POST, organisation=organisation)
    return _finish(
        request,
        record,
        form,
        lambda d: actions.reassign(
            record.back_registration, to=d["to"], reason=d["reason"], by=request.user
        ),
    )


@login_required
@require_POST
def mark_done(request: HttpRequest, org: str, code: str) -> HttpResponse:
    organisation, record = _backreg_for_post(request, org, code)
    form = forms.DoneForm(request.POST, organisation=organisation)
    return _finish(
        request,
        record,
        form,
        lambda d: actions.mark_done(
            record.back_registration,
            by=request.user,
            external_ref=d["external_ref"],
            target_system=d["target_system"],
        ),
    )


@login_required
@require_POST
def mark_cannot(request: HttpRequest, org: str, code: str) -> HttpResponse:
    _organisation, record = _backreg_for_post(request, org, code)
    form = forms.CannotForm(request.POST)
    return _finish(
        request,
        record,
        form,
        lambda d: actions.mark_cannot_be_done(
            record.back_registration, reason=d["reason"], by=request.user
        ),
    )


@login_required
@require_POST
def correct(request: HttpRequest, org: str, code: str) -> HttpResponse:
    organisation, record = _backreg_for_post(request, org, code)
    form = forms.CorrectionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            correction = actions.correct_record(
                record,
                event_at=data["event_at"],
                written_by_name=data["written_by_name"],
                content=data["content"],
                idempotency_key=data["idempotency_key"],
                by=request.user,
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("Rättelsen är registrerad som %(number)s.") % {"number": correction.number},
            )
            return redirect("records:detail", org=organisation.key, code=correction.code)
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect("records:detail", org=organisation.key, code=record.code)


# --- queues -------------------------------------------------------------------------------


QUEUE_CSV_HEADER = [
    "nummer", "typ", "enhet", "händelsetid", "registrerad", "patient", "identitet", "ansvarig",
    "senast", "status", "efterregistrerad",
]  # fmt: skip
PAYMENT_CSV_HEADER = [
    "nummer", "patient", "identitet", "utskrivningsklar", "betalningsansvar från", "utskriven",
    "dygn", "belopp", "regel",
]  # fmt: skip


def _queue_csv(rows: list[BackRegistration], filename: str) -> HttpResponse:
    return csv_response(
        filename,
        QUEUE_CSV_HEADER,
        (
            [
                row.record.number,
                row.record.get_record_type_display(),
                row.record.unit.name,
                clock.local(row.record.event_at).strftime("%Y-%m-%d %H:%M"),
                clock.local(row.record.entered_at).strftime("%Y-%m-%d %H:%M"),
                row.record.subject_name,
                # Masked even in the export: a file travels further than a page.
                str(row.record.subject_identifier or ""),
                str(row.responsible),
                clock.local(row.due_at).strftime("%Y-%m-%d %H:%M"),
                row.get_status_display(),
                clock.local(row.done_at).strftime("%Y-%m-%d %H:%M") if row.done_at else "",
            ]
            for row in rows
        ),
    )


def _render_queue(
    request: HttpRequest,
    *,
    title: str,
    back_registrations: QuerySet[BackRegistration],
    organisation: Organisation | None,
    csv_name: str,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    now = clock.now()
    rows = list(back_registrations)
    _audit_list(request, organisation, rows)
    if request.GET.get("format") == "csv":
        return _queue_csv(rows, csv_name)
    decisions = queries.awaited_decisions({row.record.outage_id for row in rows})
    return render(
        request,
        "records/queue.html",
        {
            "title": title,
            "rows": [
                (row, row.is_overdue(now) and not queries.waits_for_decision(row, decisions))
                for row in rows
            ],
            "decisions": sorted(set(decisions.values())),
            "progress": queries.progress(back_registrations, now=now),
            "organisation": organisation,
            **(extra or {}),
        },
    )


@login_required
def my_queue(request: HttpRequest) -> HttpResponse:
    """What I must enter into the real systems (TES-05, TES-10)."""
    records = access.visible_records(request.user).filter(
        back_registration__responsible=request.user
    )
    organisations = Organisation.objects.filter(memberships__user=request.user).distinct()
    return _render_queue(
        request,
        title=_("Min efterregistrering"),
        back_registrations=queries.queue(records),
        organisation=None,
        csv_name="efterregistrering.csv",
        extra={"capture_organisations": organisations},
    )


@login_required
def unit_queue(request: HttpRequest, org: str, unit: str) -> HttpResponse:
    """The unit manager's view of everything the unit must back-register."""
    organisation = get_organisation_for_user(request.user, org)
    unit_obj = access.get_managed_unit_for_user(request.user, organisation, unit)
    records = DowntimeRecord.objects.filter(unit=unit_obj)
    return _render_queue(
        request,
        title=_("Efterregistrering för %(unit)s") % {"unit": unit_obj.name},
        back_registrations=queries.queue(records),
        organisation=organisation,
        csv_name=f"efterregistrering-{unit_obj.key}.csv",
        extra={"unit": unit_obj},
    )


@login_required
def outage_queue(request: HttpRequest, org: str, outage: str) -> HttpResponse:
    """Progress for one outage, over the records this user may see."""
    organisation = get_organisation_for_user(request.user, org)
    outage_obj = get_object_or_404(Outage, organisation=organisation, code=outage)
    records = access.visible_records(request.user).filter(outage=outage_obj)
    return _render_queue(
        request,
        title=_("Efterregistrering: %(outage)s") % {"outage": outage_obj.title},
        back_registrations=queries.queue(records),
        organisation=organisation,
        csv_name="efterregistrering-driftstorning.csv",
        extra={"outage": outage_obj},
    )


# --- Lifecare SP --------------------------------------------------------------------------


@login_required
def discharge(request: HttpRequest, org: str) -> HttpResponse:
    """Document one phone report about an admitted or utskrivningsklar patient (SP-04…SP-09)."""
    organisation = get_organisation_for_user(request.user, org)
    units = access.capture_units(request.user, organisation)
    if not units.exists():
        raise Http404("No unit to capture in")
    form = forms.DischargeForm(
        request.POST or None,
        organisation=organisation,
        units=units,
        initial={
            **_initial_place(request, organisation),
            "written_by_name": request.user.get_full_name(),
            "caller_organisation": organisation.name,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        call = actions.DischargeCall(
            **{
                field: data[field]
                for field in actions.DischargeCall.__dataclass_fields__
                if field != "summary"
            },
            summary=data["summary"],
        )
        try:
            record = actions.record_discharge_call(
                outage=data["outage"],
                unit=data["unit"],
                call=call,
                patient=actions.Subject(data["patient_name"], data["identifier"]),
                written_by_name=data["written_by_name"],
                idempotency_key=data["idempotency_key"],
                by=request.user,
                target_system=data["target_system"],
            )
        except ValidationError as exc:
            form.add_action_errors(exc)
        else:
            messages.success(request, _("Registrerad som %(number)s.") % {"number": record.number})
            return redirect("records:detail", org=organisation.key, code=record.code)
    return render(
        request, "records/discharge_form.html", {"organisation": organisation, "form": form}
    )


@login_required
def payment_overview(request: HttpRequest, org: str, unit: str) -> HttpResponse:
    """Patients ready for discharge during an outage and the municipality's payment (SP-12)."""
    organisation = get_organisation_for_user(request.user, org)
    unit_obj = get_object_or_404(access.capture_units(request.user, organisation), key=unit)
    outages = Outage.objects.filter(organisation=organisation).order_by("-started_at")
    code = params.optional_uuid(request.GET, "outage")
    outage = outages.filter(code=code).first() if code else outages.first()
    now = clock.now()
    rows = queries.payment_overview(unit_obj, outage, now=now) if outage else []
    record_event(
        "records.listed",
        actor=request.user,
        organisation=organisation,
        path=request.path,
        records=[row.record.pk for row in rows],
    )
    if request.GET.get("format") == "csv":
        return csv_response(
            f"betalningsansvar-{unit_obj.key}.csv",
            PAYMENT_CSV_HEADER,
            (
                [
                    row.record.number,
                    row.record.subject_name,
                    str(row.record.subject_identifier or ""),
                    clock.local(row.ready_at).strftime("%Y-%m-%d %H:%M"),
                    clock.local(row.starts_at).strftime("%Y-%m-%d %H:%M"),
                    clock.local(row.discharged_at).strftime("%Y-%m-%d %H:%M")
                    if row.discharged_at
                    else "",
                    row.totals.days if row.totals else "",
                    row.amount_text or row.error,
                    row.rule.name,
                ]
                for row in rows
            ),
        )
    return render(
        request,
        "records/payment_overview.html",
        {
            "organisation": organisation,
            "unit": unit_obj,
            "outage": outage,
            "outages": outages,
            "rows": rows,
            "now": now,
        },
    )


# --- printable blank forms ----------------------------------------------------------------


@login_required
def blank_form(request: HttpRequest, org: str, record_type: str) -> HttpResponse:
    """A printable blank form with a reserved record number and its QR code."""
    organisation = get_organisation_for_user(request.user, org)
    if record_type not in RecordType.values:
        raise Http404("Unknown form")
    unit_key = params.optional_text(request.GET, "unit")
    units = access.capture_units(request.user, organisation)
    unit_obj = units.filter(key=unit_key).first() if unit_key else None
    if unit_key and unit_obj is None:
        raise Http404("Unit not found")
    if unit_obj is None and not units.exists():
        raise Http404("No unit to print for")
    outage_code = params.optional_uuid(request.GET, "outage")
    outage = None
    if outage_code:
        outage = Outage.objects.filter(organisation=organisation, code=outage_code).first()
        if outage is None:
            raise Http404("Outage not found")
    reserved = actions.allocate_number(
        organisation=organisation,
        unit=unit_obj,
        outage=outage,
        record_type=record_type,
        by=request.user,
    )
    pdf = printing.blank_form_pdf(reserved, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{record_type}-{reserved.number}.pdf"'
    return response
