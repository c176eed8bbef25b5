"""Phone numbers as people write them in Swedish routines.

Routines print numbers the way staff dial them: ``013-20 70 00``, ``0121-18218``, a short
internal ``30 000`` or ``71010``, or international ``+46 13 20 70 00``. We keep what was
typed (it is what people recognise) and validate its shape; ``dial_string`` gives the digits
for a ``tel:`` link and for the SMS gateway. ``sms_number`` decides which numbers a
public subscriber may have SMS sent to (parsed with libphonenumber).
"""

from __future__ import annotations

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from phonenumbers import PhoneNumberType

_ALLOWED = re.compile(r"^\+?[0-9][0-9 \-()]*[0-9]$")


def dial_string(value: str) -> str:
    """Digits (and a leading +) of ``value``, for tel: links and SMS gateways."""
    value = value.strip()
    digits = re.sub(r"[^0-9]", "", value)
    return ("+" + digits) if value.startswith("+") else digits


def validate_phone(value: str) -> None:
    """Reject anything that is not a dialable Swedish or international number."""
    text = value.strip()
    if not _ALLOWED.match(text):
        raise ValidationError(
            _(
                "Ange ett telefonnummer med siffror, till exempel 013-20 70 00 eller +46 13 20 70 00."
            ),
            code="phone_characters",
        )
    digits = dial_string(text).lstrip("+")
    if not 3 <= len(digits) <= 15:
        raise ValidationError(
            _("Ett telefonnummer har mellan 3 och 15 siffror, inte %(count)d."),
            code="phone_length",
            params={"count": len(digits)},
        )
    if text.startswith("+46") and digits[2:3] == "0":
        raise ValidationError(
            _("Med +46 ska den inledande nollan i riktnumret tas bort."), code="phone_trunk_zero"
        )


def e164(value: str) -> str:
    """``value`` in E.164 form for SMS gateways; Swedish numbers starting with 0 get +46."""
    digits = dial_string(value)
    if digits.startswith("+"):
        return digits
    if digits.startswith("00"):
        return "+" + digits[2:]
    if digits.startswith("0"):
        return "+46" + digits[1:]
    return digits


# --- Numbers we send SMS to (issue 14: no SMS pumping) ------------------------------------

#: Sweden's calling code: SMS go here by default.
SWEDEN = 46
#: Number types that may receive an SMS (libphonenumber cannot always tell mobile from
#: fixed for some countries, e.g. the USA; Swedish numbers must be MOBILE).
_SMS_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}
#: Types that cost the sender money per message or reach a service, never a person's phone.
_PAID_TYPES = {
    PhoneNumberType.PREMIUM_RATE,
    PhoneNumberType.SHARED_COST,
    PhoneNumberType.UAN,
    PhoneNumberType.PERSONAL_NUMBER,
    PhoneNumberType.PAGER,
    PhoneNumberType.VOICEMAIL,
}


def parse_country_codes(value: str) -> frozenset[int]:
    """Calling codes typed as ``47, 45, +358`` (an organisation's SMS opt-in) as numbers;
    ``ValidationError`` names the first one that is not a country's calling code."""
    codes = set()
    for part in value.replace(";", ",").split(","):
        text = part.strip().lstrip("+")
        if not text:
            continue
        if not text.isdigit() or not phonenumbers.region_codes_for_country_code(int(text)):
            raise ValidationError(
                _("%(code)s är inget landsnummer. Skriv till exempel 47, 45, 358."),
                code="country_code",
                params={"code": part.strip()[:10]},
            )
        codes.add(int(text))
    return frozenset(codes)


def validate_country_codes(value: str) -> None:
    parse_country_codes(value)


def sms_number(value: str, *, countries: frozenset[int] = frozenset()) -> str:
    """``value`` as an E.164 number we may send SMS to, or ``ValidationError`` saying why not.

    Numbers are parsed with libphonenumber (``phonenumbers``) as Swedish unless they start
    with + or 00. Allowed: Swedish mobile numbers, and mobile numbers of the countries whose
    calling codes are in ``countries`` (an organisation opts in). Never: premium-rate,
    shared-cost and other paid numbers, and numbers of international networks such as
    satellite phones (+881, +882, +883), whatever the opt-in.
    """
    text = value.strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text[:40], "SE")
    except phonenumbers.NumberParseException:
        number = None
    if number is not None and _non_geographic(number):
        raise ValidationError(
            _("Vi skickar inte SMS till satellittelefoner eller internationella nättjänster."),
            code="sms_non_geographic",
        )
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("Skriv ett mobilnummer, till exempel 070-123 45 67."), code="sms_invalid"
        )
    kind = phonenumbers.number_type(number)
    if kind in _PAID_TYPES:
        raise ValidationError(
            _("Vi skickar inte SMS till betalnummer. Skriv ett vanligt mobilnummer."),
            code="sms_premium",
        )
    if number.country_code != SWEDEN and number.country_code not in countries:
        raise ValidationError(
            _(
                "Vi skickar bara SMS till svenska mobilnummer. Skriv ett nummer som börjar "
                "med 07 eller +46 7."
            ),
            code="sms_country",
        )
    allowed = {PhoneNumberType.MOBILE} if number.country_code == SWEDEN else _SMS_TYPES
    if kind not in allowed:
        raise ValidationError(
            _("Numret är inget mobilnummer. Skriv ett mobilnummer, till exempel 070-123 45 67."),
            code="sms_not_mobile",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def is_paid_or_satellite(value: str) -> bool:
    """Whether ``value`` is a number no SMS should ever go to (the transport's last check)."""
    try:
        number = phonenumbers.parse(e164(value), None)
    except phonenumbers.NumberParseException:
        return False
    return _non_geographic(number) or phonenumbers.number_type(number) in _PAID_TYPES


def _non_geographic(number: phonenumbers.PhoneNumber) -> bool:
    # +881 satellite, +882/+883 international networks, +800 and the like: no country.
    region = phonenumbers.region_code_for_country_code(number.country_code)
    return region == phonenumbers.REGION_CODE_FOR_NON_GEO_ENTITY
