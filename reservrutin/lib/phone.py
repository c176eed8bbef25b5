"""Phone numbers as people write them in Swedish routines.

Routines print numbers the way staff dial them: ``013-20 70 00``, ``0121-18218``, a short
internal ``30 000`` or ``71010``, or international ``+46 13 20 70 00``. We keep what was
typed (it is what people recognise) and validate its shape; ``dial_string`` gives the digits
for a ``tel:`` link and for the SMS gateway.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

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
