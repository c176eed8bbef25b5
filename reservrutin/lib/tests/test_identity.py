"""Swedish patient identifiers (SP-04: the ward phones the personnummer during an outage)."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging

import pytest
from django import forms
from django.core.exceptions import ValidationError
from hypothesis import assume, given
from hypothesis import strategies as st

from reservrutin.lib.identity import (
    IdentifierKind,
    PatientIdentifier,
    PatientIdentifierField,
    PatientIdentifierValidator,
    luhn_check_digit,
    mask,
    parse_identifier,
    redact,
    redactions,
)

TODAY = dt.date(2026, 3, 1)
K = IdentifierKind


def parse(text: object, **kwargs: object) -> PatientIdentifier:
    return parse_identifier(text, today=TODAY, **kwargs)  # type: ignore[arg-type]


def code_of(text: object, **kwargs: object) -> str:
    with pytest.raises(ValidationError) as info:
        parse(text, **kwargs)
    return info.value.code or ""


# --- known valid numbers ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "value", "born"),
    [
        # Skatteverket's own example: a man born 3 Oct 1970, individnummer 239.
        ("701063-2391", K.SAMORDNINGSNUMMER, "197010632391", dt.date(1970, 10, 3)),
        ("19701063-2391", K.SAMORDNINGSNUMMER, "197010632391", dt.date(1970, 10, 3)),
        ("197010632391", K.SAMORDNINGSNUMMER, "197010632391", dt.date(1970, 10, 3)),
        ("19121212-1212", K.PERSONNUMMER, "191212121212", dt.date(1912, 12, 12)),
        ("121212+1212", K.PERSONNUMMER, "191212121212", dt.date(1912, 12, 12)),
        ("121212-1212", K.PERSONNUMMER, "201212121212", dt.date(2012, 12, 12)),
        ("811228-9874", K.PERSONNUMMER, "198112289874", dt.date(1981, 12, 28)),
        ("8112289874", K.PERSONNUMMER, "198112289874", dt.date(1981, 12, 28)),
        (" 670919-9530 ", K.PERSONNUMMER, "196709199530", dt.date(1967, 9, 19)),
        ("670919 9530", K.PERSONNUMMER, "196709199530", dt.date(1967, 9, 19)),
    ],
)
def test_it_accepts_known_valid_numbers(
    text: str, kind: IdentifierKind, value: str, born: dt.date
) -> None:
    identifier = parse(text)
    assert identifier.kind == kind
    assert identifier.value == value
    assert identifier.birth_date == born


def test_it_gives_personnummer_and_samordningsnummer_their_oids() -> None:
    assert parse("19121212-1212").oid == "1.2.752.129.2.1.3.1"
    assert parse("701063-2391").oid == "1.2.752.129.2.1.3.3"


# --- known invalid numbers ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("19121212-1213", "checksum"),  # wrong check digit
        ("701063-2392", "checksum"),
        ("19700230-1234", "date"),  # 30 February
        ("700230-1234", "date"),
        ("19700100-1234", "date"),  # day 00
        ("19701300-1234", "date"),  # month 13
        ("19700192-1234", "date"),  # samordningsnummer day 92 = 32nd
        ("701063-0009", "serial"),  # födelsenummer 000 (check digit would otherwise be right)
        ("17121212-1212", "century"),
        ("20270101-1234", "future"),
        ("260501-1234", "future_short"),  # 1 May 2026 is after TODAY, and no + was given
        ("19811228+9874", "plus"),  # + is for those turning 100 this year or older
        ("", "format"),
        ("12345", "format"),
        ("19121212--1212", "format"),
        ("1912121212123", "format"),
    ],
)
def test_it_rejects_known_invalid_numbers(text: str, code: str) -> None:
    assert code_of(text) == code


def test_it_explains_errors_in_swedish() -> None:
    with pytest.raises(ValidationError) as info:
        parse("19121212-1213")
    assert info.value.messages[0].startswith("Kontrollsiffran stämmer inte")
    with pytest.raises(ValidationError) as info:
        parse("19700230-1234")
    assert info.value.messages[0].startswith("Datumet i numret finns inte")


def test_it_accepts_a_plus_in_the_year_of_the_100th_birthday() -> None:
    # Born 1 December 1926: in 2026 the separator is + already from 1 January.
    number = "261201" + "123"
    number += luhn_check_digit(number)
    identifier = parse(number[:6] + "+" + number[6:])
    assert identifier.birth_date == dt.date(1926, 12, 1)


# --- reserve numbers ----------------------------------------------------------------------


def test_it_accepts_the_inera_example_reserve_numbers() -> None:
    stockholm = parse("991981000010")
    assert (stockholm.kind, stockholm.oid) == (K.STOCKHOLM_RESERVE, "1.2.752.97.3.1.3")
    assert stockholm.mask() == "991981-******"
    vgr = parse("19810829M071")
    assert (vgr.kind, vgr.birth_date) == (K.VGR_RESERVE, dt.date(1981, 8, 29))
    assert parse("19810829-m071").value == "19810829M071"
    assert parse("198108320014").kind == K.CARELINK_RESERVE


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("991981000011", "checksum"),
        ("991979000010", "stockholm_year"),
        ("19810829M072", "checksum"),
        ("19810829M081", "vgr_series"),  # M needs an odd series
        ("19810829K071", "vgr_series"),  # K needs an even series
        ("19810829X071", "vgr_series"),  # X needs 80–89
        ("19810230M071", "date"),
        ("198108320015", "checksum"),
        ("198113320014", "date"),
    ],
)
def test_it_rejects_broken_reserve_numbers(text: str, code: str) -> None:
    assert code_of(text) == code


def nrid(prefix: str) -> str:
    """Complete an 11-character NRID prefix with its check digit (letters as ASCII codes)."""
    digits = "".join(c if c.isdigit() else str(ord(c)) for c in prefix)
    return prefix + luhn_check_digit(digits)


def test_it_accepts_national_reserve_numbers_with_and_without_birth_date() -> None:
    known = parse(nrid("22810829AB1"))
    assert known.kind == K.NATIONAL_RESERVE
    assert known.oid == "1.2.752.74.9.1"
    assert known.birth_date == dt.date(1981, 8, 29)
    assert parse(nrid("23100101CD2")).birth_date == dt.date(2010, 1, 1)
    assert parse(nrid("25810829AB1")).birth_date == dt.date(1981, 8, 29)  # second series
    unknown = parse(nrid("00002045XYZ"))  # unknown date and gender
    assert unknown.birth_date is None


@pytest.mark.parametrize(
    ("prefix", "code"),
    [
        ("22810829AI1", "nrid_letters"),  # I is excluded
        ("22810829ABV", "nrid_letters"),  # V is excluded as a gender letter too
        ("00001045AB1", "nrid_unknown_date"),  # unknown date needs month 20–99
        ("22810230AB1", "date"),
        ("24300101AB1", "future"),  # 24 = 21st century, first series
    ],
)
def test_it_rejects_broken_national_reserve_numbers(prefix: str, code: str) -> None:
    assert code_of(nrid(prefix)) == code


def test_it_rejects_a_national_reserve_number_with_a_wrong_check_digit() -> None:
    good = nrid("22810829AB1")
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    assert code_of(bad) == "checksum"


def test_it_accepts_a_regional_reserve_number_per_socialstyrelsen_with_its_issuer() -> None:
    identifier = parse("19810829-AB12", issuer=" Region Skåne ")
    assert identifier.kind == K.REGIONAL_RESERVE
    assert identifier.issuer == "Region Skåne"
    assert identifier.birth_date == dt.date(1981, 8, 29)
    assert identifier.oid is None
    assert parse("810829ab12").value == "19810829AB12"
    # Region Värmland's yyyymmddABNC fits the recommendation too.
    assert parse("19810829SF1A").kind == K.REGIONAL_RESERVE


@pytest.mark.parametrize(
    ("text", "kind", "code"),
    [
        ("19810829-1234", K.REGIONAL_RESERVE, "reserve_letter"),  # no letter in the last four
        ("1981082A-AB12", None, "reserve_letter"),  # not a birth date
        ("19810230-AB12", None, "date"),
        ("20300101-AB12", None, "future"),
    ],
)
def test_it_rejects_regional_reserve_numbers_without_date_or_letter(
    text: str, kind: IdentifierKind | None, code: str
) -> None:
    assert code_of(text, kind=kind) == code


def test_it_does_not_give_a_personnummer_an_issuer() -> None:
    assert parse("19121212-1212", issuer="Region Skåne").issuer == ""


def test_it_limits_the_accepted_kinds() -> None:
    with pytest.raises(ValidationError) as info:
        parse("991981000010", allowed=[K.PERSONNUMMER, K.SAMORDNINGSNUMMER])
    assert info.value.code == "kind_not_allowed"
    assert "Region Stockholm" in info.value.messages[0]


# --- masking ------------------------------------------------------------------------------


def test_it_masks_the_number_in_str_repr_and_logs(caplog: pytest.LogCaptureFixture) -> None:
    identifier = parse("701063-2391")
    assert identifier.mask() == "19701063-****"
    assert str(identifier) == "19701063-****"
    assert "2391" not in repr(identifier)
    assert f"{identifier}" == "19701063-****"
    with caplog.at_level(logging.INFO):
        logging.getLogger("test").info("registered %s", identifier)
    assert "2391" not in caplog.text
    assert identifier.full() == "19701063-2391"


def test_it_masks_raw_strings_and_redacts_free_text() -> None:
    assert mask("19701063-2391") == "19701063-****"
    assert mask("701063-2391") == "701063-****"
    assert mask("123") == "****"
    text = "Ring om 19121212-1212 och 701063-2391 på 0920-28 40 00."
    assert redact(text) == "Ring om 19121212-**** och 701063-**** på 0920-28 40 00."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("191212121212", "19121212-****"),
        ("Patient 19850315 2384 ringde", "Patient 19850315-**** ringde"),
        ("121212-1212", "121212-****"),
        ("Reservnummer 20260101-AB12", "Reservnummer 20260101-****"),
        ("991985123455", "99198512-****"),
        # Ten bare digits are a phone number unless the check digit says otherwise.
        ("Ring 0701234567", "Ring 0701234567"),
        ("Ring 1212121212", "Ring 121212-****"),
        ("Kl. 10:00-12:00 den 2026-12-01", "Kl. 10:00-12:00 den 2026-12-01"),
        ("Ordernummer 12345678-1234", "Ordernummer 12345678-1234"),
        # Our own links and codes stay usable (signed tokens, UUIDs).
        ("https://x.example/a/19121212-1212/", "https://x.example/a/19121212-1212/"),
        ("20121212-1234-4234-8234-123456789012", "20121212-1234-4234-8234-123456789012"),
    ],
)
def test_redact_masks_identity_numbers_but_not_phone_numbers_links_or_codes(
    text: str, expected: str
) -> None:
    assert redact(text) == expected


def test_redactions_say_what_will_be_masked() -> None:
    assert redactions("A 19121212-1212, B 0920-28 40 00") == [("19121212-1212", "19121212-****")]
    assert redactions("") == []


# --- Django form field and validator ------------------------------------------------------


class PatientForm(forms.Form):
    patient = PatientIdentifierField(today=lambda: TODAY)


def test_the_form_field_cleans_to_an_identifier() -> None:
    form = PatientForm(data={"patient": "701063-2391"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["patient"] == PatientIdentifier(K.SAMORDNINGSNUMMER, "197010632391")


def test_the_form_field_shows_swedish_errors() -> None:
    form = PatientForm(data={"patient": "19121212-1213"})
    assert not form.is_valid()
    assert form.errors["patient"][0].startswith("Kontrollsiffran stämmer inte")
    form = PatientForm(data={"patient": ""})
    assert not form.is_valid()


def test_the_form_field_turns_off_autocomplete() -> None:
    html = str(PatientForm()["patient"])
    assert 'autocomplete="off"' in html


def test_the_model_validator_accepts_normalised_values_and_deconstructs() -> None:
    validator = PatientIdentifierValidator(allowed=[K.PERSONNUMMER])
    validator("191212121212")
    with pytest.raises(ValidationError):
        validator("191212121213")
    path, _args, kwargs = validator.deconstruct()
    assert path == "reservrutin.lib.identity.PatientIdentifierValidator"
    assert kwargs == {"allowed": [K.PERSONNUMMER]}
    assert validator == PatientIdentifierValidator(allowed=[K.PERSONNUMMER])


# --- properties ---------------------------------------------------------------------------

birth_dates = st.dates(min_value=dt.date(1850, 1, 1), max_value=TODAY)
serials = st.integers(min_value=1, max_value=999)


def build(born: dt.date, serial: int, *, coordination: bool) -> str:
    """The 12-digit number for ``born`` and ``serial``, check digit computed."""
    day = born.day + 60 if coordination else born.day
    body = f"{born:%y%m}{day:02d}{serial:03d}"
    return f"{born.year}{body[2:]}{luhn_check_digit(body)}"


@given(born=birth_dates, serial=serials, coordination=st.booleans())
def test_every_generated_number_validates_and_round_trips(
    born: dt.date, serial: int, coordination: bool
) -> None:
    number = build(born, serial, coordination=coordination)
    twelve = parse(number)
    assert twelve.value == number
    assert twelve.birth_date == born
    assert twelve.kind == (K.SAMORDNINGSNUMMER if coordination else K.PERSONNUMMER)
    # The ten-digit form with the right separator normalises to the same value.
    sep = "+" if TODAY.year - born.year >= 100 else "-"
    if TODAY.year - born.year < 200:
        assert parse(f"{number[2:8]}{sep}{number[8:]}").value == number
    assert parse(twelve.full()).value == number


@given(
    born=birth_dates,
    serial=serials,
    coordination=st.booleans(),
    position=st.integers(min_value=2, max_value=11),
    replacement=st.integers(min_value=0, max_value=9),
)
def test_any_single_digit_change_fails(
    born: dt.date, serial: int, coordination: bool, position: int, replacement: int
) -> None:
    number = build(born, serial, coordination=coordination)
    assume(number[position] != str(replacement))
    changed = number[:position] + str(replacement) + number[position + 1 :]
    with pytest.raises(ValidationError) as info:
        parse(changed)
    # Luhn catches every single-digit error; some changes already break the date first.
    assert info.value.code in {"checksum", "date", "future", "serial", "carelink_day"}


@given(st.text(max_size=30))
def test_arbitrary_text_raises_only_validation_error(text: str) -> None:
    try:
        identifier = parse(text)
    except ValidationError:
        return
    assert len(identifier.value) == 12


@given(st.from_regex(r"\A[0-9A-Za-z]{6,8}[-+ ]?[0-9A-Za-z]{4}\Z"))
def test_number_shaped_text_raises_only_validation_error(text: str) -> None:
    for kind in [None, *IdentifierKind]:
        with contextlib.suppress(ValidationError):
            parse(text, kind=kind)
