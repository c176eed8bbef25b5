"""Repetition rules (RFC 5545 RRULE) that cannot hang a thread: validate, then expand bounded.

A rule typed by a person must be checked *before* anything iterates it. dateutil happily
builds ``FREQ=WEEKLY;INTERVAL=0`` (it never advances, so iterating it spins forever) and
``FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30`` (no day ever matches, so looking for the next
occurrence walks day by day to the year 9999: seconds of CPU per call). Issue 14 found a
planning form, ``routine validate``, the import and the routine pages all expanding such
rules inside a request. So every caller goes through the two functions here:

- ``parse(text, dtstart)`` refuses what cannot be expanded safely: anything but one
  ``RRULE`` line of at most ``MAX_LENGTH`` characters, a frequency other than daily,
  weekly, monthly or yearly, ``INTERVAL`` outside 1…``MAX_INTERVAL``, ``COUNT`` outside
  1…``MAX_COUNT``, a ``DTSTART`` in the rule, and a rule with no occurrence within
  ``PROBE_YEARS`` of its start (the probe below).
- ``expand(rule, …)`` returns at most ``MAX_OCCURRENCES`` occurrences, none after a finite
  horizon (``HORIZON_YEARS``), and stops when its ``TIME_BUDGET`` is spent.

The probe, and why it is bounded: dateutil stops searching at the year 9999. The Gregorian
calendar repeats exactly every 400 years (146,097 days, a whole number of weeks), so the
rule moved 400·k years forward behaves exactly like the rule itself. Moved as close to the
year 9999 as leaves ``PROBE_YEARS`` of room, a rule without any occurrence is given up after
at most ``PROBE_YEARS`` + 400 years of calendar, about 0.4 s for the worst (daily) rule,
instead of ~8,000 years.
"""

from __future__ import annotations

import datetime as dt
import logging
import time

from dateutil.rrule import rrule, rrulestr
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)

#: The frequencies a service window or a planned outage can use; anything more frequent
#: than daily is a typing mistake and would flood subscribers.
ALLOWED_FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
#: The largest INTERVAL per frequency: at most about a year between occurrences
#: (a few years for yearly rules).
MAX_INTERVAL = {"DAILY": 366, "WEEKLY": 53, "MONTHLY": 12, "YEARLY": 4}
MAX_COUNT = 1000
MAX_LENGTH = 500
#: A rule must have an occurrence within this many years of its start.
PROBE_YEARS = 10
#: No expansion returns more than this many occurrences …
MAX_OCCURRENCES = 500
#: … or any occurrence more than this many years after where it starts looking …
HORIZON_YEARS = 20
#: … or spends more than this many seconds (a safety net; ``parse`` already bounds it).
TIME_BUDGET = 0.5

_CALENDAR_CYCLE = 400  # years after which the Gregorian calendar repeats exactly
_LAST_YEAR = 9999  # dateutil's (datetime's) last year


class RecurrenceError(ValueError):
    """A rule that is refused; ``message`` is a translated Swedish sentence for the user.
    ``code`` is ``"syntax"`` when dateutil could not read the rule (``detail`` says why)."""

    def __init__(self, message: str, *, code: str, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.detail = detail


def normalise(text: str) -> str:
    """The rule as stored: no ``RRULE:`` prefix, no surrounding space, upper case."""
    return text.strip().removeprefix("RRULE:").removeprefix("rrule:").upper()


def _parts(text: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in text.split(";") if "=" in part)


def _bounded_int(parts: dict[str, str], name: str, high: int) -> None:
    if name not in parts:
        return
    raw = parts[name]
    # Checked as text first: int() of a 5,000-digit string raises, and a huge
    # COUNT would be accepted by dateutil and expanded.
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 6 and 1 <= int(raw) <= high):
        raise RecurrenceError(
            _("%(name)s måste vara ett heltal från 1 till %(max)d.") % {"name": name, "max": high},
            code=name.lower(),
        )


