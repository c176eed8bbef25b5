"""Payment responsibility for utskrivningsklara patients (SP-06, SP-12; lag 2017:612)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from reservrutin.lib.holidays import is_workday
from reservrutin.records.payment import (
    LAW_DEFAULT,
    SOCIALSTYRELSEN_AMOUNTS,
    STOCKHOLM,
    STOCKHOLM_STYLE_EXAMPLE,
    AccruedDay,
    DailyAmount,
    DayCounting,
    PaymentInputError,
    PaymentRule,
    accrued,
    amount_for,
    notification_day,
    responsibility_starts_at,
    totals,
)

THREE_WORKING_DAYS = PaymentRule(
    name="Test: tre vardagar", grace_days=3, counting=DayCounting.WORKING
)


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """A Swedish wall-clock instant."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM)


def starts(rule: PaymentRule, ready_at: dt.datetime) -> dt.datetime:
    return responsibility_starts_at(ready_at, rule)


# --- SP-06 and SP-12 ----------------------------------------------------------------------


def test_sp_06_ready_time_from_phone_call_starts_the_clock() -> None:
    """SP-06: during the outage the time of the call is the ready-for-discharge time.

    The ward phones at 11:40 on Monday; Lifecare SP is back and the entry is made on
    Tuesday at 09:00. The clock runs from the call, so under a Stockholm-style agreement
    (before 12:00, two days including day 0) the municipality pays from Wednesday.
    """
    call = at(2026, 3, 9, 11, 40)
    registered_in_sp = at(2026, 3, 10, 9, 0)
    assert starts(STOCKHOLM_STYLE_EXAMPLE, call) == at(2026, 3, 11)
    assert starts(STOCKHOLM_STYLE_EXAMPLE, registered_in_sp) == at(2026, 3, 12)


def test_sp_06_a_call_after_the_cut_off_counts_from_the_next_day() -> None:
    """SP-06 with a cut-off: the same call at 12:00 counts from Tuesday."""
    assert notification_day(at(2026, 3, 9, 11, 59), STOCKHOLM_STYLE_EXAMPLE) == dt.date(2026, 3, 9)
    assert notification_day(at(2026, 3, 9, 12, 0), STOCKHOLM_STYLE_EXAMPLE) == dt.date(2026, 3, 10)
    assert starts(STOCKHOLM_STYLE_EXAMPLE, at(2026, 3, 9, 12, 0)) == at(2026, 3, 12)


def test_sp_12_unit_watches_accrued_payment_during_the_outage() -> None:
    """SP-12: the unit sees, day by day, what has accrued since the call."""
    call = at(2023, 5, 8, 10, 0)  # Monday; law default: pays from Friday 12 May
    assert accrued(call, None, at(2023, 5, 11, 23, 59), LAW_DEFAULT) == []
    assert accrued(call, None, at(2023, 5, 12, 0, 0), LAW_DEFAULT) == [
        AccruedDay(dt.date(2023, 5, 12), 10_500)
    ]
    so_far = accrued(call, None, at(2023, 5, 14, 8, 0), LAW_DEFAULT)
    assert [d.day.day for d in so_far] == [12, 13, 14]
    assert totals(so_far).known_sek == 31_500
    assert totals(so_far).describe() == "3 dygn, 31 500 kr"


# --- the law default and the Stockholm-style example ----------------------------------------


def test_law_default_starts_after_three_whole_calendar_days() -> None:
    # Notice on Monday: Tuesday, Wednesday and Thursday are free; Friday is payable.
    assert starts(LAW_DEFAULT, at(2026, 3, 9, 10, 0)) == at(2026, 3, 13)
    assert starts(LAW_DEFAULT, at(2026, 3, 9, 23, 59)) == at(2026, 3, 13)
    # Calendar days do not skip Christmas.
    assert starts(LAW_DEFAULT, at(2026, 12, 23, 9, 0)) == at(2026, 12, 27)


def test_law_default_cites_lag_2017_612() -> None:
    assert "2017:612" in LAW_DEFAULT.source
    assert "riksdagen.se" in LAW_DEFAULT.source
    assert "psykiatristod.se" in STOCKHOLM_STYLE_EXAMPLE.source


def test_the_start_is_local_midnight_across_daylight_saving_time() -> None:
    # Summer time begins 29 March 2026; Monday 30 March midnight is +02:00.
    start = starts(LAW_DEFAULT, at(2026, 3, 26, 15, 0))
    assert start == at(2026, 3, 30)
    assert start.utcoffset() == dt.timedelta(hours=2)
    assert start.astimezone(dt.UTC) == dt.datetime(2026, 3, 29, 22, 0, tzinfo=dt.UTC)


