"""Which notice rules apply to a planned outage, and where each comes from (TES-01, SOD-03).

A rule says how far ahead an outage must be announced and when subscribers are reminded.
The rules for a planned outage are, together:

1. every line of ``planned_outages.notices`` in the organisation's routines **in force**
   whose document names one of the outage's systems (``enligt rutinen … version N``);
2. the organisation's own ``NoticeRule`` row, if it has one (``enligt organisationens
   regel``);
3. only when neither gives a rule: the default, TES-01's 7 days with a reminder the day
   before (``enligt standardregeln``).

Precedence: **the longest minimum notice wins**, and the reminders are **the union** of
every rule's lead times. Each source is a promise to the people who plan around the outage
(the routine is the approved document, the organisation's rule what its administration
added on top). Honouring a shorter lead from one source would break the longer one of the
other, so the short-notice warning uses the longest; a reminder promised by either must go
out, so none is dropped. Neither source can loosen the other: to shorten the notice, change
both.

How a routine's line becomes a rule (``{days_before, days_before_max, channels}``):

* the minimum notice is ``days_before`` (SOD-03's "2–3 days" is broken only below 2 days);
* the reminder goes out at ``days_before_max`` if given, else ``days_before`` (the start of
  the span, so "2–3 days" reminds 3 days before), and only if one of its channels is one
  Reservrutin delivers to subscribers (``DELIVERED_CHANNELS``). ``in_system``,
  ``intranet`` and ``notice_board`` are posted by hand by the ``responsible`` role, so a
  line with only those (SOD-03's "14 days in the system") sets the minimum notice but sends
  nothing. Private providers' managers (``managers``) are subscriptions with ``planned_*``
  triggers that a coordinator registers, by e-mail or SMS.

The rules are read when a window is scheduled and whenever later occurrences of a recurring
window are added; reminders already scheduled keep the lead they were given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reservrutin.accounts.models import Organisation
from reservrutin.registry.models import System
from reservrutin.registry.refs import Ref
from reservrutin.routines.models import RoutineVersion
from reservrutin.routines.presenting import CHANNELS
from reservrutin.statuspage.models import NoticeRule

#: Channels of a routine's notice line that reach subscribers: e-mail, SMS, the managers a
#: coordinator registered (SOD-03), and the status page's own subscribers (webhook, Teams).
DELIVERED_CHANNELS = frozenset({"email", "sms", "managers", "status_page"})


class Origin(StrEnum):
    ROUTINE = "routine"
    ORGANISATION = "organisation"
    DEFAULT = "default"


#: When two sources ask for the same minimum notice, the page names the routine first: it is
#: the approved document people can look up.
_ORIGIN_RANK = {Origin.ROUTINE: 2, Origin.ORGANISATION: 1, Origin.DEFAULT: 0}


@dataclass(frozen=True)
class AppliedRule:
    """One rule that applies, with where it comes from (for the page and the timeline)."""

    origin: Origin
    minimum_notice: dt.timedelta
    reminder_leads: tuple[dt.timedelta, ...]
    #: "7", "2–3": the days before as the source writes them.
    days: str
    channels: tuple[str, ...] = ()
    audience: str = ""
    #: A requirement or note the organisation gave the rule ("SOD-03", "TES-01").
    reference: str = ""
    routine_key: str = ""
    routine_title: str = ""
    version_number: int | None = None
    #: Names of the systems a routine's rule covers (empty: every system).
    systems: tuple[str, ...] = ()

    @property
    def source(self) -> str:
        """Where the rule comes from, as a phrase: "enligt rutinen ”…”, version 2"."""
        if self.origin == Origin.ROUTINE:
            return _("enligt rutinen ”%(title)s”, version %(number)d") % {
                "title": self.routine_title,
                "number": self.version_number or 0,
            }
        if self.origin == Origin.ORGANISATION:
            if self.reference:
                return _("enligt organisationens regel (%(reference)s)") % {
                    "reference": self.reference
                }
            return _("enligt organisationens regel")
        return _("enligt standardregeln (%(reference)s)") % {"reference": self.reference}

    @property
    def channel_labels(self) -> list[str]:
        return [str(CHANNELS.get(c, c)) for c in self.channels]

    @property
    def reminder_words(self) -> list[str]:
        return [lead_words(lead) for lead in self.reminder_leads]

    def as_data(self) -> dict[str, object]:
        """The rule as JSON for the timeline and the audit log."""
        data: dict[str, object] = {
            "origin": str(self.origin),
            "minimum_notice_days": self.minimum_notice.days,
            "reminder_hours": [int(lead.total_seconds() // 3600) for lead in self.reminder_leads],
        }
        if self.reference:
            data["reference"] = self.reference
        if self.origin == Origin.ROUTINE:
            data["routine"] = self.routine_key
            data["version"] = self.version_number
        return data


@dataclass(frozen=True)
class NoticeRules:
    """The effective rules: the strictest minimum notice and every reminder lead."""

    minimum_notice: dt.timedelta
    #: Longest first, each once.
    reminder_leads: tuple[dt.timedelta, ...]
    #: The rule that sets ``minimum_notice``.
    binding: AppliedRule
    applied: tuple[AppliedRule, ...]

    @property
    def source(self) -> str:
        return self.binding.source


#: TES-01: planned outages are announced normally 7 days ahead; one reminder the day before.
DEFAULT_RULE = AppliedRule(
    origin=Origin.DEFAULT,
    minimum_notice=dt.timedelta(days=7),
    reminder_leads=(dt.timedelta(days=1),),
    days="7",
    reference="TES-01",
)


def lead_words(lead: dt.timedelta) -> str:
    """ "3 dagar före", "36 timmar före"."""
    hours = int(lead.total_seconds() // 3600)
    if hours % 24 == 0:
        days = hours // 24
        return ngettext("%(count)d dag före", "%(count)d dagar före", days) % {"count": days}
    return ngettext("%(count)d timme före", "%(count)d timmar före", hours) % {"count": hours}


def _own_keys(refs: Iterable[str], organisation: Organisation) -> set[str]:
    """The keys of ``organisation``'s own systems among a routine's references (a partner's
    ``org:key`` is another organisation's system and never ours)."""
    keys = set()
    for ref in refs:
        parsed = Ref.parse(ref)
        if parsed.belongs_to(organisation.key):
            keys.add(parsed.key)
    return keys


def routine_rules(organisation: Organisation, system_keys: set[str] | None) -> list[AppliedRule]:
    """One rule per notice line of each routine in force that covers one of ``system_keys``
    (None: every routine of the organisation, for the page before systems are chosen)."""
    versions = (
        RoutineVersion.objects.filter(routine__organisation=organisation, in_force=True)
        .select_related("routine")
        .order_by("routine__title", "routine_id")
    )
    found: list[AppliedRule] = []
    names: dict[str, str] | None = None
    for version in versions:
        # Most routines have no notice rules: skip them without building the document.
        if not (version.parsed.get("planned_outages") or {}).get("notices"):
            continue
        document = version.document()
        covered = _own_keys(document.systems, organisation)
        if system_keys is not None and not covered & system_keys:
            continue
        if names is None:
            names = dict(
                System.objects.filter(organisation=organisation).values_list("key", "name")
            )
        systems = tuple(names.get(key, key) for key in document.systems if key in covered)
        for line in document.planned_outages.notices:
            lead_days = line.days_before_max or line.days_before
            delivered = bool(DELIVERED_CHANNELS.intersection(line.channels))
            found.append(
                AppliedRule(
                    origin=Origin.ROUTINE,
                    minimum_notice=dt.timedelta(days=line.days_before),
                    reminder_leads=(dt.timedelta(days=lead_days),)
                    if delivered and lead_days > 0
                    else (),
                    days=f"{line.days_before}–{line.days_before_max}"
                    if line.days_before_max and line.days_before_max != line.days_before
                    else str(line.days_before),
                    channels=tuple(line.channels),
                    audience=line.audience or "",
                    routine_key=version.routine.key,
                    routine_title=version.routine.title,
                    version_number=version.number,
                    systems=systems,
                )
            )
    return found


def organisation_rules(organisation: Organisation) -> list[AppliedRule]:
    """The organisation's own ``NoticeRule`` row as a rule (at most one per organisation)."""
    rule = NoticeRule.objects.filter(organisation=organisation).first()
    if rule is None:
        return []
    leads = tuple(
        sorted(
            {dt.timedelta(hours=float(h)) for h in rule.reminder_hours if float(h) > 0},
            reverse=True,
        )
    )
    return [
        AppliedRule(
            origin=Origin.ORGANISATION,
            minimum_notice=rule.minimum_notice,
            reminder_leads=leads,
            days=str(rule.minimum_notice.days),
            reference=rule.source,
        )
    ]


def notice_rules(
    organisation: Organisation, systems: Iterable[System] | None = None
) -> NoticeRules:
    """The rules in force for a planned outage of ``organisation`` on ``systems`` (None: on
    any of its systems, as the planning page shows them before a choice is made)."""
    keys = None if systems is None else {s.key for s in systems}
    applied = [*routine_rules(organisation, keys), *organisation_rules(organisation)]
    if not applied:
        applied = [DEFAULT_RULE]
    binding = max(applied, key=lambda r: (r.minimum_notice, _ORIGIN_RANK[r.origin]))
    leads = {lead for rule in applied for lead in rule.reminder_leads}
    return NoticeRules(
        minimum_notice=binding.minimum_notice,
        reminder_leads=tuple(sorted(leads, reverse=True)),
        binding=binding,
        applied=tuple(applied),
    )
