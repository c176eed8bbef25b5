"""Lockout after failed sign-ins, for every authentication path (django-axes, issue 14).

django-axes was chosen over the hand-written limiter it replaces because it sits in
``authenticate()`` itself: every path that checks a password — the login page, the Django
admin, any backend added later — is counted and refused by the same rule, and it is kept
(Jazzband, Django 5.2 supported). This module holds the project's policy, plugged into
axes by the ``AXES_*`` settings:

* **Keyed per (username, client address) pair** (``AXES_LOCKOUT_PARAMETERS``), the address
  from :func:`reservrutin.lib.clientaddress.client_address` (trusted proxies only). Someone
  guessing a colleague's password locks only their own tries at that account; a flood of
  made-up usernames locks nobody else.
* **A slower global ceiling**: more than ``LOGIN_FAILURE_ALARM_PER_HOUR`` failures in an hour
  over all accounts raises the alarm — the ``reservrutin_login_failure_alarms_total``
  counter on ``/metrics``, a ``login_failure_alarm`` warning in the log and one
  ``accounts.login_failure_alarm`` audit event an hour, listed in the admin — instead of
  locking everyone.
* **SSO keeps working**: :func:`exempt` lets any authentication that carries no password
  through. A single sign-on backend (OIDC/SAML, once it exists) calls ``authenticate(request,
  ...)`` with the identity provider's verified assertion, never a password, so a person
  whose password tries are locked can still sign in that way; the identity provider runs its
  own lockout.

The lock lifts ``LOGIN_FAILURE_WINDOW_MINUTES`` after the last counted failure; a successful
sign-in clears the pair's failures.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from reservrutin.accounts.forms import LoginForm
from reservrutin.audit.actions import record_event
from reservrutin.audit.models import AuditEvent
from reservrutin.lib import clock, metrics

log = logging.getLogger("reservrutin.accounts.lockout")

ALARM_EVENT = "accounts.login_failure_alarm"
LOCKED_EVENT = "accounts.login_locked"


def failure_limit(request: HttpRequest | None, credentials: dict[str, Any] | None) -> int:
    """Failures for one (username, address) pair before it is locked."""
    return settings.LOGIN_FAILURE_LIMIT


def cool_off(request: HttpRequest | None = None) -> dt.timedelta:
    """How long a lock lasts after the last counted failure."""
    return dt.timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)


def username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The username a failure is counted for: trimmed and lower-cased, so ``Alice`` and
    ``alice`` are one account's tries."""
    if credentials is not None:
        value = credentials.get("username")
    else:
        value = getattr(request, "POST", {}).get("username")
    if not isinstance(value, str):
        return None
    return value.strip().lower()[:150] or None


def exempt(request: HttpRequest, credentials: dict[str, Any] | None) -> bool:
    """Authentication without a password (single sign-on) is neither counted nor refused.

    The hook for SSO: such a backend passes the identity provider's verified assertion,
    never a password, so a locked password does not block it."""
    return credentials is not None and not credentials.get("password")


def locked_until(request: HttpRequest) -> dt.datetime | None:
    """When the lock on this request's (username, address) pair lifts, or None."""
    name = username(request, getattr(request, "axes_credentials", None))
    last = (
        AccessAttempt.objects.filter(
            username=name, ip_address=getattr(request, "axes_ip_address", None)
        )
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    return None if last is None else last + cool_off(request)


def lockout_message(until: dt.datetime | None) -> str:
    if until is None:
        return _("För många misslyckade inloggningar. Försök igen om en stund.")
    time = formats.time_format(timezone.localtime(until), "H:i")
    return _(
        "För många misslyckade inloggningar. Försök igen efter kl. %(time)s "
        "eller kontakta din administratör."
    ) % {"time": time}


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """What a locked sign-in gets, on the login page and in the admin alike (429): the login
    page with the reason and the time the lock lifts, the username kept."""
    if original_response is not None and original_response.status_code == 429:
        return original_response  # the login view already said so
    next_url = reverse("admin:index") if request.path.startswith(reverse("admin:index")) else ""
    form = LoginForm(request.POST or None)
    form.is_valid()
    return render(
        request,
        "accounts/login.html",
        {"form": form, "error": lockout_message(locked_until(request)), "next": next_url},
        status=429,
    )


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler plus the global alarm and an audit event per lockout."""

    def user_login_failed(
        self,
        sender: Any,
        credentials: dict[str, Any],
        request: HttpRequest | None = None,
        **kw: Any,
    ) -> None:
        was_locked = bool(getattr(request, "axes_locked_out", False))
        super().user_login_failed(sender, credentials, request=request, **kw)
        if request is None or self.is_whitelisted(request, credentials):
            return
        if not was_locked and getattr(request, "axes_locked_out", False):
            record_event(
                LOCKED_EVENT,
                actor=None,
                address=request.axes_ip_address,
                username=username(request, credentials),
                path=request.path[:200],
            )
        check_failure_ceiling()


def check_failure_ceiling() -> bool:
    """Raise the alarm when failed sign-ins over all accounts pass the hourly ceiling.

    Returns True when the ceiling is passed. Counts a metric and logs a warning every time
    (what monitoring alerts on) and writes at most one audit event an hour (what an
    administrator sees in the admin's audit log). Nobody is locked by it.

    Cheap however large axes' failure log grows (it has no index on the time): the
    ``ceiling``-th newest failure is found through the primary key, and the ceiling is
    passed when that one lies within the hour. The exact count is taken only for the
    audit event.
    """
    ceiling = settings.LOGIN_FAILURE_ALARM_PER_HOUR
    if ceiling <= 0:
        return False
    now = clock.now()
    hour_ago = now - dt.timedelta(hours=1)
    newest = AccessFailureLog.objects.order_by("-pk").values_list("attempt_time", flat=True)
    nth = list(newest[ceiling - 1 : ceiling])
    if not nth or nth[0] < hour_ago:
        return False
    metrics.login_failure_alarm()
    log.warning("login_failure_alarm ceiling=%d per hour passed", ceiling)
    with transaction.atomic():
        if not AuditEvent.objects.filter(action=ALARM_EVENT, created_at__gte=hour_ago).exists():
            record_event(
                ALARM_EVENT,
                actor=None,
                failures_last_hour=AccessFailureLog.objects.filter(
                    attempt_time__gte=hour_ago
                ).count(),
                ceiling=ceiling,
            )
    return True
