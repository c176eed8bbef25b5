from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from reservrutin.accounts.access import get_organisation_for_user
from reservrutin.lib import clock
from reservrutin.registry import queries


@login_required
def organisation_detail(request: HttpRequest, org: str) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, org)
    now = clock.now()
    return render(
        request,
        "registry/organisation_detail.html",
        {"organisation": organisation, **queries.organisation_overview(organisation, at=now)},
    )


@login_required
def system_detail(request: HttpRequest, org: str, system: str) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, org)
    system_obj = queries.get_system(organisation, system)
    return render(
        request,
        "registry/system_detail.html",
        {
            "organisation": organisation,
            **queries.system_overview(system_obj, at=clock.now(), viewer=organisation),
        },
    )


@login_required
def directory(request: HttpRequest, org: str) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, org)
    return render(
        request,
        "registry/directory.html",
        {"organisation": organisation, **queries.directory(organisation, at=clock.now())},
    )
