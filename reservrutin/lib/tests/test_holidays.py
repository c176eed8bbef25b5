"""The Swedish holiday and working-day calendar (lag 1989:253 and lag 1930:173 2 §)."""

from __future__ import annotations

import datetime as dt

import pytest

from reservrutin.lib.holidays import (
    eves,
    holiday_name,
    is_public_holiday,
    is_workday,
    next_workday,
    public_holidays,
)

D = dt.date


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (D(2026, 1, 1), "Nyårsdagen"),
        (D(2026, 1, 6), "Trettondedag jul"),
        (D(2026, 4, 3), "Långfredagen"),
        (D(2026, 4, 5), "Påskdagen"),
        (D(2026, 4, 6), "Annandag påsk"),
        (D(2026, 5, 1), "Första maj"),
        (D(2026, 5, 14), "Kristi himmelsfärdsdag"),
        (D(2026, 5, 24), "Pingstdagen"),
        (D(2026, 6, 6), "Sveriges nationaldag"),
        (D(2026, 6, 20), "Midsommardagen"),
        (D(2026, 10, 31), "Alla helgons dag"),
        (D(2026, 12, 25), "Juldagen"),
        (D(2026, 12, 26), "Annandag jul"),
    ],
)
def test_it_lists_the_allmanna_helgdagar_of_2026(day: dt.date, name: str) -> None:
    assert public_holidays(2026)[day] == name
    assert holiday_name(day) == name
    assert is_public_holiday(day)
    assert not is_workday(day)


def test_it_places_midsummer_on_the_saturday_between_20_and_26_june() -> None:
    assert holiday_name(D(2026, 6, 19)) == "Midsommarafton"
    assert holiday_name(D(2026, 6, 20)) == "Midsommardagen"
    assert holiday_name(D(2025, 6, 20)) == "Midsommarafton"
    assert holiday_name(D(2025, 6, 21)) == "Midsommardagen"


def test_it_places_easter_2026_and_ascension() -> None:
    # Easter Sunday 2026 is 5 April; Ascension is the 6th Thursday after it (Easter + 39 days).
    assert holiday_name(D(2026, 4, 3)) == "Långfredagen"
    assert holiday_name(D(2026, 4, 6)) == "Annandag påsk"
    assert D(2026, 5, 14).weekday() == 3
    assert holiday_name(D(2026, 5, 14)) == "Kristi himmelsfärdsdag"


def test_it_places_all_saints_day_on_the_saturday_between_31_october_and_6_november() -> None:
    assert holiday_name(D(2026, 10, 31)) == "Alla helgons dag"
    assert holiday_name(D(2025, 11, 1)) == "Alla helgons dag"
    assert D(2026, 11, 1) not in public_holidays(2026)


def test_it_has_national_day_from_2005_and_annandag_pingst_before() -> None:
    assert holiday_name(D(2005, 6, 6)) == "Sveriges nationaldag"
    assert D(2004, 6, 6) not in public_holidays(2004)
    # Pingstdagen 2004 was 30 May, so annandag pingst was 31 May.
    assert holiday_name(D(2004, 5, 31)) == "Annandag pingst"
    assert "Annandag pingst" not in public_holidays(2026).values()


def test_it_does_not_call_the_eves_allmanna_helgdagar() -> None:
    for day in eves(2026):
        assert not is_public_holiday(day), day
    assert set(eves(2026).values()) == {"Midsommarafton", "Julafton", "Nyårsafton"}


@pytest.mark.parametrize(
    "day",
    [
        D(2026, 6, 19),  # midsommarafton (Friday)
        D(2026, 12, 24),  # julafton (Thursday)
        D(2026, 12, 31),  # nyårsafton (Thursday)
    ],
)
def test_it_treats_the_three_eves_as_non_workdays(day: dt.date) -> None:
    assert day.weekday() < 5
    assert not is_workday(day)


def test_it_treats_saturdays_and_sundays_as_non_workdays() -> None:
    assert not is_workday(D(2026, 3, 7))  # an ordinary Saturday
    assert not is_workday(D(2026, 3, 8))  # an ordinary Sunday
    assert is_public_holiday(D(2026, 3, 8))
    assert not is_public_holiday(D(2026, 3, 7))


def test_it_treats_an_ordinary_wednesday_as_a_workday() -> None:
    day = D(2026, 3, 11)
    assert day.weekday() == 2
    assert is_workday(day)
    assert holiday_name(day) is None


def test_it_does_not_treat_easter_eve_as_a_workday_because_it_is_a_saturday() -> None:
    # Påskafton is not one of lag 1930:173's eves; it falls on a Saturday anyway.
    assert holiday_name(D(2026, 4, 4)) is None
    assert not is_workday(D(2026, 4, 4))


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        # Wed 23 Dec 2026 -> julafton Thu, juldagen Fri, weekend, Mon 28 Dec.
        (D(2026, 12, 23), D(2026, 12, 28)),
        # Wed 30 Dec 2026 -> nyårsafton Thu, nyårsdagen Fri, weekend, Mon 4 Jan 2027.
        (D(2026, 12, 30), D(2027, 1, 4)),
        # Tue 23 Dec 2025 -> julafton Wed, juldagen Thu, annandag jul Fri, weekend, Mon 29 Dec.
        (D(2025, 12, 23), D(2025, 12, 29)),
        # Tue 30 Dec 2025 -> nyårsafton Wed, nyårsdagen Thu, Fri 2 Jan 2026 is a workday.
        (D(2025, 12, 30), D(2026, 1, 2)),
        # Thu 2 April 2026 -> långfredagen, påskafton, påskdagen, annandag påsk, Tue 7 April.
        (D(2026, 4, 2), D(2026, 4, 7)),
        # Thu 18 June 2026 -> midsommarafton, midsommardagen, Sunday, Mon 22 June.
        (D(2026, 6, 18), D(2026, 6, 22)),
        # An ordinary Friday -> Monday.
        (D(2026, 3, 13), D(2026, 3, 16)),
    ],
)
def test_it_finds_the_next_workday_across_holidays(day: dt.date, expected: dt.date) -> None:
    assert next_workday(day) == expected


def test_next_workday_is_strictly_after_a_workday() -> None:
    assert next_workday(D(2026, 3, 11)) == D(2026, 3, 12)
