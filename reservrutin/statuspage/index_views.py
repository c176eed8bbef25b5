"""``/status/`` and the anonymous front door: the overview of every organisation's driftinfo.

Server-rendered, no JavaScript, three queries (``overview.organisations``). The per-
organisation pages stay in ``views.py``; this only lists them.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from reservrutin.statuspage import overview


def _render(request: HttpRequest, *, only: str, front: bool) -> HttpResponse:
    states = overview.organisations(only)
    return render(
        request,
        "statuspage/overview.html",
        {
            "states": states,
            "front": front,
            "disturbed": [s for s in states if s.notices],
        },
    )


@require_safe
def index_view(request: HttpRequest) -> HttpResponse:
    """``/status/``: every care organisation with its current state and a link."""
    return _render(request, only="", front=False)


def front_door(request: HttpRequest) -> HttpResponse | None:
    """``/`` for a visitor who is not signed in (``accounts.hooks.front_door``): the
    overview, or only the organisation ``FRONT_ORGANISATION`` names."""
    if request.method not in {"GET", "HEAD"}:
        return None
    return _render(request, only=settings.FRONT_ORGANISATION, front=True)