def test_it_accepts_ready_times_in_utc() -> None:
    # 10:30 UTC is 11:30 in Stockholm in winter: before the cut-off.
    utc = dt.datetime(2026, 3, 9, 10, 30, tzinfo=dt.UTC)
    assert starts(STOCKHOLM_STYLE_EXAMPLE, utc) == at(2026, 3, 11)
    # 11:30 UTC is 12:30: after the cut-off.
    assert starts(STOCKHOLM_STYLE_EXAMPLE, utc + dt.timedelta(hours=1)) == at(2026, 3, 12)


def test_it_rejects_naive_times() -> None:
    with pytest.raises(PaymentInputError):
        starts(LAW_DEFAULT, dt.datetime(2026, 3, 9, 10, 0))


def test_a_rule_needs_at_least_one_grace_day() -> None:
    with pytest.raises(ValueError, match="grace_days"):
        PaymentRule(name="noll", grace_days=0, day_zero_counts=True)


# --- working-day counting ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ready_at", "start"),
    [
        # Thursday before midsummer: midsommarafton, the weekend are skipped; Mon–Wed count.
        (at(2026, 6, 18, 10, 0), at(2026, 6, 25)),
        # 23 Dec 2026: julafton, juldagen, weekend skipped; Mon 28–Wed 30 count.
        (at(2026, 12, 23, 10, 0), at(2026, 12, 31)),
        # 29 Dec 2026: Wed 30, then nyårsafton, nyårsdagen and the weekend are skipped;
        # Mon 4 and Tue 5 Jan count. Payable days are calendar days, so trettondedag jul
        # (Wed 6 Jan) is the first payable day although it is a holiday.
        (at(2026, 12, 29, 10, 0), at(2027, 1, 6)),
        # Thursday before Easter 2026: långfredagen 3 April to annandag påsk 6 April skipped.
        (at(2026, 4, 2, 10, 0), at(2026, 4, 10)),
        # Friday afternoon: the weekend is skipped; Mon–Wed count.
        (at(2026, 3, 13, 15, 0), at(2026, 3, 19)),
        # An ordinary Monday: Tue–Thu count.
        (at(2026, 3, 9, 10, 0), at(2026, 3, 13)),
    ],
)
def test_working_day_counting_skips_weekends_and_swedish_holidays(
    ready_at: dt.datetime, start: dt.datetime
) -> None:
    assert starts(THREE_WORKING_DAYS, ready_at) == start


def test_a_friday_afternoon_notice_after_the_cut_off_loses_the_friday() -> None:
    rule = PaymentRule(
        name="tre vardagar inkl. dag 0, före 12",
        grace_days=3,
        counting=DayCounting.WORKING,
        day_zero_counts=True,
        cut_off=dt.time(12, 0),
    )
    # Before 12: Friday, Monday, Tuesday count -> Wednesday.
    assert starts(rule, at(2026, 3, 13, 11, 0)) == at(2026, 3, 18)
    # After 12: day 0 is Saturday, not a working day; Mon–Wed count -> Thursday.
    assert starts(rule, at(2026, 3, 13, 15, 0)) == at(2026, 3, 19)


def test_day_zero_counts_only_if_it_is_a_working_day() -> None:
    rule = PaymentRule(
        name="två vardagar inkl. dag 0",
        grace_days=2,
        counting=DayCounting.WORKING,
        day_zero_counts=True,
    )
    # Midsommarafton is day 0 but no working day: Mon 22 and Tue 23 June count.
    assert starts(rule, at(2026, 6, 19, 9, 0)) == at(2026, 6, 24)


# --- accrual and amounts ----------------------------------------------------------------------


def test_discharge_before_ready_is_rejected() -> None:
    with pytest.raises(PaymentInputError, match="före tidpunkten för utskrivningsklar"):
        accrued(at(2026, 3, 9, 10), at(2026, 3, 9, 9), at(2026, 3, 20), LAW_DEFAULT)


def test_discharge_or_ready_before_admission_is_rejected() -> None:
    admitted = at(2026, 3, 5, 10)
    with pytest.raises(PaymentInputError, match="före inskrivningen"):
        accrued(at(2026, 3, 4), None, at(2026, 3, 20), LAW_DEFAULT, admitted_at=admitted)
    with pytest.raises(PaymentInputError, match="före inskrivningen"):
        accrued(
            at(2026, 3, 5, 9),
            at(2026, 3, 5, 9, 30),
            at(2026, 3, 20),
            LAW_DEFAULT,
            admitted_at=admitted,
        )


