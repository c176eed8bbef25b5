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
from reservrutin.lib import params
from reservrutin.routines import actions, presenting, queries
from reservrutin.routines.forms import UploadForm
from reservrutin.routines.loader import Problem
from reservrutin.routines.pdf import live_url, render_pdf


def _is_admin(request: HttpRequest, organisation: Organisation) -> bool:
    return has_role(request.user, organisation, Membership.Role.ORG_ADMIN)


def _version_number(request: HttpRequest) -> int | None:
    return params.optional_int(request.GET, "version", low=1)


@login_required
def routine_list(request: HttpRequest, org: str) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, org)
    routines = queries.routines_of(organisation)
    return render(
        request,
        "routines/routine_list.html",
        {
            "organisation": organisation,
            "routines": routines,
            "expired": [r for r in routines if r.expired],
            "can_upload": _is_admin(request, organisation),
        },
    )


@login_required
def routine_detail(request: HttpRequest, org: str, key: str) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, org)
    routine = queries.get_routine(organisation, key)
    version = queries.get_version(routine, _version_number(request))
    page = presenting.build_page(version)
    admin = _is_admin(request, organisation)
    return render(
        request,
        "routines/routine_detail.html",
        {
            **page,
            "can_upload": admin,
            "live_url": live_url(page),
            "missing": presenting.missing_in(version) if admin else [],
        },
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
    a_number = params.optional_int(request.GET, "a", low=1)
    b_number = params.optional_int(request.GET, "b", low=1)
    if a_number and b_number:
        a = queries.get_version(routine, a_number)
        b = queries.get_version(routine, b_number)
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


#: The upload page shows each error with this many lines before and after it …
CONTEXT_LINES = 2
#: … for at most this many errors (the rest are counted), each line cut at this length, so
#: a 1 MB file full of errors does not come back as a 9 MB page (issue 14).
MAX_PROBLEMS_SHOWN = 50
MAX_LINE_CHARS = 300
#: An uploaded file up to this size comes back in the text box to be fixed right there;
#: a bigger one stays on the user's disk. Pasted text always comes back.
ECHO_MAX_CHARS = 64 * 1024


def _excerpts(text: str, problems: list[Problem]) -> list[dict[str, object]]:
    """The lines around each shown problem, numbered, each with the problems on it;
    ``gap`` marks a row that does not follow the one before."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    by_line: dict[int, list[Problem]] = {}
    for problem in problems:
        by_line.setdefault(problem.line, []).append(problem)
    wanted = sorted(
        {
            n
            for problem in problems
            for n in range(problem.line - CONTEXT_LINES, problem.line + CONTEXT_LINES + 1)
            if 1 <= n <= len(lines)
        }
    )
    rows: list[dict[str, object]] = []
    for n in wanted:
        line = lines[n - 1]
        if len(line) > MAX_LINE_CHARS:
            line = line[:MAX_LINE_CHARS] + " …"
        gap = bool(rows) and n != rows[-1]["number"] + 1  # type: ignore[operator]
        rows.append({"number": n, "text": line, "problems": by_line.pop(n, []), "gap": gap})
    # Problems past the end (an empty file) still show, on a line of their own.
    leftovers = [p for items in by_line.values() for p in items]
    if leftovers:
        rows.append({"number": len(lines) + 1, "text": "", "problems": leftovers, "gap": False})
    return rows


@login_required
def routine_upload(request: HttpRequest, org: str) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, org, write=True)
    context: dict[str, object] = {
        "organisation": organisation,
        "routine_key": params.optional_text(request.GET, "rutin", max_length=100),
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
        # Keep what was sent in the text box so the fix can be made right there (a big
        # uploaded file is not sent back: the user still has it).
        pasted = isinstance(content, str)
        echo = text if pasted or len(text) <= ECHO_MAX_CHARS else ""
        form = UploadForm(initial={"text": echo, "approve": form.cleaned_data.get("approve")})
        shown = exc.problems[:MAX_PROBLEMS_SHOWN]
        context.update(
            form=form,
            problems=shown,
            problem_count=len(exc.problems),
            hidden_problems=len(exc.problems) - len(shown),
            lines=_excerpts(text, shown),
        )
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
