"""Swedish patient identifiers: personnummer, samordningsnummer and reserve numbers.

A patient identifier is a pair (kind, value), as in the national e-health integrations where
it travels as an OID plus a 12-character extension (docs/identity-numbers.md). Parsing accepts
what staff type during an outage (10 or 12 characters, with or without ``-``/``+``) and
returns the normalised 12-character value.

Identity numbers are sensitive: ``PatientIdentifier`` prints itself masked
(``19701063-****``) so that an accidental ``log.info(identifier)`` or f-string in a notice
leaks only the birth date. Call ``full()`` where the whole number really must be shown.

We do not use the ``personnummer`` package: it rejects every reserve-number format and its
tests download data at test time (docs/identity-numbers.md).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _


class IdentifierKind(models.TextChoices):
    PERSONNUMMER = "personnummer", _("Personnummer")
    SAMORDNINGSNUMMER = "samordningsnummer", _("Samordningsnummer")
    NATIONAL_RESERVE = "nrid", _("Nationellt reservnummer (NRID)")
    STOCKHOLM_RESERVE = "reserve_stockholm", _("Reservnummer, Region Stockholm")
    VGR_RESERVE = "reserve_vgr", _("Reservnummer, Västra Götalandsregionen")
    CARELINK_RESERVE = "reserve_carelink", _("Reservnummer, Inera Carelink")
    REGIONAL_RESERVE = "reserve_regional", _("Regionalt reservnummer")


#: OIDs from Inera's "Identifierare på Inera" (swedish-rules.md 3.3). Formats without a
#: published OID have none; integrations must then send the issuer's own OID.
OIDS: dict[str, str] = {
    IdentifierKind.PERSONNUMMER: "1.2.752.129.2.1.3.1",
    IdentifierKind.SAMORDNINGSNUMMER: "1.2.752.129.2.1.3.3",
    IdentifierKind.NATIONAL_RESERVE: "1.2.752.74.9.1",
    IdentifierKind.STOCKHOLM_RESERVE: "1.2.752.97.3.1.3",
}

MESSAGES = {
    "format": _(
        "Skriv numret med 10 eller 12 tecken, till exempel ÅÅÅÅMMDD-NNNN eller ÅÅMMDD-NNNN."
    ),
    "century": _("Ett personnummer med 12 siffror börjar med 18, 19 eller 20."),
    "date": _("Datumet i numret finns inte. Kontrollera år, månad och dag."),
    "future": _("Födelsedatumet i numret ligger efter dagens datum."),
    "future_short": _(
        "Födelsedatumet ligger efter dagens datum. Är personen född för mer än 100 år sedan? "
        "Skriv då + i stället för - eller skriv numret med 12 siffror."
    ),
    "plus": _("Plustecknet används bara för den som fyller 100 år i år eller är äldre."),
    "serial": _("Födelsenumret 000 finns inte. Kontrollera de fyra sista siffrorna."),
    "checksum": _("Kontrollsiffran stämmer inte. Kontrollera att alla tecken är rätt inskrivna."),
    "stockholm_year": _(
        "Ett reservnummer från Region Stockholm börjar med 99 och ett år mellan 1980 och 2299."
    ),
    "vgr_series": _(
        "I ett reservnummer från Västra Götalandsregionen följs K av ett jämnt tal 06–78, "
        "M av ett udda tal 07–79 och X av ett tal 80–89."
    ),
    "carelink_day": _("I ett reservnummer från Carelink är dagsfältet 32–59."),
    "nrid_century": _(
        "Ett nationellt reservnummer börjar med 00 (okänt födelsedatum) eller med "
        "födelseseklet plus 3, 6, 9 … (till exempel 22 för 1900-talet)."
    ),
    "nrid_letters": _(
        "Tecken 9 och 10 i ett nationellt reservnummer är versaler A–Z utom I, O, Q, V och W."
    ),
    "nrid_unknown_date": _(
        "Ett nationellt reservnummer utan födelsedatum har månad 20–99 och dag 40–59."
    ),
    "reserve_letter": _(
        "Ett regionalt reservnummer är ett födelsedatum följt av fyra tecken, "
        "varav minst ett är en bokstav."
    ),
    "kind_not_allowed": _("%(kind)s tas inte emot här."),
}


def _error(code: str, **params: object) -> ValidationError:
    return ValidationError(MESSAGES[code], code=code, params=params or None)


# --- check digits -------------------------------------------------------------------------


def luhn_sum(digits: str) -> int:
    """The modulus-10 sum of ``digits``, weights 2,1,2,… from the left (Skatteverket)."""
    total = 0
    for index, char in enumerate(digits):
        product = int(char) * (2 if index % 2 == 0 else 1)
        total += product // 10 + product % 10
    return total


def luhn_check_digit(digits: str) -> str:
    """The check digit to append to ``digits`` (nine for a personnummer)."""
    return str((10 - luhn_sum(digits) % 10) % 10)


def _luhn_valid(digits: str) -> bool:
    # ``digits`` includes the check digit last; the weights run 2,1,… over the part before it.
    return luhn_check_digit(digits[:-1]) == digits[-1]


# --- the identifier -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True, repr=False)
class PatientIdentifier:
    """A validated identifier. ``value`` is the normalised 12-character form, no separator."""

    kind: IdentifierKind
    value: str
    #: Who issued a reserve number ("Region Skåne"); empty for national kinds.
    issuer: str = ""

    @property
    def oid(self) -> str | None:
        return OIDS.get(self.kind)

    @property
    def birth_date(self) -> dt.date | None:
        """The birth date the number encodes, or None when it encodes none."""
        return _birth_date(self.kind, self.value)

    def mask(self) -> str:
        """Safe for display, logs and notices: the leading date part, the rest as ``*``."""
        keep = 6 if self.kind == IdentifierKind.STOCKHOLM_RESERVE else 8
        return f"{self.value[:keep]}-{'*' * (len(self.value) - keep)}"

    def full(self) -> str:
        """The whole number, for the few places that must show it (with ``-`` if date-based)."""
        if self.kind == IdentifierKind.STOCKHOLM_RESERVE:
            return self.value
        return f"{self.value[:8]}-{self.value[8:]}"

    def __str__(self) -> str:
        return self.mask()

    def __repr__(self) -> str:
        # Masked on purpose: reprs end up in logs and tracebacks.
        return f"PatientIdentifier({self.kind.value!r}, {self.mask()!r})"


def mask(identifier: PatientIdentifier | str) -> str:
    """Mask a parsed identifier, or any string, without ever revealing its last four characters."""
    if isinstance(identifier, PatientIdentifier):
        return identifier.mask()
    text = re.sub(r"[\s\-+]", "", identifier)
    keep = 8 if len(text) >= 12 else 6
    return f"{text[:keep]}-****" if len(text) > keep else "****"


#: An address or a UUID is left as it is (``keep``): links in messages carry signed tokens and
#: codes that masking would break, and they are ours, not typed by a person. Anything else
#: shaped like an identity number is a candidate (``head``, ``sep``, ``tail``).
_IN_TEXT = re.compile(
    r"(?P<keep>https?://[^\s<>\"']+"
    r"|(?<![0-9A-Za-z])[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-"
    r"[0-9A-Fa-f]{12}(?![0-9A-Za-z]))"
    r"|(?<![0-9A-Za-z])(?P<head>\d{6}|\d{8})(?P<sep>[-+ ]?)(?P<tail>[0-9A-Za-z]{4})"
    r"(?![0-9A-Za-z])"
)


def _plausible(head: str, sep: str, tail: str) -> bool:
    """Whether a candidate is masked. Reserve numbers (a letter in the last four) always
    are. All digits: the date part must be a month 01–12 and a day 01–91 (samordningsnummer
    add 60), or a 12-digit Stockholm reserve number (99…); ten digits without a separator
    must also pass the check digit, since that is how Swedish phone numbers are written
    (``0701234567``)."""
    if not tail.isdigit():
        return True
    if len(head) == 8:
        if head.startswith("99") and not sep:
            return True
        if head[:2] not in ("18", "19", "20"):
            return False
    month, day = int(head[-4:-2]), int(head[-2:])
    if not (1 <= month <= 12 and 1 <= day <= 91):
        return False
    if len(head) == 6 and not sep:
        return _luhn_valid(head + tail)
    return True


def redactions(text: str) -> list[tuple[str, str]]:
    """What ``redact`` would mask in ``text``: (as typed, as published) pairs, so that a
    publisher can be shown before publishing."""
    found = []
    for match in _IN_TEXT.finditer(text):
        if match["head"] and _plausible(match["head"], match["sep"], match["tail"]):
            found.append((match[0], f"{match['head']}-****"))
    return found


def redact(text: str) -> str:
    """``text`` with anything shaped like an identity number masked (``19121212-****``).

    The one redactor for every text that leaves the organisation: the status page and its
    feeds, API and mirror (``statuspage.queries``), and every outbox message, e-mail, SMS,
    webhook and Teams (``notifications.actions.new_message``). See docs/identity-numbers.md.
    """

    def replace(match: re.Match[str]) -> str:
        if match["head"] and _plausible(match["head"], match["sep"], match["tail"]):
            return f"{match['head']}-****"
        return match[0]

    return _IN_TEXT.sub(replace, text) if text else text


# --- parsing ------------------------------------------------------------------------------

_SHAPE = re.compile(r"^(?P<head>[0-9A-Z]{6}|[0-9A-Z]{8})(?P<sep>[-+ ]?)(?P<tail>[0-9A-Z]{4})$")
_NRID_LETTERS = "ABCDEFGHJKLMNPRSTUXYZ"  # A–Z without I, O, Q, V and W
_VGR_GENDER_DIGITS = {"K": "5", "M": "7", "X": "8"}


@dataclass(frozen=True, slots=True)
class _Raw:
    head: str  # the 6 or 8 characters before the separator
    sep: str  # "", "-", "+" or " "
    tail: str  # the last four characters

    @property
    def compact(self) -> str:
        return self.head + self.tail


def _split(text: object) -> _Raw:
    if not isinstance(text, str) or len(text) > 40:
        raise _error("format")
    # ASCII only: str.isdigit() accepts "²" and friends, which int() then rejects.
    match = _SHAPE.match(text.strip().upper())
    if match is None:
        raise _error("format")
    return _Raw(match["head"], match["sep"], match["tail"])


def _date(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise _error("date") from None


def _resolve_century(
    yymmdd: str, raw: _Raw, today: dt.date, *, day_offset: int = 0
) -> tuple[int, dt.date]:
    """The four-digit year and date of a 10-character number, as of ``today``.

    Without a separator or with ``-`` the person turns at most 99 this year; with ``+`` they
    turn 100 or more (folkbokföringslagen 18 §: the sign changes in the year of the 100th
    birthday, so we compare years, not dates).
    """
    yy, month, day = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:6]) - day_offset
    latest = today.year - 100 if raw.sep == "+" else today.year
    year = latest - (latest - yy) % 100
    if year < 1:
        raise _error("date")
    born = _date(year, month, day)
    if born > today:
        raise _error("future_short")
    return year, born


def _check_twelve(year: int, raw: _Raw, born: dt.date, today: dt.date) -> None:
    if born > today:
        raise _error("future")
    if raw.sep == "+" and today.year - year < 100:
        raise _error("plus")


def _parse_personal(raw: _Raw, today: dt.date) -> PatientIdentifier:
    """Personnummer or samordningsnummer (day + 60), told apart by the day field."""
    compact = raw.compact
    if not compact.isascii() or not compact.isdigit():
        raise _error("format")
    yymmdd = compact[-10:-4]
    offset = 60 if int(yymmdd[4:6]) > 60 else 0
    if len(compact) == 12:
        year = int(compact[:4])
        if compact[:2] not in ("18", "19", "20"):
            raise _error("century")
        born = _date(year, int(yymmdd[2:4]), int(yymmdd[4:6]) - offset)
        _check_twelve(year, raw, born, today)
    else:
        year, born = _resolve_century(yymmdd, raw, today, day_offset=offset)
    if compact[-4:-1] == "000":
        raise _error("serial")
    if not _luhn_valid(compact[-10:]):
        raise _error("checksum")
    kind = IdentifierKind.SAMORDNINGSNUMMER if offset else IdentifierKind.PERSONNUMMER
    return PatientIdentifier(kind, f"{year:04d}{compact[-8:]}")


def _parse_stockholm(raw: _Raw, today: dt.date) -> PatientIdentifier:
    """Region Stockholm ``99yyyyNNNNNC``: Luhn over positions 5–11 (Inera, LRID)."""
    compact = raw.compact
    if len(compact) != 12 or not compact.isdigit() or not compact.startswith("99"):
        raise _error("format")
    if not 1980 <= int(compact[2:6]) <= 2299:
        raise _error("stockholm_year")
    if not _luhn_valid(compact[4:12]):
        raise _error("checksum")
    return PatientIdentifier(IdentifierKind.STOCKHOLM_RESERVE, compact)


def _parse_vgr(raw: _Raw, today: dt.date) -> PatientIdentifier:
    """VGR ``yyyymmddGggC``: G is K/M/X, Luhn over yymmddGggC with K=5, M=7, X=8."""
    compact = raw.compact
    if not re.fullmatch(r"[0-9]{8}[KMX][0-9]{3}", compact):
        raise _error("format")
    born = _date(int(compact[:4]), int(compact[4:6]), int(compact[6:8]))
    if born > today:
        raise _error("future")
    gender, series = compact[8], int(compact[9:11])
    valid_series = {
        "K": 6 <= series <= 79 and series % 2 == 0,
        "M": 6 <= series <= 79 and series % 2 == 1,
        "X": 80 <= series <= 89,
    }[gender]
    if not valid_series:
        raise _error("vgr_series")
    if not _luhn_valid(compact[2:8] + _VGR_GENDER_DIGITS[gender] + compact[9:]):
        raise _error("checksum")
    return PatientIdentifier(IdentifierKind.VGR_RESERVE, compact)


def _parse_carelink(raw: _Raw, today: dt.date) -> PatientIdentifier:
    """Inera Carelink ``yyyymmxxNNNC``: day field 32–59, Luhn as for a personnummer."""
    compact = raw.compact
    if len(compact) != 12 or not compact.isdigit():
        raise _error("format")
    if not 1 <= int(compact[4:6]) <= 12:
        raise _error("date")
    if not 32 <= int(compact[6:8]) <= 59:
        raise _error("carelink_day")
    if not _luhn_valid(compact[2:]):
        raise _error("checksum")
    return PatientIdentifier(IdentifierKind.CARELINK_RESERVE, compact)


def _nrid_digits(text: str) -> str:
    # Letters count as their ASCII code ("A" -> "65"); see docs/identity-numbers.md for how
    # sure we are of this reading of the NRID specification.
    return "".join(char if char.isdigit() else str(ord(char)) for char in text)


def _parse_nrid(raw: _Raw, today: dt.date) -> PatientIdentifier:
    """National reserve identity ``XXYYMMDDNNGC`` (Inera NRID specification 1.0)."""
    compact = raw.compact
    if not re.fullmatch(r"[0-9]{8}[A-Z]{2}[0-9A-Z][0-9]", compact):
        raise _error("format")
    if any(char not in _NRID_LETTERS for char in compact[8:11] if char.isalpha()):
        raise _error("nrid_letters")
    xx, month, day = int(compact[:2]), int(compact[4:6]), int(compact[6:8])
    if xx == 0:
        # Unknown birth date: YYMMDD is a serial with MM 20–99 and DD 40–59.
        if not (20 <= month <= 99 and 40 <= day <= 59):
            raise _error("nrid_unknown_date")
    else:
        century = _nrid_century(xx)
        if century is None:
            raise _error("nrid_century")
        born = _date(century * 100 + int(compact[2:4]), month, day)
        if born > today:
            raise _error("future")
    if not _luhn_valid(_nrid_digits(compact[:11]) + compact[11]):
        raise _error("checksum")
    return PatientIdentifier(IdentifierKind.NATIONAL_RESERVE, compact)


def _nrid_century(xx: int) -> int | None:
    """The birth century behind an NRID prefix: century + 3k, k = 1…26; 01–21 are unused."""
    if xx < 22:
        return None
    for century in (19, 20, 21):
        if (xx - century) % 3 == 0 and 1 <= (xx - century) // 3 <= 26:
            return century
    return None  # pragma: no cover - every xx >= 22 has a century above


def _parse_regional(raw: _Raw, today: dt.date, issuer: str = "") -> PatientIdentifier:
    """Socialstyrelsen's recommendation: a correct birth date + four characters, one a letter."""
    if not raw.head.isdigit():
        raise _error("reserve_letter")
    if not any(char.isalpha() for char in raw.tail):
        raise _error("reserve_letter")
    if len(raw.head) == 8:
        year = int(raw.head[:4])
        born = _date(year, int(raw.head[4:6]), int(raw.head[6:8]))
        _check_twelve(year, raw, born, today)
    else:
        year, born = _resolve_century(raw.head, raw, today)
    return PatientIdentifier(
        IdentifierKind.REGIONAL_RESERVE, f"{year:04d}{raw.head[-4:]}{raw.tail}", issuer.strip()
    )


