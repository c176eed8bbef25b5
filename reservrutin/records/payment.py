"""The municipality's payment responsibility (betalningsansvar) for utskrivningsklara patients.

Pure functions, no database: the records app stores the times (SP-05, SP-06) and calls
these to show each unit when the municipality starts paying and what has accrued, which is
how a unit "watches payment responsibility during the outage" (SP-12). During an outage the
time of the phone call is the ready-for-discharge time (SP-06), so callers pass that, never
the later registration time in Lifecare SP.

The interpretation, step by step (also in docs/payment-responsibility.md):

1. **Notification day.** Take the notice instant in Europe/Stockholm time. If the rule has a
   cut-off and the notice was sent *at or after* it (Region Stockholm: "before 12:00" is the
   condition, so 12:00:00 is too late), the notification day is the next calendar day;
   otherwise it is the notice's own date. This day is "day 0".
2. **Grace days.** Count ``grace_days`` qualifying days: every calendar day, or only working
   days (``lib.holidays.is_workday``: not Saturday, Sunday, an allmän helgdag or one of the
   three eves of lag 1930:173). Counting starts on day 0 if ``day_zero_counts``, otherwise on
   day 1.
3. **Start.** Responsibility starts at Europe/Stockholm local midnight of the calendar day
   after the last counted grace day. It is therefore always after the notice.
4. **Accrual.** A payable day accrues at its local midnight if the patient is still in
   hospital then (midnight count, as vårddygn are counted) and the midnight is not after
   ``now``. The discharge day accrues only if the rule says so. Each day is priced by the
   Socialstyrelsen amount of its calendar year; a year without a sourced amount gives an
   explicit unknown amount, never a guess.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple
from zoneinfo import ZoneInfo

from reservrutin.lib.holidays import is_workday

STOCKHOLM = ZoneInfo("Europe/Stockholm")


class PaymentInputError(ValueError):
    """Times that cannot describe a real stay (for example discharge before ready)."""


class DayCounting(enum.StrEnum):
    CALENDAR = "calendar"
    WORKING = "working"


@dataclass(frozen=True, slots=True)
class PaymentRule:
    """When payment responsibility starts, as a regional agreement or the law sets it."""

    name: str
    grace_days: int
    counting: DayCounting = DayCounting.CALENDAR
    #: Whether the notification day itself is the first grace day.
    day_zero_counts: bool = False
    #: A notice sent at or after this local time counts from the next day.
    cut_off: dt.time | None = None
    #: Whether the day the patient leaves accrues (the patient began it in hospital).
    discharge_day_counts: bool = True
    #: Where the rule comes from: statute, agreement, URL.
    source: str = ""

    def __post_init__(self) -> None:
        # With zero grace days and day 0 counting, the start would be the midnight *before*
        # the notice; no agreement we know of asks for that, so refuse it.
        if self.grace_days < 1:
            raise ValueError("grace_days must be at least 1")


#: Lag (2017:612) 5 kap.: without an agreement, responsibility starts three calendar days
#: after the notice that the patient is utskrivningsklar. We read "after" as three whole
#: calendar days after the notification day (docs/payment-responsibility.md).
LAW_DEFAULT = PaymentRule(
    name="Lag (2017:612), tre kalenderdagar",
    grace_days=3,
    counting=DayCounting.CALENDAR,
    day_zero_counts=False,
    cut_off=None,
    source=(
        "Lag (2017:612) om samverkan vid utskrivning från sluten hälso- och sjukvård, 5 kap.; "
        "https://www.riksdagen.se/sv/dokument-och-lagar/dokument/svensk-forfattningssamling/"
        "lag-2017612-om-samverkan-vid-utskrivning-fran_sfs-2017-612/ ; "
        "https://www.jpinfonet.se/kunskap/nyheter4/"
        "lag-om-samverkan-vid-utskrivning-fran-sluten-halso--och-sjukvard/"
    ),
)

#: An example of a regional agreement in the style of Region Stockholm's somatic care:
#: two calendar days including day 0, if the notice was sent before 12:00. Agreements
#: change; administrators configure the real one.
STOCKHOLM_STYLE_EXAMPLE = PaymentRule(
    name="Exempel: Region Stockholm, sluten somatisk vård",
    grace_days=2,
    counting=DayCounting.CALENDAR,
    day_zero_counts=True,
    cut_off=dt.time(12, 0),
    source=(
        "https://psykiatristod.se/vagledningsdokument/gemensamt-rutin-for-samverkan-vid-"
        "utskrivning-fran-psykiatrisk-heldygnsvard/det-kommunala-betalningsansvaret"
    ),
)


@dataclass(frozen=True, slots=True)
class DailyAmount:
    """What a municipality pays per vårddygn in ``year`` when no other amount is agreed."""

    year: int
    amount_sek: int
    #: The HSLF-FS that sets it, or "" where our source does not name it.
    regulation: str
    source_url: str


#: Socialstyrelsen's amounts (förordning 2017:617), only the years we have a source for.
#: Missing years are unknown on purpose: see docs/payment-responsibility.md.
SOCIALSTYRELSEN_AMOUNTS: tuple[DailyAmount, ...] = (
    DailyAmount(2019, 7_800, "HSLF-FS 2018:67", "https://lagen.nu/hslf-fs/2018:67"),
    DailyAmount(
        2020,
        8_200,
        "",
        "https://www.vastkom.se/gits/nyhetsarkiv/nyhetsarkivsamsa/aktuelltsamsa/"
        "informationavseendeersattningsbeloppforutskrivningsklarapatientersamtberakningav"
        "betalningsansvarforpatienterinompsykiatriskvard.5.50cc920016fa8c77c583125e.html",
    ),
    DailyAmount(
        2022,
        9_300,
        "",
        "https://xn--vrdsamverkanskne-dobn.se/2021/12/14/belopp-for-vard-av-utskrivningsklara-patienter/",
    ),
    DailyAmount(
        2023,
        10_500,
        "HSLF-FS 2022:60",
        "https://www.socialstyrelsen.se/publikationer/hslf-fs-202260-socialstyrelsens-"
        "foreskrifter-om-belopp-for-vard-av-utskrivningsklara-patienter-for-ar-2023--2022-11-8255/",
    ),
)


class AccruedDay(NamedTuple):
    """One payable day. ``amount_sek`` is None when the year's amount is unknown."""

    day: dt.date
    amount_sek: int | None