def check_text(text: str) -> str:
    """The normalised rule if its text is acceptable; raises ``RecurrenceError``. Nothing is
    expanded here (``parse`` adds the probe)."""
    if not isinstance(text, str) or len(text) > MAX_LENGTH:
        raise RecurrenceError(
            _("Upprepningsregeln får vara högst %(max)d tecken.") % {"max": MAX_LENGTH},
            code="length",
        )
    if "\n" in text.strip() or "\r" in text or "\x00" in text:
        raise RecurrenceError(_("Skriv upprepningsregeln på en enda rad."), code="lines")
    rule_text = normalise(text)
    parts = _parts(rule_text)
    if parts.get("FREQ") not in ALLOWED_FREQUENCIES:
        raise RecurrenceError(
            _("Upprepningen måste vara dag, vecka, månad eller år (FREQ=…)."), code="freq"
        )
    if "DTSTART" in rule_text:
        raise RecurrenceError(
            _("Ange starttiden i fältet för start, inte i regeln."), code="dtstart"
        )
    _bounded_int(parts, "INTERVAL", MAX_INTERVAL[parts["FREQ"]])
    _bounded_int(parts, "COUNT", MAX_COUNT)
    return rule_text


def parse(text: str, dtstart: dt.datetime) -> rrule:
    """The rule starting at ``dtstart`` (local time, naive or aware), checked so that
    expanding it is bounded. Raises ``RecurrenceError`` with a Swedish message."""
    rule_text = check_text(text)
    try:
        rule = rrulestr(rule_text, dtstart=dtstart)
    except (ValueError, TypeError, OverflowError) as exc:
        raise RecurrenceError(
            _("Upprepningsregeln går inte att läsa: %(error)s") % {"error": exc},
            code="syntax",
            detail=str(exc),
        ) from None
    if not isinstance(rule, rrule):  # pragma: no cover - one line never makes a set
        raise RecurrenceError(_("Skriv upprepningsregeln på en enda rad."), code="lines")
    _probe(rule, dtstart)
    return rule


def _probe(rule: rrule, dtstart: dt.datetime) -> None:
    """Refuse a rule without an occurrence within ``PROBE_YEARS`` of ``dtstart``, in bounded
    time (the module docstring explains the 400-year shift)."""
    naive = dtstart.replace(tzinfo=None)
    cycles = (_LAST_YEAR - PROBE_YEARS - naive.year) // _CALENDAR_CYCLE
    shifted = naive.replace(year=naive.year + cycles * _CALENDAR_CYCLE)
    probe = rule.replace(dtstart=shifted, until=None, count=None)
    first = probe.after(shifted, inc=True)
    limit = shifted.replace(year=min(shifted.year + PROBE_YEARS, _LAST_YEAR))
    if first is None or first > limit:
        raise RecurrenceError(
            _(
                "Upprepningsregeln ger inget tillfälle inom %(years)d år. Kontrollera dagar "
                "och månader i regeln."
            )
            % {"years": PROBE_YEARS},
            code="empty",
        )


def expand(
    rule: rrule,
    *,
    after: dt.datetime,
    inclusive: bool = False,
    limit: int = MAX_OCCURRENCES,
    until: dt.datetime | None = None,
) -> list[dt.datetime]:
    """Occurrences of ``rule`` (from ``parse``) after ``after`` (or at it, ``inclusive``),
    at most ``limit`` (capped at ``MAX_OCCURRENCES``), none later than ``until`` nor than
    ``HORIZON_YEARS`` after ``after``; stops early if ``TIME_BUDGET`` is spent."""
    limit = max(0, min(limit, MAX_OCCURRENCES))
    horizon = after + dt.timedelta(days=366 * HORIZON_YEARS)
    end = min(until, horizon) if until is not None else horizon
    deadline = time.monotonic() + TIME_BUDGET
    found: list[dt.datetime] = []
    if limit == 0:
        return found
    for occurrence in rule.xafter(after, inc=inclusive):
        if occurrence > end:
            break
        found.append(occurrence)
        if len(found) >= limit:
            break
        if time.monotonic() > deadline:
            log.warning("recurrence: time budget spent after %d occurrences", len(found))
            break
    return found
