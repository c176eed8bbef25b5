from __future__ import annotations

from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from reservrutin.accounts import access, actions, lockout
from reservrutin.accounts.forms import LoginForm


@login_required
def home(request: HttpRequest) -> HttpResponse:
    organisations = access.visible_organisations(request.user).order_by("kind", "name")
    return render(request, "accounts/home.html", {"organisations": organisations})


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