@dataclass(frozen=True, slots=True)
class Totals:
    days: int
    #: The sum over days whose amount is known.
    known_sek: int
    #: Years with payable days but no amount: the total is incomplete while this is non-empty.
    unknown_years: tuple[int, ...]

    @property
    def is_complete(self) -> bool:
        return not self.unknown_years

    def describe(self) -> str:
        """A Swedish one-liner that never hides an unknown amount behind a number."""
        kronor = f"{self.known_sek:,}".replace(",", " ")  # Swedish digit grouping
        text = f"{self.days} dygn, {kronor} kr"
        if self.unknown_years:
            years = ", ".join(str(year) for year in self.unknown_years)
            text += f" (beloppet per dygn är okänt för år {years}; summan är ofullständig)"
        return text


# --- the calculation ----------------------------------------------------------------------


def _require_aware(name: str, value: dt.datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise PaymentInputError(f"{name} måste ha en tidszon (aware datetime).")


def _midnight(day: dt.date) -> dt.datetime:
    # Swedish DST switches at 02:00/03:00, so local midnight always exists and is unique.
    return dt.datetime.combine(day, dt.time(0), tzinfo=STOCKHOLM)


def notification_day(ready_at: dt.datetime, rule: PaymentRule) -> dt.date:
    """Day 0: the local date of the notice, or the next day if sent at or after the cut-off."""
    _require_aware("ready_at", ready_at)
    local = ready_at.astimezone(STOCKHOLM)
    if rule.cut_off is not None and local.time() >= rule.cut_off:
        return local.date() + dt.timedelta(days=1)
    return local.date()


def _qualifies(day: dt.date, rule: PaymentRule) -> bool:
    return rule.counting == DayCounting.CALENDAR or is_workday(day)


def responsibility_starts_at(ready_at: dt.datetime, rule: PaymentRule) -> dt.datetime:
    """The instant the municipality's payment responsibility starts (SP-06).

    ``ready_at`` is when the ward notified that the patient is utskrivningsklar; during an
    outage that is the time of the phone call (SP-06). The result is Europe/Stockholm local
    midnight of the first payable day, computed as in the module docstring: day 0 from the
    cut-off, ``grace_days`` qualifying days counted from day 0 or day 1, and the start is
    the midnight after the last of them. Always strictly after ``ready_at``.
    """
    day = notification_day(ready_at, rule)
    if not rule.day_zero_counts:
        day += dt.timedelta(days=1)
    counted = 0
    while True:
        if _qualifies(day, rule):
            counted += 1
            if counted == rule.grace_days:
                return _midnight(day + dt.timedelta(days=1))
        day += dt.timedelta(days=1)


def amount_for(year: int, amounts: Iterable[DailyAmount]) -> DailyAmount | None:
    """The amount for ``year``, or None: an unknown year is never filled in with a guess."""
    for amount in amounts:
        if amount.year == year:
            return amount
    return None


def accrued(
    ready_at: dt.datetime,
    discharged_at: dt.datetime | None,
    now: dt.datetime,
    rule: PaymentRule,
    amounts: Iterable[DailyAmount] = SOCIALSTYRELSEN_AMOUNTS,
    *,
    admitted_at: dt.datetime | None = None,
) -> list[AccruedDay]:
    """The payable days so far, each with its amount (None when the year's is unknown).

    A day accrues at its local midnight, from the start of responsibility on, while the
    patient is still in hospital and the midnight is not after ``now``. The discharge day
    is dropped unless ``rule.discharge_day_counts``. Raises ``PaymentInputError`` when the
    times contradict each other (discharge before ready or admission, ready before
    admission).
    """
    _require_aware("ready_at", ready_at)
    _require_aware("now", now)
    if admitted_at is not None:
        _require_aware("admitted_at", admitted_at)
        if ready_at < admitted_at:
            raise PaymentInputError("Utskrivningsklar kan inte vara före inskrivningen.")
    if discharged_at is not None:
        _require_aware("discharged_at", discharged_at)
        if admitted_at is not None and discharged_at < admitted_at:
            raise PaymentInputError("Utskrivningen kan inte vara före inskrivningen.")
        if discharged_at < ready_at:
            raise PaymentInputError(
                "Utskrivningen kan inte vara före tidpunkten för utskrivningsklar."
            )

    by_year = {amount.year: amount for amount in amounts}
    last_instant = now if discharged_at is None else min(now, discharged_at)
    discharge_day = discharged_at.astimezone(STOCKHOLM).date() if discharged_at else None
    result: list[AccruedDay] = []
    day = responsibility_starts_at(ready_at, rule).astimezone(STOCKHOLM).date()
    while _midnight(day) <= last_instant:
        # At a discharge exactly at midnight the patient is gone; that day does not accrue.
        if discharged_at is not None and _midnight(day) >= discharged_at:
            break
        if day == discharge_day and not rule.discharge_day_counts:
            break
        amount = by_year.get(day.year)
        result.append(AccruedDay(day, amount.amount_sek if amount else None))
        day += dt.timedelta(days=1)
    return result


def totals(days: Iterable[AccruedDay]) -> Totals:
    """Sum ``accrued(...)``; years without an amount are listed, not priced."""
    count = 0
    known = 0
    unknown: set[int] = set()
    for accrued_day in days:
        count += 1
        if accrued_day.amount_sek is None:
            unknown.add(accrued_day.day.year)
        else:
            known += accrued_day.amount_sek
    return Totals(days=count, known_sek=known, unknown_years=tuple(sorted(unknown)))
