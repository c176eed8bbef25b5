"""The back-registration section of the signed-in home page (``accounts.hooks``)."""

from __future__ import annotations

from reservrutin.accounts.hooks import ORDER_BACK_REGISTRATION, HomeSection
from reservrutin.accounts.models import User
from reservrutin.lib import clock
from reservrutin.records import access, queries
from reservrutin.records.models import BackRegistration

#: How many pending records the home page lists before "all of them".
SHOWN = 5


def sections(user: User) -> list[HomeSection]:
    """My pending back-registrations (TES-05, TES-10), the most urgent first."""
    records = access.visible_records(user).filter(back_registration__responsible=user)
    mine = queries.queue(records)
    counts = queries.progress(mine, now=clock.now())
    if not counts.open:
        return []
    pending = list(mine.filter(status=BackRegistration.Status.PENDING)[:SHOWN])
    return [
        HomeSection(
            ORDER_BACK_REGISTRATION,
            "records/_home_queue.html",
            {"pending": pending, "progress": counts, "now": clock.now()},
        )
    ]