_PARSERS: dict[str, Callable[[_Raw, dt.date], PatientIdentifier]] = {
    IdentifierKind.PERSONNUMMER: _parse_personal,
    IdentifierKind.SAMORDNINGSNUMMER: _parse_personal,
    IdentifierKind.NATIONAL_RESERVE: _parse_nrid,
    IdentifierKind.STOCKHOLM_RESERVE: _parse_stockholm,
    IdentifierKind.VGR_RESERVE: _parse_vgr,
    IdentifierKind.CARELINK_RESERVE: _parse_carelink,
    IdentifierKind.REGIONAL_RESERVE: _parse_regional,
}


def detect_kind(raw: _Raw) -> IdentifierKind:
    """The kind a string's shape suggests; its errors are then that kind's errors.

    The most specific format wins, so a VGR-shaped number with a wrong check digit is
    rejected rather than accepted as a generic regional reserve number.
    """
    compact = raw.compact
    if compact.isdigit():
        if len(compact) == 12 and compact.startswith("99"):
            return IdentifierKind.STOCKHOLM_RESERVE
        if len(compact) == 12 and 32 <= int(compact[6:8]) <= 59:
            return IdentifierKind.CARELINK_RESERVE
        return IdentifierKind.PERSONNUMMER
    if re.fullmatch(r"[0-9]{8}[KMX][0-9]{3}", compact):
        return IdentifierKind.VGR_RESERVE
    if re.fullmatch(r"[0-9]{8}[A-Z]{2}[0-9A-Z][0-9]", compact) and compact[:2] not in (
        "18",
        "19",
        "20",
        "21",
    ):
        return IdentifierKind.NATIONAL_RESERVE
    return IdentifierKind.REGIONAL_RESERVE


