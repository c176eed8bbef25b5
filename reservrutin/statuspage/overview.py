"""The instance's status overview: every care organisation's current public state.

This is the front door for visitors who are not signed in (``/``) and the index of
``/status/``. It must stay cheap (three queries whatever the number of organisations) and
shows only what the public status pages show: published notices, never drafts, never
exercises (``NoticeQuerySet.public``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch

from reservrutin.accounts.models import Organisation
from reservrutin.registry.models import System
from reservrutin.statuspage.models import Notice

#: Notices are listed most serious first.
_SEVERITY_RANK = {
    Notice.Severity.OUTAGE: 0,
    Notice.Severity.DISTURBANCE: 1,
    Notice.Severity.MAINTENANCE: 2,
    Notice.Severity.INFORMATION: 3,
}


@dataclass
class OrganisationState:
    """One organisation on the overview with its current public notices."""

    organisation: Organisation
    notices: list[Notice] = field(default_factory=list)

    @property
    def is_disturbed(self) -> bool:
        serious = {Notice.Severity.OUTAGE, Notice.Severity.DISTURBANCE}
        return any(n.severity in serious for n in self.notices)


def organisations(only: str = "") -> list[OrganisationState]:
    """Care organisations (only the one keyed ``only`` when given and known), those with
    current notices first, each with its notices most serious first."""
    found = Organisation.objects.care().order_by("name")
    if only:
        narrowed = [o for o in found if o.key == only]
        states = [OrganisationState(o) for o in (narrowed or list(found))]
    else:
        states = [OrganisationState(o) for o in found]
    by_id = {s.organisation.pk: s for s in states}
    notices = (
        Notice.objects.public()
        .current()
        .filter(organisation_id__in=list(by_id))
        .prefetch_related(
            Prefetch("systems", queryset=System.objects.filter(public=True).order_by("name"))
        )
        .order_by("-published_at", "id")
    )
    for notice in notices:
        by_id[notice.organisation_id].notices.append(notice)
    for state in states:
        state.notices.sort(key=lambda n: _SEVERITY_RANK.get(n.severity, 9))
    states.sort(key=lambda s: (not s.notices, not s.is_disturbed))
    return states
