from __future__ import annotations

from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from reservrutin.accounts import access, actions, hooks, lockout
from reservrutin.accounts.forms import LoginForm


def home(request: HttpRequest) -> HttpResponse:
    """The way in. Anonymous: the public status overview (``hooks.front_door``), with
    sign-in as a link. Signed in: what is down for me now, my tasks, my back-registration
    queue and my unit's readiness (``hooks.home_sections``), then my organisations."""
    if not request.user.is_authenticated:
        for response in hooks.front_door.call_all(request):
            if response is not None:
                return response
        return redirect_to_login(request.get_full_path())
    sections = sorted(
        (s for found in hooks.home_sections.call_all(request.user) for s in found),
        key=lambda s: s.order,
    )
    organisations = access.visible_organisations(request.user).order_by("kind", "name")
    return render(
        request,
        "accounts/home.html",
        {"organisations": organisations, "sections": sections},
    )


@require_safe
def accessibility(request: HttpRequest) -> HttpResponse:
    """Tillgänglighetsredogörelse (DOS-lagen), public, for every organisation's users."""
    return render(
        request,
        "accounts/accessibility.html",
        {
            "contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL,
            "contact_phone": settings.ACCESSIBILITY_CONTACT_PHONE,
            "publisher": settings.ACCESSIBILITY_PUBLISHER,
        },
    )


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = ""
    form = LoginForm(request.POST or None)
    error = ""
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            user = actions.sign_in(
                request,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
            )
        except actions.LockedOut as exc:
            error = lockout.lockout_message(exc.until)
            status = 429
        else:
            if user is not None:
                login(request, user)
                return redirect(next_url or "accounts:home")
            error = _("Fel användarnamn eller lösenord.")
    if error and status == 200:
        status = 400
    return render(
        request,
        "accounts/login.html",
        {"form": form, "error": error, "next": next_url},
        status=status,
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:login")
