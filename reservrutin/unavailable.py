"""While the database cannot be reached, every page answers 503 with ``Retry-After`` and a
short page that points to the static mirror of the status pages (docs/operations.md
"When the database is down").

Two entry points, one answer (:func:`unavailable_response`):

- ``DatabaseUnavailableMiddleware.process_exception`` for errors raised by a view or its
  template (``DEBUG`` or not);
- ``server_error``, the project's ``handler500``, for errors raised anywhere else in the
  request cycle (a middleware that reads the session or the user).

Only errors that ``lib.dbfaults.unreachable`` recognises get the 503; a query that is wrong
(``no such table``, a syntax error) stays a 500 with its traceback in the log. The answer
touches no database and renders a template without context processors. Nothing is kept:
the first request after the database is back is answered normally (Django closes a broken
connection at the end of the request and opens a new one for the next).
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import defaults

from reservrutin.lib.dbfaults import unreachable

log = logging.getLogger(__name__)

#: Seconds a client is asked to wait before it tries again.
RETRY_AFTER_SECONDS = 30


def _language(request: HttpRequest) -> str:
    """English for the public English pages (``…/en/``) or when the person chose English;
    Swedish otherwise (the rule of ``SwedishFirstLocaleMiddleware``)."""
    if "/en/" in request.path or request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) == "en":
        return "en"
    return settings.LANGUAGE_CODE


def mirror_url(path: str) -> str:
    """The static mirror's copy of ``path`` (the mirror keeps the status pages' addresses),
    or the mirror's front page; empty without ``STATUS_MIRROR_URL``."""
    base = settings.STATUS_MIRROR_URL.rstrip("/")
    if not base:
        return ""
    return base + path if path.startswith("/status/") else base + "/"


def unavailable_response(request: HttpRequest) -> HttpResponse:
    with translation.override(_language(request)):
        mirror = mirror_url(request.path)
        if request.path.startswith("/api/"):
            problem = {
                "type": "about:blank",
                "title": _("Tjänsten är inte tillgänglig just nu"),
                "status": 503,
                "detail": _("Databasen går inte att nå. Försök igen om en stund."),
            }
            if mirror:
                problem["mirror"] = mirror
            response = HttpResponse(
                json.dumps(problem, ensure_ascii=False),
                status=503,
                content_type="application/problem+json",
            )
        else:
            response = HttpResponse(
                render_to_string(
                    "unavailable.html",
                    {
                        "mirror": mirror,
                        "retry_after": RETRY_AFTER_SECONDS,
                        "lang": translation.get_language(),
                    },
                ),
                status=503,
            )
        response.headers["Content-Language"] = translation.get_language()
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Turn an error from a lost database in a view into the 503 page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not unreachable(exception):
            return None
        log.warning("database unreachable: %s %s: %s", request.method, request.path, exception)
        return unavailable_response(request)


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: the 503 page when the uncaught error is a lost database, Django's
    500 page otherwise."""
    error = sys.exc_info()[1]
    if error is not None and unreachable(error):
        return unavailable_response(request)
    return defaults.server_error(request)
