"""Outage pages: report a fault, follow an outage, coordinate it, acknowledge, review.

Thin: permission-checked getters, a form, one action, render. Rules live in ``actions``;
reads in ``queries``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reservrutin.accounts.access import visible_organisations
from reservrutin.accounts.models import Organisation
from reservrutin.lib import clock, params
from reservrutin.lib.clientaddress import client_address
from reservrutin.lib.csvexport import csv_response
from reservrutin.outages import actions, forms, queries, routing, scope, states
from reservrutin.outages.models import Outage, Report, Task
from reservrutin.printouts.pdf import render_pdf

#: Session key listing the reports this browser made (so an anonymous reporter can see
#: the result page of their own report, and nobody else's).
SESSION_REPORTS = "outages.reports"


def _report_organisation(request: HttpRequest, org: str) -> Organisation | None:
    """The organisation to report to: one the user may see, or — without login — one that
    allows unauthenticated reports (SOD-10). None means: send to the login page."""
    if request.user.is_authenticated:
        organisation = visible_organisations(request.user).filter(key=org).first()
        if organisation is None or organisation.kind == Organisation.Kind.SUPPLIER:
            raise Http404("Organisation not found")
        return organisation
    organisation = Organisation.objects.filter(key=org, allows_unauthenticated_reports=True).first()
    return organisation


def report_form(request: HttpRequest, org: str) -> HttpResponse:
    organisation = _report_organisation(request, org)
    if organisation is None:
        return redirect_to_login(request.get_full_path())
    now = clock.now()
    guide = queries.reporting_guide(organisation, [], now)
    signed_in = request.user.is_authenticated
    form = forms.ReportForm(
        request.POST or None,
        organisation=organisation,
        self_check=guide.self_check,
        signed_in=signed_in,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                submitted = actions.submit_report(
                    organisation,
                    systems=list(data["systems"]),
                    fault_type=data["fault_type"],
                    extent=data["extent"],
                    idempotency_key=data["idempotency_key"],
                    reporter=request.user if signed_in else None,
                    reporter_name=data["reporter_name"],
                    reporter_phone=data["reporter_phone"],
                    unit=data["unit"],
                    description=data["description"],
                    self_check=form.self_check_answers(),
                    on_behalf_of_caller=data.get("on_behalf_of_caller", False),
                    source_address=client_address(request),
                    part=data.get("part"),
                )
            except actions.OutageError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                mine = request.session.get(SESSION_REPORTS, [])
                request.session[SESSION_REPORTS] = [*mine[-19:], str(submitted.report.code)]
                return redirect(
                    "outages:report_result", org=organisation.key, code=submitted.report.code
                )
        status = 400
    return render(
        request,
        "outages/report_form.html",
        {"organisation": organisation, "form": form, "guide": guide, "signed_in": signed_in},
        status=status,
    )


def _own_report(request: HttpRequest, org: str, code: Any) -> Report:
    """A report this browser made, the signed-in reporter's own, or any for a coordinator
    (404 otherwise)."""
    report = get_object_or_404(
        Report.objects.select_related("organisation", "outage", "unit", "part"),
        code=code,
        organisation__key=org,
    )
    own = str(report.code) in request.session.get(SESSION_REPORTS, [])
    if not own and not (
        request.user.is_authenticated
        and (
            report.reporter_id == request.user.pk
            or queries.can_coordinate(request.user, report.organisation)
        )
    ):
        raise Http404("Report not found")
    return report


def report_result(
    request: HttpRequest, org: str, code: Any, *, add_form: Any = None, status: int = 200
) -> HttpResponse:
    """What to do now (TES-07, TES-09, SOD-12, SOD-13), and the outage's state. A report
    about one device gets the routine's advice and the contact point open now; a report on
    an open outage can be added to ("nu hela enheten")."""
    report = _own_report(request, org, code)
    now = clock.now()
    systems = list(report.systems.all())
    guide = queries.reporting_guide(report.organisation, systems, now)
    device = (
        scope.device_advice(report.organisation, guide.routine, now)
        if report.is_single_device
        else None
    )
    if add_form is None and report.outage is not None and report.outage.is_open:
        add_form = forms.ReportAdditionForm(report=report)
    return render(
        request,
        "outages/report_result.html",
        {
            "organisation": report.organisation,
            "report": report,
            "outage": report.outage,
            "guide": guide,
            "device": device,
            "additions": list(report.additions.select_related("unit", "part")),
            "add_form": add_form,
            "systems": systems,
            "now": now,
            "can_see_outage": request.user.is_authenticated,
        },
        status=status,
    )


@require_POST
def report_add(request: HttpRequest, org: str, code: Any) -> HttpResponse:
    """The reporter adds to their report; the outage's scope grows with it."""
    report = _own_report(request, org, code)
    form = forms.ReportAdditionForm(request.POST, report=report)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.add_to_report(
                report,
                by=request.user,
                extent=data["extent"],
                unit=data["unit"],
                part=data["part"],
                text=data["text"],
            )
        except actions.OutageError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Tillägget är sparat."))
            return redirect("outages:report_result", org=org, code=report.code)
    return report_result(request, org, code, add_form=form, status=400)