def test_it_stops_accruing_at_discharge() -> None:
    ready = at(2023, 5, 8, 10)  # pays from Friday 12 May
    # Discharged Sunday 14 May at 11:00: Fri, Sat and Sun began in hospital.
    days = accrued(ready, at(2023, 5, 14, 11), at(2023, 6, 1), LAW_DEFAULT)
    assert [d.day for d in days] == [
        dt.date(2023, 5, 12),
        dt.date(2023, 5, 13),
        dt.date(2023, 5, 14),
    ]
    # A rule that does not count the discharge day drops Sunday.
    rule = PaymentRule(name="utan utskrivningsdag", grace_days=3, discharge_day_counts=False)
    assert len(accrued(ready, at(2023, 5, 14, 11), at(2023, 6, 1), rule)) == 2
    # Discharged exactly at midnight: the patient did not begin that day in hospital.
    assert len(accrued(ready, at(2023, 5, 14), at(2023, 6, 1), LAW_DEFAULT)) == 2
    # Discharged before the start: nothing accrues.
    assert accrued(ready, at(2023, 5, 11, 16), at(2023, 6, 1), LAW_DEFAULT) == []


def test_amounts_come_from_the_sourced_years_only() -> None:
    assert [a.year for a in SOCIALSTYRELSEN_AMOUNTS] == [2019, 2020, 2022, 2023]
    assert amount_for(2019, SOCIALSTYRELSEN_AMOUNTS) == DailyAmount(
        2019, 7_800, "HSLF-FS 2018:67", "https://lagen.nu/hslf-fs/2018:67"
    )
    assert amount_for(2023, SOCIALSTYRELSEN_AMOUNTS).regulation == "HSLF-FS 2022:60"  # type: ignore[union-attr]
    for year in (2018, 2021, 2024, 2025, 2026):
        assert amount_for(year, SOCIALSTYRELSEN_AMOUNTS) is None
    for amount in SOCIALSTYRELSEN_AMOUNTS:
        assert amount.source_url.startswith("https://")


def test_it_prices_each_day_by_its_own_year() -> None:
    # Ready Mon 26 Dec 2022 -> pays from Fri 30 Dec 2022.
    days = accrued(at(2022, 12, 26, 10), None, at(2023, 1, 2, 6), LAW_DEFAULT)
    assert days == [
        AccruedDay(dt.date(2022, 12, 30), 9_300),
        AccruedDay(dt.date(2022, 12, 31), 9_300),
        AccruedDay(dt.date(2023, 1, 1), 10_500),
        AccruedDay(dt.date(2023, 1, 2), 10_500),
    ]
    assert totals(days).known_sek == 39_600
    assert totals(days).is_complete


def test_a_missing_year_is_an_explicit_unknown_amount_not_a_guess() -> None:
    # Ready Tue 26 Dec 2023 -> pays from Sat 30 Dec 2023; 2024 has no sourced amount.
    days = accrued(at(2023, 12, 26, 10), None, at(2024, 1, 1, 6), LAW_DEFAULT)
    assert days[-1] == AccruedDay(dt.date(2024, 1, 1), None)
    summary = totals(days)
    assert (summary.days, summary.known_sek, summary.unknown_years) == (3, 21_000, (2024,))
    assert not summary.is_complete
    assert "okänt för år 2024" in summary.describe()
    # 2021 lies between two sourced years and is still not interpolated.
    assert accrued(at(2021, 3, 1, 10), None, at(2021, 3, 6), LAW_DEFAULT)[0].amount_sek is None


def test_an_agreed_amount_can_replace_socialstyrelsens() -> None:
    agreed = [DailyAmount(2026, 5_000, "Överenskommelse 2026", "https://example.org/avtal")]
    days = accrued(at(2026, 3, 9, 10), None, at(2026, 3, 13, 1), LAW_DEFAULT, agreed)
    assert days == [AccruedDay(dt.date(2026, 3, 13), 5_000)]


# --- properties -------------------------------------------------------------------------------

instants = st.datetimes(
    min_value=dt.datetime(2018, 1, 1),
    max_value=dt.datetime(2030, 12, 31),
    timezones=st.just(dt.UTC),
)
# Hour 2 is left out: on the spring-forward day 02:xx does not exist in Stockholm.
cut_offs = st.none() | st.builds(
    dt.time, hour=st.sampled_from([h for h in range(24) if h != 2]), minute=st.integers(0, 59)
)
rules = st.builds(
    PaymentRule,
    name=st.just("genererad"),
    grace_days=st.integers(min_value=1, max_value=10),
    counting=st.sampled_from(DayCounting),
    day_zero_counts=st.booleans(),
    cut_off=cut_offs,
    discharge_day_counts=st.booleans(),
)


