"""Planned outages and service windows: scheduling, recurrence, notice rules, iCalendar.

A ``PlannedWindow`` keeps what a coordinator scheduled, including an RFC 5545 RRULE
(SOD-05: ``FREQ=MONTHLY;BYDAY=+2WE``, 10:00–12:00). Occurrences within a horizon of
``HORIZON`` are materialised as ``PlannedOccurrence`` rows, each with its own
outage (``outages.actions.schedule_planned_outage``: a timeline for the notice reason,
reports during the window, and the planned half of the outage state machine)
and its ``PlannedEvent`` timers: reminders at the lead times of the notice rules, start
and end. The ``plannedevents`` worker (``statuspage.worker``) fires them and adds later
occurrences as earlier ones end, so a rule without end never needs infinite rows.

Why not one Outage per occurrence with no window row: an RRULE without end has no last
occurrence, and the iCalendar export should publish the rule, not a list of copies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from dateutil.rrule import rrule
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reservrutin.accounts.access import Role, has_role
from reservrutin.accounts.models import Organisation, User
from reservrutin.audit.actions import record_event
from reservrutin.lib import clock, recurrence
from reservrutin.lib.identity import redact
from reservrutin.outages import actions as outage_actions
from reservrutin.outages.models import TimelineEntry
from reservrutin.registry.models import System
from reservrutin.statuspage.actions import bump_page_version
from reservrutin.statuspage.fanout import notify_planned
from reservrutin.statuspage.models import PlannedEvent, PlannedOccurrence, PlannedWindow
from reservrutin.statuspage.notice_rules import NoticeRules, notice_rules

#: How many future occurrences of a recurring window exist as rows (and are shown).
HORIZON = 12


# --- Recurrence -----------------------------------------------------------------------------


def _parse_rule(text: str, starts_at: dt.datetime) -> rrule:
    """The RRULE with ``starts_at`` as DTSTART in Europe/Stockholm, so 10:00 stays 10:00
    across daylight-saving changes (a UTC DTSTART would drift by an hour). Checked by
    ``lib.recurrence`` before anything expands it (issue 14: INTERVAL=0 hung a thread)."""
    try:
        return recurrence.parse(text, clock.local(starts_at))
    except recurrence.RecurrenceError as exc:
        raise ValidationError({"rrule": exc.message}) from None


def normalise_rrule(text: str) -> str:
    return recurrence.normalise(text)


def occurrences(
    starts_at: dt.datetime,
    rrule_text: str = "",
    *,
    after: dt.datetime | None = None,
    limit: int = HORIZON,
) -> list[dt.datetime]:
    """Start instants (UTC) of a window: ``starts_at`` alone, or the RRULE's occurrences
    strictly after ``after`` (inclusive of DTSTART's day when ``after`` is None), at most
    ``limit``, through the one bounded expansion (``lib.recurrence.expand``)."""
    if not rrule_text.strip():
        return [starts_at] if after is None or starts_at > after else []
    rule = _parse_rule(rrule_text, starts_at)
    found = recurrence.expand(
        rule,
        after=clock.local(after or starts_at),
        inclusive=after is None,
        limit=limit,
    )
    return [start.astimezone(dt.UTC) for start in found]


# --- Scheduling -----------------------------------------------------------------------------


def _validate(
    organisation: Organisation,
    *,
    systems: list[System],
    title: str,
    impact: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    outage_type: str,
    now: dt.datetime,
) -> None:
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = _("Skriv en rubrik.")
    if not impact.strip():
        errors["impact"] = _("Beskriv vad som påverkas.")
    if not systems:
        errors["systems"] = _("Välj minst ett system.")
    elif any(s.organisation_id != organisation.pk for s in systems):
        errors["systems"] = _("Systemen måste tillhöra organisationen.")
    if outage_type not in PlannedWindow.OutageType.values:
        errors["outage_type"] = _("Välj typ av avbrott.")
    if ends_at <= starts_at:
        errors["ends_at"] = _("Slutet måste komma efter starten.")
    elif ends_at - starts_at > dt.timedelta(days=14):
        errors["ends_at"] = _("Ett planerat avbrott kan vara högst 14 dagar.")
    if starts_at <= now:
        errors["starts_at"] = _("Starten har redan passerat.")
    if errors:
        raise ValidationError(errors)


def short_notice_message(rules: NoticeRules, first_start: dt.datetime, now: dt.datetime) -> str:
    days = rules.minimum_notice.days
    return ngettext(
        "Avbrott ska aviseras minst %(days)d dag i förväg (%(source)s). Ange skälet till det "
        "korta varslet.",
        "Avbrott ska aviseras minst %(days)d dagar i förväg (%(source)s). Ange skälet till det "
        "korta varslet.",
        days,
    ) % {"days": days, "source": rules.source}


@transaction.atomic
def schedule_planned_outage(
    organisation: Organisation,
    *,
    by: User,
    systems: Iterable[System],
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    impact: str,
    outage_type: str,
    staff_instructions: str = "",
    rrule: str | None = None,
    reason_for_short_notice: str = "",
) -> PlannedWindow:
    """Schedule a planned outage or a recurring service window (TES-01, TES-02, TES-06,
    SOD-03, SOD-05).

    1. Only coordinators (and organisation admins) schedule.
    2. Shape: title, impact, systems of the organisation, end after start, start ahead.
    3. Recurrence: the RRULE must parse and occur at least once; a rule without end is cut
       at ``HORIZON`` occurrences.
    4. Notice: the rules are those of the routines in force for these systems plus the
       organisation's own (``notice_rules``: the longest minimum notice wins, reminders
       are the union). If the first occurrence starts sooner than that minimum, a reason
       is required and is written, with the rule and where it comes from, on its
       outage's timeline.
    5. One transaction: window, occurrences with outages and timers, timeline, audit,
       ``planned_announced`` to subscribers, and the page version bump.
    """
    if not has_role(by, organisation, Role.COORDINATOR):
        raise PermissionDenied(_("Bara samordnare får planera avbrott."))
    systems = list(systems)
    now = clock.now()
    _validate(
        organisation,
        systems=systems,
        title=title,
        impact=impact,
        starts_at=starts_at,
        ends_at=ends_at,
        outage_type=outage_type,
        now=now,
    )
    rule_text = normalise_rrule(rrule or "")
    starts = occurrences(starts_at, rule_text)
    if not starts:
        raise ValidationError({"rrule": _("Upprepningsregeln ger inget enda tillfälle.")})
    # The rules of the routines covering these systems and the organisation's own rule
    # (statuspage.notice_rules: the longest minimum notice wins, reminders are the union).
    rules = notice_rules(organisation, systems)
    reason = reason_for_short_notice.strip()
    short = starts[0] - now < rules.minimum_notice
    if short and not reason:
        raise ValidationError(
            {"reason_for_short_notice": short_notice_message(rules, starts[0], now)}
        )

    # RFC 5545 leaves a DTSTART that the rule does not produce undefined: the window starts
    # at its first real occurrence (what the iCalendar export publishes as DTSTART).
    duration = ends_at - starts_at
    window = PlannedWindow.objects.create(
        organisation=organisation,
        title=title.strip(),
        outage_type=outage_type,
        impact=impact.strip(),
        staff_instructions=staff_instructions.strip(),
        starts_at=starts[0],
        ends_at=starts[0] + duration,
        rrule=rule_text,
        reason_for_short_notice=reason if short else "",
        created_at=now,
        created_by=by,
    )
    window.systems.set(systems)
    created = [_materialise(window, start, systems, rules, by=by, now=now) for start in starts]
    first = created[0]
    if short:
        outage_actions.record_on_timeline(
            first.outage,
            kind=TimelineEntry.Kind.NOTE,
            text=ngettext(
                "Kort varsel – regeln är minst %(days)d dag i förväg (%(source)s). "
                "Skäl: %(reason)s",
                "Kort varsel – regeln är minst %(days)d dagar i förväg (%(source)s). "
                "Skäl: %(reason)s",
                rules.minimum_notice.days,
            )
            % {"days": rules.minimum_notice.days, "source": rules.source, "reason": reason},
            by=by,
            at=now,
            short_notice=True,
            minimum_notice_days=rules.minimum_notice.days,
            notice_given_hours=int((starts[0] - now).total_seconds() // 3600),
            rule=rules.source,
            rule_source=rules.binding.as_data(),
            reason=reason,
        )
    record_event(
        "statuspage.planned_scheduled",
        actor=by,
        obj=window,
        organisation=organisation,
        rrule=rule_text,
        occurrences=len(created),
        short_notice=short,
        notice_rule=rules.binding.as_data(),
        reminder_hours=[int(lead.total_seconds() // 3600) for lead in rules.reminder_leads],
    )
    notify_planned(first, "planned_announced")
    outage_actions.announce_planned_outage(first.outage, at=now)
    bump_page_version(organisation)
    return window


def _materialise(
    window: PlannedWindow,
    start: dt.datetime,
    systems: list[System],
    rules: NoticeRules,
    *,
    by: User | None,
    now: dt.datetime,
) -> PlannedOccurrence:
    end = start + (window.ends_at - window.starts_at)
    outage = outage_actions.schedule_planned_outage(
        window.organisation,
        systems=systems,
        title=window.title,
        description=window.impact,
        starts_at=start,
        ends_at=end,
        by=by,
        at=now,
        text=_("Planerat avbrott schemalagt (%(type)s).")
        % {"type": window.get_outage_type_display()},
        planned_window=str(window.code),
        outage_type=window.outage_type,
    )
    occurrence = PlannedOccurrence.objects.create(
        window=window, outage=outage, starts_at=start, ends_at=end
    )
    events = [
        PlannedEvent(occurrence=occurrence, kind=PlannedEvent.Kind.START, due_at=start),
        PlannedEvent(occurrence=occurrence, kind=PlannedEvent.Kind.END, due_at=end),
    ]
    # A reminder whose time has already passed would only repeat the announcement.
    events += [
        PlannedEvent(
            occurrence=occurrence, kind=PlannedEvent.Kind.REMINDER, lead=lead, due_at=start - lead
        )
        for lead in rules.reminder_leads
        if start - lead > now
    ]
    PlannedEvent.objects.bulk_create(events)
    return occurrence


def extend_window(window: PlannedWindow, *, now: dt.datetime) -> int:
    """Add occurrences of a recurring window so ``HORIZON`` are not yet over; returns how
    many were added. Runs in the caller's transaction (the worker's, as one ends)."""
    if not window.rrule:
        return 0
    ahead = window.occurrences.filter(ends_at__gt=now).count()
    if ahead >= HORIZON:
        return 0
    last = window.occurrences.order_by("-starts_at").first()
    after = last.starts_at if last else None
    starts = occurrences(window.starts_at, window.rrule, after=after, limit=HORIZON - ahead)
    systems = list(window.systems.all())
    # The rules in force now, not when the window was scheduled: a new routine version
    # applies to the occurrences added after it.
    rules = notice_rules(window.organisation, systems)
    for start in starts:
        _materialise(window, start, systems, rules, by=None, now=now)
    return len(starts)


# --- iCalendar ------------------------------------------------------------------------------

#: Europe/Stockholm as a VTIMEZONE (EU rules since 1996), so recurring windows keep their
#: local time across daylight-saving changes in every calendar client.
_VTIMEZONE = [
    "BEGIN:VTIMEZONE",
    "TZID:Europe/Stockholm",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
]


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """RFC 5545 3.1: lines longer than 75 octets continue on lines starting with a space,
    never splitting a UTF-8 character."""
    out: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > 75:
            out.append(current)
            current, size = " ", 1
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def _local(value: dt.datetime) -> str:
    return clock.local(value).strftime("%Y%m%dT%H%M%S")


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def planned_to_ical(organisation: Organisation, systems: Iterable[System] | None = None) -> bytes:
    """An RFC 5545 calendar of the organisation's planned windows (optionally only those
    touching ``systems``): one VEVENT per window, recurring ones with their RRULE, stable
    UIDs, DTSTAMP from when the window was scheduled, local times with a VTIMEZONE."""
    windows = (
        PlannedWindow.objects.filter(organisation=organisation)
        .prefetch_related("systems")
        .order_by("starts_at", "id")
    )
    if systems is not None:
        windows = windows.filter(systems__in=list(systems)).distinct()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Reservrutin//Planerade avbrott//SV",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_escape(_('Planerade avbrott') + ' – ' + organisation.name)}",
        *_VTIMEZONE,
    ]
    for window in windows:
        names = ", ".join(s.name for s in window.systems.all())
        description = window.impact
        if window.staff_instructions:
            description += "\n\n" + _("Gör så här") + ": " + window.staff_instructions
        lines += [
            "BEGIN:VEVENT",
            f"UID:planned-{window.code}@reservrutin",
            f"DTSTAMP:{_utc(window.created_at)}",
            f"DTSTART;TZID=Europe/Stockholm:{_local(window.starts_at)}",
            f"DTEND;TZID=Europe/Stockholm:{_local(window.ends_at)}",
        ]
        if window.rrule:
            lines.append(f"RRULE:{window.rrule}")
        lines += [
            # A public feed: identity numbers are masked (lib.identity.redact, issue 14).
            f"SUMMARY:{_escape(redact(window.title))}",
            f"DESCRIPTION:{_escape(redact(description))}",
            f"CATEGORIES:{_escape(window.get_outage_type_display())}",
            f"LOCATION:{_escape(names)}",
            "TRANSP:OPAQUE",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode("utf-8")
