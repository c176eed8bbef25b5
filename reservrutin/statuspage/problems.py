"""Errors of the public API as RFC 9457 problem details (``application/problem+json``).

A problem says ``type`` (a URI naming the kind of problem, here ``about:blank`` with the
HTTP status's own meaning, as RFC 9457 4.2.1 allows), ``title``, ``status`` and ``detail``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from functools import wraps
from http import HTTPStatus
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

API_PREFIX = "/api/"
CONTENT_TYPE = "application/problem+json"

_DETAILS = {
    400: "The request could not be understood.",
    403: "This address is not available to you.",
    404: "No such organisation, public system or address in this API.",
    405: "This address only answers the methods listed in the Allow header.",
    412: "The resource does not match the request's preconditions.",
    500: "Something went wrong on our side; the static mirror may still have the status.",
    503: "The service is unavailable for a moment; try again later or use the static mirror.",
}


def problem(status: int, detail: str = "", **headers: str) -> HttpResponse:
    """A problem details response for ``status``."""
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    body = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail or _DETAILS.get(status, title),
    }
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=CONTENT_TYPE
    )
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def api_view(
    methods: Iterable[str] = ("GET", "HEAD"),
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """An API view: answers ``methods`` (and OPTIONS), any other method 405 with ``Allow``,
    and ``Http404`` as a problem. The API is read-only and uses no cookies, so it is exempt
    from CSRF: a POST gets 405, not Django's CSRF page."""
    allowed = [*methods, "OPTIONS"]
    allow = ", ".join(allowed)

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @csrf_exempt
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "OPTIONS":
                response = HttpResponse(status=204)
                response["Allow"] = allow
                return response
            if request.method not in allowed:
                return problem(405, Allow=allow)
            try:
                return view(request, *args, **kwargs)
            except Http404:
                return problem(404)

        return wrapped

    return decorator
