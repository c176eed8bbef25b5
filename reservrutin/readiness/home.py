"""The readiness section of the signed-in home page (``accounts.hooks``): how prepared my
units are, from the same score as the organisation overview (``actions.unit_scores``)."""

from __future__ import annotations

from reservrutin.accounts.hooks import ORDER_READINESS, HomeSection
from reservrutin.accounts.models import Unit, User
from reservrutin.lib import clock
from reservrutin.readiness import actions


def sections(user: User) -> list[HomeSection]:
    if not user.is_authenticated:
        return []
    units = list(
        Unit.objects.filter(memberships__user=user)
        .select_related("organisation")
        .distinct()
        .order_by("name")
    )
    if not units:
        return []
    scores = actions.unit_scores(units, clock.now())
    return [HomeSection(ORDER_READINESS, "readiness/_home_readiness.html", {"scores": scores})]