#: Kinds issued nationally by Skatteverket; they never carry an issuer.
_NATIONAL_KINDS = (IdentifierKind.PERSONNUMMER, IdentifierKind.SAMORDNINGSNUMMER)


def parse_identifier(
    text: object,
    *,
    today: dt.date,
    kind: IdentifierKind | str | None = None,
    issuer: str = "",
    allowed: Iterable[IdentifierKind | str] | None = None,
) -> PatientIdentifier:
    """Parse and validate ``text``; raise ``ValidationError`` with a Swedish message.

    ``today`` is the reference date (Europe/Stockholm) that resolves the century of a
    10-character number and rejects birth dates in the future; it is a parameter so that
    callers, not the wall clock, decide it. ``kind`` forces one format; without it the
    shape decides (``detect_kind``). ``personnummer`` and ``samordningsnummer`` are parsed
    together, since the day field tells them apart. ``allowed`` limits the accepted kinds.
    """
    raw = _split(text)
    chosen = IdentifierKind(kind) if kind else detect_kind(raw)
    if chosen == IdentifierKind.REGIONAL_RESERVE:
        result = _parse_regional(raw, today, issuer)
    else:
        result = _PARSERS[chosen](raw, today)
        if issuer and result.kind not in _NATIONAL_KINDS:
            result = PatientIdentifier(result.kind, result.value, issuer.strip())
    if allowed is not None and result.kind not in {IdentifierKind(k) for k in allowed}:
        raise _error("kind_not_allowed", kind=result.kind.label)
    return result


