"""Routine pages: list, the routine as a document, one role's view, versions and diff,
upload (organisation admins) and PDF. Reads go through getters, writes through actions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reservrutin.accounts.access import get_organisation_for_user, has_role
from reservrutin.accounts.models import Membership, Organisation
from reservrutin.routines import actions, presenting, queries
from reservrutin.routines.forms import UploadForm
from reservrutin.routines.loader import Problem
from reservrutin.routines.pdf import live_url, render_pdf


def _is_admin(request: HttpRequest, organisation: Organisation) -> bool:
    return has_role(request.user, organisation, Membership.Role.ORG_ADMIN)


def _version_number(request: HttpRequest) -> int | None:
    raw = request.GET.get("version")
    if raw is None:
        return None
    if not raw.isdigit():
        raise Http404("Bad version")
    return int(raw)


@login_required
def routine_list(request: HttpRequest, org: str) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, org)
    return render(
        request,
        "routines/routine_list.html",
        {
            "organisation": organisation,
            "routines": queries.routines_of(organisation),
            "can_upload": _is_admin(request, organisation),
        },
    )


@login_required
def routine_detail(request: HttpRequest, org: str, key: str) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, org)
    routine = queries.get_routine(organisation, key)
    version = queries.get_version(routine, _version_number(request))
    page = presenting.build_page(version)
    return render(
        request,
        "routines/routine_detail.html",
        {**page, "can_upload": _is_admin(request, organisation), "live_url": live_url(page)},
    )


@login_required
def routine_role(request: HttpRequest, org: str, key: str, role: str) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, org)
    routine = queries.get_routine(organisation, key)
    version = queries.get_version(routine, _version_number(request))
    page = presenting.build_page(version)
    if role not in {r["key"] for r in page["role_links"]}:
        raise Http404("The routine does not name this role")
    return render(request, "routines/routine_role.html", presenting.for_role(page, role))


@login_required
def routine_versions(request: HttpRequest, org: str, key: str) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, org)
    routine = queries.get_routine(organisation, key)
    versions = queries.versions_of(routine)
    diff = None
    a_number, b_number = request.GET.get("a"), request.GET.get("b")
    if a_number and b_number and a_number.isdigit() and b_number.isdigit():
        a = queries.get_version(routine, int(a_number))
        b = queries.get_version(routine, int(b_number))
        diff = {"a": a, "b": b, "lines": actions.diff_versions(a, b)}
    return render(
        request,
        "routines/routine_versions.html",
        {
            "organisation": organisation,
            "routine": routine,
            "versions": versions,
            "diff": diff,
            "can_approve": _is_admin(request, organisation),
        },
    )


@login_required
@require_POST
def routine_approve(request: HttpRequest, org: str, key: str, number: int) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, org, write=True)
    routine = queries.get_routine(organisation, key)
    version = queries.get_version(routine, number)
    actions.approve_version(version, by=request.user)
    messages.success(request, _("Version %(n)d gäller nu.") % {"n": version.number})
    return redirect("routines:versions", organisation.key, routine.key)


def _numbered(text: str, problems: list[Problem]) -> list[dict[str, object]]:
    """The uploaded text line by line, each with the problems reported on it."""
    by_line: dict[int, list[Problem]] = {}
    for problem in problems:
        by_line.setdefault(problem.line, []).append(problem)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    rows = [
        {"number": n, "text": line, "problems": by_line.pop(n, [])}
        for n, line in enumerate(lines, 1)
    ]
    # Problems past the end (an empty file) still show, on a line of their own.
    leftovers = [p for items in by_line.values() for p in items]
    if leftovers:
        rows.append({"number": len(rows) + 1, "text": "", "problems": leftovers})
    return rows


@login_required
def routine_upload(request: HttpRequest, org: str) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, org, write=True)
    context: dict[str, object] = {
        "organisation": organisation,
        "routine_key": request.GET.get("rutin", ""),
    }
    if request.method != "POST":
        context["form"] = UploadForm()
        return render(request, "routines/routine_upload.html", context)
    form = UploadForm(request.POST, request.FILES)
    context["form"] = form
    if not form.is_valid():
        return render(request, "routines/routine_upload.html", context, status=400)
    content = form.cleaned_data["content"]
    filename = slugify(form.cleaned_data["filename"].rsplit(".", 1)[0]) + ".yaml"
    try:
        imported = actions.import_routine(
            content, filename=filename, by=request.user, organisation=organisation
        )
    except actions.RoutineRejected as exc:
        text = content if isinstance(content, str) else content.decode("utf-8", "replace")
        # Keep what was sent in the text box so the fix can be made right there.
        form = UploadForm(initial={"text": text, "approve": form.cleaned_data.get("approve")})
        context.update(form=form, problems=exc.problems, lines=_numbered(text, exc.problems))
        return render(request, "routines/routine_upload.html", context, status=400)
    version = imported.version
    if form.cleaned_data.get("approve"):
        actions.approve_version(version, by=request.user)
    if imported.created:
        messages.success(request, _("Version %(n)d är importerad.") % {"n": version.number})
    else:
        messages.info(
            request,
            _("Texten är identisk med version %(n)d; ingen ny version skapades.")
            % {"n": version.number},
        )
    for problem in imported.warnings:
        messages.warning(request, str(problem))
    return redirect("routines:versions", organisation.key, version.routine.key)


@login_required
def routine_pdf(request: HttpRequest, org: str, key: str) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, org)
    routine = queries.get_routine(organisation, key)
    version = queries.get_version(routine, _version_number(request))
    data = render_pdf(presenting.build_page(version))
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="{organisation.key}-{routine.key}-v{version.number}.pdf"'
    )
    return response
