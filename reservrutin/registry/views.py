from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from reservrutin.accounts.access import get_organisation_for_user, has_role
from reservrutin.accounts.models import Membership, Unit
from reservrutin.lib import clock
from reservrutin.registry import actions, queries
from reservrutin.registry.forms import UnitSystemsForm


@login_required
def organisation_detail(request: HttpRequest, org: str) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, org)
    now = clock.now()
    return render(
        request,
        "registry/organisation_detail.html",
        {
            "organisation": organisation,
            "is_admin": has_role(request.user, organisation, Membership.Role.ORG_ADMIN),
            **queries.organisation_overview(organisation, at=now),
        },
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


@login_required
def unit_systems(request: HttpRequest, org: str, unit: str) -> HttpResponse:
    """Which systems a unit uses (organisation admins): decides what unit subscriptions hear."""
    organisation = get_organisation_for_user(request.user, org, write=True)
    unit_obj = get_object_or_404(Unit, organisation=organisation, key=unit)
    form = UnitSystemsForm(request.POST or None, unit=unit_obj)
    if request.method == "POST" and form.is_valid():
        linked, unlinked = actions.set_unit_systems(
            unit_obj, list(form.cleaned_data["systems"]), by=request.user
        )
        messages.success(
            request,
            _("Sparat: %(linked)d system tillagda, %(unlinked)d borttagna.")
            % {"linked": linked, "unlinked": unlinked},
        )
        return redirect("registry:organisation", organisation.key)
    return render(
        request,
        "registry/unit_systems.html",
        {"organisation": organisation, "unit": unit_obj, "form": form},
    )
