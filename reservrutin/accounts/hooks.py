"""Hooks the accounts app offers to higher apps (lib/hooks.py).

The home page (``/``) is the way in for everyone, but what it shows lives higher up: the
public status overview in ``statuspage``, current outages and tasks in ``outages``, the
back-registration queue in ``records`` and readiness in ``readiness``. Each of those
registers a function here in its ``AppConfig.ready()``; accounts never imports them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reservrutin.lib.hooks import Hook

#: ``function(request) -> HttpResponse | None``: what an anonymous visitor sees at ``/``
#: (the public status overview). The first response wins; none: the login page.
front_door = Hook(
    "accounts.front_door",
    doc="What an anonymous visitor sees at /: fn(request) -> HttpResponse | None.",
)

#: ``function(user) -> list[HomeSection]``: the sections of a signed-in user's home page.
home_sections = Hook(
    "accounts.home_sections",
    doc="Sections of the signed-in home page: fn(user) -> list[HomeSection].",
)


@dataclass(frozen=True)
class HomeSection:
    """One block of the home page: ``order`` places it ("what is down for me now" first),
    ``template`` renders ``context`` (available in the template as ``section``)."""

    order: int
    template: str
    context: dict[str, Any] = field(default_factory=dict)


#: Where each section sits on the home page, most urgent first.
ORDER_OUTAGES = 10
ORDER_TASKS = 20
ORDER_BACK_REGISTRATION = 30
ORDER_READINESS = 40
