"""Readiness pages: a unit's checklist, the organisation overview (+ CSV), the downtime
binder PDF, exercises and their after-action reports. Reads go through getters, writes
through actions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reservrutin.accounts.access import get_organisation_for_user
from reservrutin.accounts.models import Unit, User
from reservrutin.lib import clock
from reservrutin.lib.csvexport import csv_response
from reservrutin.readiness import access, actions, binder, exercises
from reservrutin.readiness.forms import ExerciseForm, LocalItemForm, TickForm
from reservrutin.readiness.models import Exercise, ReadinessItem


def _unit_context(request: HttpRequest, unit: Unit) -> dict[str, object]:
    now = clock.now()
    items = list(
        ReadinessItem.objects.filter(unit=unit, active=True)
        .select_related("routine", "routine_version", "last_done_by", "responsible_person", "unit")
        .order_by("routine__title", "id")
    )
    (score,) = actions.unit_scores([unit], now)
    return {
        "organisation": unit.organisation,
        "unit": unit,
        "rows": [
            {"item": i, "overdue": i.is_overdue(now), "can_tick": access.can_tick(request.user, i)}
            for i in items
        ],
        "score": score,
        "can_manage": access.can_manage_unit(request.user, unit),
        "binder": binder.binder_status(unit),
        "local_form": LocalItemForm(),
        "now": now,
    }


@login_required
def unit_checklist(request: HttpRequest, org: str, unit: str) -> HttpResponse:
    the_unit = access.get_unit_for_user(request.user, org, unit)
    return render(request, "readiness/unit_checklist.html", _unit_context(request, the_unit))


@login_required
@require_POST
def tick(request: HttpRequest, org: str, unit: str, item: str) -> HttpResponse:
    the_unit = access.get_unit_for_user(request.user, org, unit)
    the_item = access.get_item_for_user(request.user, the_unit, item)
    form = TickForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Anteckningen är för lång."))
    else:
        actions.tick_item(
            the_item,
            by=request.user,
            note=form.cleaned_data["note"],
            found_missing=form.cleaned_data["found_missing"],
        )
        if form.cleaned_data["found_missing"]:
            messages.warning(request, _("Noterat att det saknades: %(t)s") % {"t": the_item.text})
        else:
            messages.success(request, _("Avbockat: %(t)s") % {"t": the_item.text})
    return redirect("readiness:unit", the_unit.organisation.key, the_unit.key)


@login_required
@require_POST
def add_item(request: HttpRequest, org: str, unit: str) -> HttpResponse:
    the_unit = access.get_unit_for_user(request.user, org, unit)
    if not access.can_manage_unit(request.user, the_unit):
        raise PermissionDenied
    form = LocalItemForm(request.POST)
    if not form.is_valid():
        context = _unit_context(request, the_unit)
        context["local_form"] = form
        return render(request, "readiness/unit_checklist.html", context, status=400)
    actions.add_local_item(
        the_unit,
        by=request.user,
        text=form.cleaned_data["text"],
        recurrence=form.cleaned_data["recurrence"],
        responsible=form.cleaned_data["responsible"],
    )
    messages.success(request, _("Den lokala punkten är tillagd."))
    return redirect("readiness:unit", the_unit.organisation.key, the_unit.key)


def _overview_scores(request: HttpRequest, org: str) -> tuple[object, list[actions.UnitScore]]:
    organisation = get_organisation_for_user(request.user, org)
    if not access.can_see_overview(request.user, organisation):
        raise PermissionDenied
    units = access.overview_units(request.user, organisation)
    return organisation, actions.unit_scores(units, clock.now())


@login_required
def overview(request: HttpRequest, org: str) -> HttpResponse:
    organisation, scores = _overview_scores(request, org)
    return render(
        request,
        "readiness/overview.html",
        {
            "organisation": organisation,
            "scores": scores,
            "can_exercise": exercises.can_run_exercises(request.user, organisation),
        },
    )


@login_required
def overview_csv(request: HttpRequest, org: str) -> HttpResponse:
    organisation, scores = _overview_scores(request, org)
    return csv_response(
        f"beredskap-{organisation.key}.csv",
        ["Enhet", "Aktuella", "Totalt", "Andel %", "Förfallna punkter"],
        (
            [s.unit.name, s.current, s.total, s.percent, " | ".join(i.text for i in s.worst)]
            for s in scores
        ),
    )


@login_required
def binder_pdf(request: HttpRequest, org: str, unit: str) -> HttpResponse:
    the_unit = access.get_unit_for_user(request.user, org, unit)
    current = binder.current_binder(the_unit)
    data = binder.render_binder_pdf(the_unit, current)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="parm-{the_unit.organisation.key}-{the_unit.key}-v{current.version}.pdf"'
    )
    return response


@login_required
@require_POST
def binder_printed(request: HttpRequest, org: str, unit: str) -> HttpResponse:
    the_unit = access.get_unit_for_user(request.user, org, unit)
    if not access.can_manage_unit(request.user, the_unit):
        raise PermissionDenied
    version = request.POST.get("version", "")
    current = binder.current_binder(the_unit)
    if version != str(current.version):
        # The binder changed after the page was shown: the printout is not the current one.
        messages.warning(request, _("Pärmen har ändrats sedan sidan visades. Skriv ut igen."))
    else:
        binder.mark_printed(current, by=request.user)
        messages.success(
            request, _("Pärmen version %(v)d är markerad som utskriven.") % {"v": current.version}
        )
    return redirect("readiness:unit", the_unit.organisation.key, the_unit.key)


@login_required
def exercise_list(request: HttpRequest, org: str) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, org)
    if not exercises.can_run_exercises(request.user, organisation):
        raise PermissionDenied
    form = ExerciseForm(
        request.POST or None,
        scenarios=exercises.scenario_choices(organisation),
        units=[(u.key, u.name) for u in organisation.units.order_by("name")],
        people=exercises.people_choices(organisation),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            routine_key, scenario_key = form.cleaned_data["routine"].split(":", 1)
            unit_key = form.cleaned_data["unit"]
            try:
                exercise = exercises.start_exercise(
                    organisation,
                    routine_key,
                    scenario_key,
                    unit=organisation.units.get(key=unit_key) if unit_key else None,
                    speed=form.cleaned_data["speed"],
                    participants=list(
                        User.objects.filter(username__in=form.cleaned_data["participants"])
                    ),
                    by=request.user,
                )
            except exercises.ExerciseError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Övningen har startat."))
                return redirect("outages:detail", organisation.key, exercise.outage.code)
        status = 400
    return render(
        request,
        "readiness/exercise_list.html",
        {
            "organisation": organisation,
            "form": form,
            "exercises": Exercise.objects.filter(organisation=organisation)
            .select_related("unit", "outage")
            .order_by("-started_at")[:50],
        },
        status=status,
    )


def _report(request: HttpRequest, org: str, code: str) -> exercises.Report:
    organisation = get_organisation_for_user(request.user, org)
    exercise = exercises.get_exercise_for_user(request.user, organisation, code)
    return exercises.exercise_report(exercise)


@login_required
def exercise_report(request: HttpRequest, org: str, code: str) -> HttpResponse:
    report = _report(request, org, code)
    if request.method == "POST":
        if not exercises.can_run_exercises(request.user, report.exercise.organisation):
            raise PermissionDenied
        exercises.end_exercise(report.exercise, by=request.user)
        messages.success(request, _("Övningen är avslutad."))
        return redirect("readiness:report", org, code)
    return render(
        request,
        "readiness/exercise_report.html",
        {
            "organisation": report.exercise.organisation,
            "report": report,
            "can_end": exercises.can_run_exercises(request.user, report.exercise.organisation),
        },
    )


@login_required
def exercise_report_pdf(request: HttpRequest, org: str, code: str) -> HttpResponse:
    report = _report(request, org, code)
    response = HttpResponse(exercises.render_report_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="ovning-{report.exercise.code}.pdf"'
    return response
