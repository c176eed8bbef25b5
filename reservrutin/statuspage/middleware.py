"""Every error from the public API as RFC 9457 ``application/problem+json``.

The API's views answer their own errors as problems (``problems.py``); this middleware catches
what Django answers before or around them (an address that does not exist, a method the
view does not declare, a failed precondition, a server error), so a client of ``/api/`` never
gets an HTML page.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from reservrutin.statuspage import problems


class ApiProblemMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and request.path_info.startswith(problems.API_PREFIX)
            and response.get("Content-Type", "") != problems.CONTENT_TYPE
        ):
            problem = problems.problem(response.status_code)
            for header in ("Allow", "Retry-After"):
                if header in response:
                    problem[header] = response[header]
            return problem
        return response