def _organisation(request: HttpRequest, org: str) -> Organisation:
    if not request.user.is_authenticated:
        raise PermissionDenied
    organisation = visible_organisations(request.user).filter(key=org).first()
    if organisation is None:
        raise Http404("Organisation not found")
    return organisation


def outage_list(request: HttpRequest, org: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    organisation = _organisation(request, org)
    outages = Outage.objects.filter(organisation=organisation).prefetch_related("systems")
    return render(
        request,
        "outages/outage_list.html",
        {
            "organisation": organisation,
            # Pågående: happening now. A planned occurrence waits under "Planerade" until
            # it starts (outages/states.py), however many of a recurring window exist.
            "open_outages": list(outages.open().order_by("-started_at")),
            "upcoming": list(outages.upcoming().order_by("started_at")[:50]),
            "recent": list(outages.ended().order_by("-started_at")[:50]),
            "can_coordinate": queries.can_coordinate(request.user, organisation),
        },
    )


def _detail_context(request: HttpRequest, outage: Outage, **extra: Any) -> dict[str, Any]:
    now = clock.now()
    doc = routing.document(outage.routine_version)
    systems = list(outage.systems.all())
    scenarios = [(s.key, s.title) for s in routing.scenarios_for(doc, systems)]
    backups = [(b.key, b.title) for b in (doc.backup_routines if doc else [])]
    coordinator = queries.can_coordinate(request.user, outage.organisation)
    show_all = request.GET.get("uppgifter") == "alla" or coordinator
    context: dict[str, Any] = {
        "organisation": outage.organisation,
        "outage": outage,
        "systems": systems,
        "affected": queries.affected_systems(outage),
        "countdown": queries.countdown(outage, now),
        "prognoses": list(outage.prognoses.select_related("set_by")),
        "tasks": queries.task_board(outage, request.user, mine_only=not show_all),
        "show_all_tasks": show_all,
        "timeline": list(outage.timeline.select_related("actor", "corrects")),
        "reports": list(outage.reports.select_related("unit", "part")),
        "activations": list(outage.activations.all()),
        "scenario": routing.scenario(doc, outage.scenario_key),
        "suggested": routing.scenario(doc, outage.suggested_scenario_key)
        if outage.suggested_scenario_key
        else None,
        "scope": scope.scope_text(outage),
        "part_states": scope.outage_part_states(outage),
        "can_coordinate": coordinator,
        # What the state machine allows next (outages/states.py), so the page offers only that.
        "can_confirm": states.allowed(outage, Outage.Status.CONFIRMED),
        "can_close": states.allowed(outage, Outage.Status.CLOSED),
        "can_cancel": states.allowed(outage, Outage.Status.CANCELLED),
        "is_over": outage.status in states.ENDED,
        "now": now,
    }
    if coordinator:
        context.update(
            confirm_form=forms.ConfirmForm(
                scenarios=scenarios,
                initial={"scenario": outage.scenario_key or outage.suggested_scenario_key},
            ),
            scenario_form=forms.ScenarioForm(
                scenarios=scenarios, initial={"scenario": outage.scenario_key}
            )
            if scenarios
            else None,
            prognosis_form=forms.PrognosisForm(initial={"prognosis_at": outage.prognosis_at}),
            ticket_form=forms.TicketForm(initial={"ticket_ref": outage.ticket_ref}),
            activate_form=forms.ActivateForm(backups=backups) if backups else None,
            resolve_form=forms.ResolveForm(
                initial={"resolved_at": now.replace(second=0, microsecond=0)}
            ),
            note_form=forms.NoteForm(),
            cancel_form=forms.CancelForm() if context["can_cancel"] else None,
        )
    context.update(extra)
    return context


def outage_detail(request: HttpRequest, org: str, code: Any) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    outage = queries.get_outage_for_user(request.user, org, code)
    return render(request, "outages/outage_detail.html", _detail_context(request, outage))


#: The coordinator forms on the outage page: URL slug → (form class, context name).
CHANGES = {
    "bekrafta": "confirm_form",
    "scenario": "scenario_form",
    "prognos": "prognosis_form",
    "arende": "ticket_form",
    "reservrutin": "activate_form",
    "atgardad": "resolve_form",
    "avsluta": None,
    "anteckning": "note_form",
    "stall-in": "cancel_form",
    "verifiera": None,
}


@require_POST
def outage_change(request: HttpRequest, org: str, code: Any, action: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    outage = queries.get_outage_for_user(request.user, org, code)
    if action not in CHANGES:
        raise Http404("Unknown action")
    if not queries.can_coordinate(request.user, outage.organisation):
        raise PermissionDenied("Only coordinators change an outage.")
    by = request.user
    doc = routing.document(outage.routine_version)
    scenarios = [(s.key, s.title) for s in routing.scenarios_for(doc, outage.systems.all())]
    backups = [(b.key, b.title) for b in (doc.backup_routines if doc else [])]
    form: Any = None
    try:
        if action == "bekrafta":
            form = forms.ConfirmForm(request.POST, scenarios=scenarios)
            if form.is_valid():
                actions.confirm_outage(outage, by=by, scenario_key=form.cleaned_data["scenario"])
        elif action == "scenario":
            form = forms.ScenarioForm(request.POST, scenarios=scenarios)
            if form.is_valid():
                actions.choose_scenario(outage, by=by, scenario_key=form.cleaned_data["scenario"])
        elif action == "prognos":
            form = forms.PrognosisForm(request.POST)
            if form.is_valid():
                actions.set_prognosis(outage, at=form.cleaned_data["prognosis_at"], by=by)
        elif action == "arende":
            form = forms.TicketForm(request.POST)
            if form.is_valid():
                actions.set_ticket_ref(outage, ticket_ref=form.cleaned_data["ticket_ref"], by=by)
        elif action == "reservrutin":
            form = forms.ActivateForm(request.POST, backups=backups)
            if form.is_valid():
                actions.activate_backup_routine(
                    outage, form.cleaned_data["backup"], by=by, reason=form.cleaned_data["reason"]
                )
        elif action == "atgardad":
            form = forms.ResolveForm(request.POST)
            if form.is_valid():
                actions.resolve_outage(outage, at=form.cleaned_data["resolved_at"], by=by)
        elif action == "anteckning":
            form = forms.NoteForm(request.POST)
            if form.is_valid():
                actions.add_note(outage, text=form.cleaned_data["text"], by=by)
        elif action == "stall-in":
            form = forms.CancelForm(request.POST)
            if form.is_valid():
                actions.cancel_planned_outage(outage, by=by, reason=form.cleaned_data["reason"])
        elif action == "avsluta":
            actions.close_outage(outage, by=by)
        elif action == "verifiera":
            code = params.optional_uuid(request.POST, "report")
            report = get_object_or_404(Report, outage=outage, code=code)
            actions.verify_report(report, by=by)
    except actions.OutageError as exc:
        if form is None:
            messages.error(request, exc.message)
            return redirect("outages:detail", org=org, code=outage.code)
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    if form is not None and form.errors:
        outage.refresh_from_db()
        context = _detail_context(request, outage, **{CHANGES[action] or "form": form})
        context["error_action"] = action
        return render(request, "outages/outage_detail.html", context, status=400)
    messages.success(request, _("Ändringen är sparad."))
    return redirect("outages:detail", org=org, code=outage.code)


def _task_error(
    request: HttpRequest,
    outage: Outage,
    item: Task,
    *,
    action: str,
    message: str,
    status: int,
) -> HttpResponse:
    """The outage page again, with the message next to the task's form and what was typed
    kept (the whole task list is shown, so the task is there whoever's it is)."""
    context = _detail_context(request, outage, show_all_tasks=True)
    context["tasks"] = queries.task_board(outage, request.user, mine_only=False)
    for group in context["tasks"]:
        for task in group.tasks:
            if task.pk == item.pk:
                task.error_action = action
                task.error_message = message
                task.typed = request.POST
    context["error_action"] = f"task-{action}"
    return render(request, "outages/outage_detail.html", context, status=status)


def _task_post(
    request: HttpRequest, org: str, code: Any, task: Any
) -> tuple[Outage, Task] | HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    outage = queries.get_outage_for_user(request.user, org, code)
    item = get_object_or_404(Task, outage=outage, code=task)
    return outage, item


def _after_task(org: str, outage: Outage, item: Task) -> HttpResponse:
    url = reverse("outages:detail", args=[org, outage.code])
    return redirect(f"{url}#uppgift-{item.code}")


@require_POST
def task_done(request: HttpRequest, org: str, code: Any, task: Any) -> HttpResponse:
    """Tick a task, optionally with the time it was really done (signed from paper)."""
    found = _task_post(request, org, code, task)
    if isinstance(found, HttpResponse):
        return found
    outage, item = found
    form = forms.TaskDoneForm(request.POST)
    if not form.is_valid():
        message = " ".join(form.errors.get("performed_at", [])) or _("Kontrollera tiden.")
        return _task_error(request, outage, item, action="klar", message=message, status=400)
    try:
        actions.complete_task(item, by=request.user, performed_at=form.cleaned_data["performed_at"])
    except actions.OutageError as exc:
        status = 403 if isinstance(exc, actions.NotYourTask) else 400
        return _task_error(request, outage, item, action="klar", message=exc.message, status=status)
    messages.success(request, _("Uppgiften är markerad som klar."))
    return _after_task(org, outage, item)


def _reason_post(
    request: HttpRequest, org: str, code: Any, task: Any, *, action: str
) -> HttpResponse:
    found = _task_post(request, org, code, task)
    if isinstance(found, HttpResponse):
        return found
    outage, item = found
    # The action checks who may before the reason, so a refusal says whose step it is.
    reason = request.POST.get("reason", "")[: forms.REASON_MAX_LENGTH]
    try:
        if action == "ta-over":
            actions.take_over_task(item, by=request.user, reason=reason)
            done = _("Du har tagit över steget.")
        else:
            actions.hand_over_task(item, by=request.user, reason=reason)
            done = _("Uppgiften är lämnad över.")
    except actions.OutageError as exc:
        status = 403 if isinstance(exc, actions.NotYourTask) else 400
        return _task_error(request, outage, item, action=action, message=exc.message, status=status)
    messages.success(request, done)
    return _after_task(org, outage, item)


@require_POST
def task_take_over(request: HttpRequest, org: str, code: Any, task: Any) -> HttpResponse:
    """A coordinator takes over a step the routine gives to someone else, with a reason."""
    return _reason_post(request, org, code, task, action="ta-over")


@require_POST
def task_hand_over(request: HttpRequest, org: str, code: Any, task: Any) -> HttpResponse:
    """ "Jag kan inte": the owner cannot do their personal task; the fallback role gets it."""
    return _reason_post(request, org, code, task, action="kan-inte")


def checklist_pdf(request: HttpRequest, org: str, code: Any) -> HttpResponse:
    """The outage's steps on one page (where they fit), with columns for initials and the
    time, for units working on paper; signed afterwards with the "utfört" time."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    outage = queries.get_outage_for_user(request.user, org, code)
    context = queries.checklist(outage, at=clock.now())
    pdf = render_pdf("outages/checklist_pdf.html", context)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="checklista-{outage.code}.pdf"'
    return response


def timeline_csv(request: HttpRequest, org: str, code: Any) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    outage = queries.get_outage_for_user(request.user, org, code)
    # User text cannot become a formula: lib.csvexport makes every cell safe.
    return csv_response(
        f"tidslinje-{outage.code}.csv",
        [_("Tid"), _("Typ"), _("Text"), _("Vem"), _("Rättar")],
        (
            [
                clock.local(entry.created_at).strftime("%Y-%m-%d %H:%M:%S"),
                entry.get_kind_display(),
                entry.text,
                str(entry.actor or ""),
                entry.corrects_id or "",
            ]
            for entry in outage.timeline.select_related("actor")
        ),
    )


def _review_context(request: HttpRequest, org: str, code: Any) -> dict[str, Any]:
    outage = queries.get_outage_for_user(request.user, org, code)
    if outage.status not in (
        Outage.Status.CLOSED,
        Outage.Status.RESOLVED,
        Outage.Status.BACK_REGISTRATION,
    ):
        raise Http404("Review only after the outage is resolved")
    return {"organisation": outage.organisation, "outage": outage, "review": queries.review(outage)}


def review(request: HttpRequest, org: str, code: Any) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return render(request, "outages/outage_review.html", _review_context(request, org, code))


def review_pdf(request: HttpRequest, org: str, code: Any) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    context = _review_context(request, org, code)
    pdf = render_pdf("outages/outage_review_pdf.html", context)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="uppfoljning-{context["outage"].code}.pdf"'
    return response


def acknowledge(request: HttpRequest, token: str) -> HttpResponse:
    """The acknowledge link from a message. Works without login: the signed token is the
    credential. GET only shows a button (mail scanners follow links); POST acknowledges."""
    from reservrutin.outages import messaging

    escalation = messaging.escalation_from_token(token)
    if escalation is None:
        return render(request, "outages/acknowledge.html", {"invalid": True}, status=404)
    if request.method == "POST":
        try:
            escalation = actions.acknowledge_escalation(token, by=request.user)
        except actions.OutageError:
            return render(request, "outages/acknowledge.html", {"invalid": True}, status=404)
    return render(
        request,
        "outages/acknowledge.html",
        {"escalation": escalation, "outage": escalation.outage, "token": token},
    )