def _birth_date(kind: str, value: str) -> dt.date | None:
    # ``value`` has been validated, so the date parts are known to be valid.
    if kind in (IdentifierKind.PERSONNUMMER, IdentifierKind.SAMORDNINGSNUMMER):
        day = int(value[6:8])
        return dt.date(int(value[:4]), int(value[4:6]), day - 60 if day > 60 else day)
    if kind in (IdentifierKind.VGR_RESERVE, IdentifierKind.REGIONAL_RESERVE):
        return dt.date(int(value[:4]), int(value[4:6]), int(value[6:8]))
    if kind == IdentifierKind.NATIONAL_RESERVE and value[:2] != "00":
        century = _nrid_century(int(value[:2]))
        assert century is not None
        return dt.date(century * 100 + int(value[2:4]), int(value[4:6]), int(value[6:8]))
    return None


# --- Django glue --------------------------------------------------------------------------


def _local_today() -> dt.date:
    # Imported here so that the pure parser above does not need Django settings.
    from reservrutin.lib.clock import local, now

    return local(now()).date()


@deconstructible
class PatientIdentifierValidator:
    """Model-field validator for a ``CharField`` that stores a normalised identifier."""

    def __init__(self, allowed: Iterable[str] | None = None) -> None:
        self.allowed = tuple(allowed) if allowed is not None else None

    def __call__(self, value: str) -> None:
        parse_identifier(value, today=_local_today(), allowed=self.allowed)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PatientIdentifierValidator) and other.allowed == self.allowed

    def __hash__(self) -> int:
        return hash(self.allowed)


validate_patient_identifier = PatientIdentifierValidator()


class PatientIdentifierField(forms.CharField):
    """A form field that cleans to a ``PatientIdentifier`` (or None when empty)."""

    def __init__(
        self,
        *,
        allowed: Iterable[str] | None = None,
        today: Callable[[], dt.date] = _local_today,
        **kwargs: object,
    ) -> None:
        kwargs.setdefault("label", _("Personnummer eller reservnummer"))
        kwargs.setdefault("help_text", _("ÅÅÅÅMMDD-NNNN, ÅÅMMDD-NNNN eller reservnummer."))
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.allowed = tuple(allowed) if allowed is not None else None
        self.today = today
        # No max_length: Django's MaxLengthValidator would run on the cleaned object.
        self.widget.attrs.setdefault("maxlength", "20")
        # The number must not be offered back by the browser's autofill history.
        self.widget.attrs.setdefault("autocomplete", "off")

    def to_python(self, value: object) -> PatientIdentifier | None:  # type: ignore[override]
        if isinstance(value, PatientIdentifier):
            return value
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        return parse_identifier(text, today=self.today(), allowed=self.allowed)

    def prepare_value(self, value: object) -> object:
        return value.full() if isinstance(value, PatientIdentifier) else value