@given(ready_at=instants, rule=rules)
def test_responsibility_never_starts_before_the_notification(
    ready_at: dt.datetime, rule: PaymentRule
) -> None:
    start = starts(rule, ready_at)
    assert start > ready_at
    local = start.astimezone(STOCKHOLM)
    assert local.time() == dt.time(0)


@given(a=instants, b=instants, rule=rules)
def test_a_later_notification_never_starts_earlier(
    a: dt.datetime, b: dt.datetime, rule: PaymentRule
) -> None:
    early, late = sorted((a, b))
    assert starts(rule, early) <= starts(rule, late)


@given(
    day=st.dates(min_value=dt.date(2018, 1, 1), max_value=dt.date(2030, 12, 31)),
    rule=rules,
)
def test_a_notice_just_after_the_cut_off_never_starts_earlier(
    day: dt.date, rule: PaymentRule
) -> None:
    assume(rule.cut_off is not None)
    assert rule.cut_off is not None
    at_cut_off = dt.datetime.combine(day, rule.cut_off, tzinfo=STOCKHOLM)
    just_after = at_cut_off + dt.timedelta(minutes=1)
    assert starts(rule, just_after) >= starts(rule, at_cut_off)
    just_before = at_cut_off - dt.timedelta(minutes=1)
    assert starts(rule, just_before) <= starts(rule, at_cut_off)


@given(ready_at=instants, rule=rules)
def test_working_day_rules_count_exactly_grace_days_working_days(
    ready_at: dt.datetime, rule: PaymentRule
) -> None:
    assume(rule.counting == DayCounting.WORKING)
    first = notification_day(ready_at, rule)
    if not rule.day_zero_counts:
        first += dt.timedelta(days=1)
    start_day = starts(rule, ready_at).astimezone(STOCKHOLM).date()
    window = [first + dt.timedelta(days=n) for n in range((start_day - first).days)]
    assert sum(1 for d in window if is_workday(d)) == rule.grace_days
    assert is_workday(window[-1])


@given(ready_at=instants, rule=rules)
def test_calendar_rules_count_grace_days_calendar_days(
    ready_at: dt.datetime, rule: PaymentRule
) -> None:
    assume(rule.counting == DayCounting.CALENDAR)
    first = notification_day(ready_at, rule)
    start_day = starts(rule, ready_at).astimezone(STOCKHOLM).date()
    offset = 0 if rule.day_zero_counts else 1
    assert (start_day - first).days == rule.grace_days + offset


@given(
    ready_at=instants,
    rule=rules,
    before=st.integers(min_value=1, max_value=10 * 24 * 60),
)
def test_nothing_accrues_before_the_start(
    ready_at: dt.datetime, rule: PaymentRule, before: int
) -> None:
    start = starts(rule, ready_at)
    now = max(ready_at, start - dt.timedelta(minutes=before))
    assert accrued(ready_at, None, now, rule) == []


@given(
    ready_at=instants,
    rule=rules,
    k=st.integers(min_value=0, max_value=400),
    minutes_into_day=st.integers(min_value=0, max_value=22 * 60),
)
def test_accrued_days_grow_by_one_per_day_after_the_start(
    ready_at: dt.datetime, rule: PaymentRule, k: int, minutes_into_day: int
) -> None:
    start_day = starts(rule, ready_at).astimezone(STOCKHOLM).date()
    day_k = start_day + dt.timedelta(days=k)
    now = dt.datetime.combine(day_k, dt.time(0), tzinfo=STOCKHOLM) + dt.timedelta(
        minutes=minutes_into_day
    )
    days = accrued(ready_at, None, now, rule)
    assert len(days) == k + 1
    assert [d.day for d in days] == [start_day + dt.timedelta(days=n) for n in range(k + 1)]
    for accrued_day in days:
        expected = amount_for(accrued_day.day.year, SOCIALSTYRELSEN_AMOUNTS)
        assert accrued_day.amount_sek == (expected.amount_sek if expected else None)


@given(ready_at=instants, rule=rules, back=st.integers(min_value=1, max_value=10**6))
def test_any_discharge_before_ready_is_rejected(
    ready_at: dt.datetime, rule: PaymentRule, back: int
) -> None:
    with pytest.raises(PaymentInputError):
        accrued(ready_at, ready_at - dt.timedelta(seconds=back), ready_at, rule)
