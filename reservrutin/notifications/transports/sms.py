"""SMS through a 46elks-style gateway: a form POST with basic auth (``from``, ``to``,
``message``) to ``settings.SMS_GATEWAY_URL``, through ``lib/safehttp``.

Text is made GSM-7 safe first (hc's ``\\xa0`` lesson): characters outside the GSM 03.38
alphabet force the whole SMS into UCS-2, which cuts each part from 160 to 70 characters,
and some gateways or phones show them as ``?``. We map the usual typographic characters to
ASCII, strip accents that GSM lacks and keep the Swedish letters, which GSM has.

Long messages: we send **one** request with the whole text and let the gateway split it
into concatenated 153-character parts (46elks does this). One request per message keeps
delivery idempotent per attempt: splitting ourselves would mean a retry after part 2 of 3
resends part 1. We cap the text at ``MAX_PARTS`` parts so a runaway body cannot cost
dozens of SMS per recipient.
"""

from __future__ import annotations

import json
import unicodedata
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.conf import settings

from reservrutin.lib import safehttp
from reservrutin.lib.phone import e164, is_paid_or_satellite
from reservrutin.notifications.transports.base import Transport, TransportError

if TYPE_CHECKING:
    from reservrutin.notifications.models import OutboxMessage

#: The GSM 03.38 basic character set (one septet each), without the escape character.
GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
#: The extension table: allowed, but each costs two septets.
GSM_EXTENDED = frozenset("^{}\\[~]|€")
SINGLE_SMS = 160
PART_LENGTH = 153  # 160 minus the 7-septet concatenation header
MAX_PARTS = 6

#: Characters people (and word processors) type that GSM lacks, with their stand-ins.
REPLACEMENTS = {
    "\u00a0": " ", "\u2007": " ", "\u2009": " ", "\u202f": " ", "\t": " ",  # spaces
    "\u200b": "", "\u200c": "", "\u200d": "", "\ufeff": "", "\u00ad": "",  # invisible
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2032": "'", "\u00b4": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u2026": "...", "\u2022": "*", "\u00b7": "*", "\u2192": "->", "\u00d7": "x",
    "\u00b0": " grader", "\u2264": "<=", "\u2265": ">=", "\r\n": "\n",
}  # fmt: skip


def gsm_safe(text: str) -> str:
    """``text`` using only GSM-7 characters (å ä ö Å Ä Ö é É stay as they are)."""
    for old, new in REPLACEMENTS.items():
        text = text.replace(old, new)
    out: list[str] = []
    for char in text:
        if char in GSM_BASIC or char in GSM_EXTENDED:
            out.append(char)
            continue
        # Drop accents GSM lacks (á → a, ç → c) via the decomposed form.
        base = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        out.append(base if base and all(c in GSM_BASIC for c in base) else "?")
    return "".join(out)


def gsm_length(text: str) -> int:
    """Septets ``text`` needs (extension characters count twice)."""
    return sum(2 if char in GSM_EXTENDED else 1 for char in text)


def sms_parts(text: str) -> int:
    length = gsm_length(text)
    return 1 if length <= SINGLE_SMS else -(-length // PART_LENGTH)


def fit(text: str, max_parts: int = MAX_PARTS) -> str:
    """Cut a GSM-safe text to ``max_parts`` concatenated parts, ending in "..."."""
    limit = max_parts * PART_LENGTH
    if gsm_length(text) <= limit:
        return text
    kept, used = [], 0
    for char in text:
        used += gsm_length(char)
        if used > limit - 3:
            break
        kept.append(char)
    return "".join(kept).rstrip() + "..."


class SmsTransport(Transport):
    kind = "sms"

    def send(self, message: OutboxMessage) -> str | None:
        if not settings.SMS_GATEWAY_URL:
            raise TransportError("SMS_GATEWAY_URL är inte satt", permanent=True)
        to = e164(message.recipient)
        if not (to.startswith("+") and 8 <= len(to) <= 16 and to[1:].isdigit()):
            raise TransportError(f"ogiltigt nummer {message.recipient!r}", permanent=True)
        # The last guard against SMS pumping (issue 14): whoever queued it, no SMS goes to a
        # premium-rate or satellite number.
        if is_paid_or_satellite(to):
            raise TransportError(f"betal- eller satellitnummer {to!r}", permanent=True)
        text = fit(gsm_safe(message.body))
        form = urlencode({"from": settings.SMS_SENDER, "to": to, "message": text})
        try:
            response = safehttp.post(
                settings.SMS_GATEWAY_URL,
                body=form.encode("utf-8"),
                headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
                auth=(settings.SMS_GATEWAY_USER, settings.SMS_GATEWAY_PASSWORD),
            )
        except safehttp.OutboundError as exc:
            raise TransportError(str(exc), permanent=exc.permanent) from exc
        if response.ok:
            try:
                return str(json.loads(response.body).get("id", ""))[:200] or None
            except (ValueError, AttributeError):
                return None
        detail = f"SMS-gatewayen svarade {response.status}: {response.text(300)}"
        # 401 and 429 are about us (credentials, rate), not the message: retry. Any other
        # 4xx is 46elks saying the message itself is wrong ("Invalid to number").
        transient = response.status >= 500 or response.status in {401, 408, 429}
        raise TransportError(detail, permanent=not transient)
