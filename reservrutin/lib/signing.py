"""Webhook signatures per the Standard Webhooks specification (https://www.standardwebhooks.com).

A secret is ``whsec_`` + base64 of random bytes. Each request carries ``webhook-id`` (our
dedupe key, stable across retries so receivers can drop duplicates), ``webhook-timestamp``
(unix seconds) and ``webhook-signature``: ``v1,`` + base64(HMAC-SHA256(key,
"{id}.{timestamp}.{body}")). A receiver may see several space-separated signatures while a
secret is rotated. Tokens for links (unsubscribe, confirm) are *not* made here: those use
``django.core.signing`` with a salt per purpose.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import time
from collections.abc import Mapping

SECRET_PREFIX = "whsec_"  # noqa: S105 - a prefix, not a secret
#: How far a receiver lets the timestamp drift (the spec's recommendation) against replays.
DEFAULT_TOLERANCE_SECONDS = 5 * 60


class InvalidWebhookSignature(Exception):
    pass


def generate_webhook_secret(nbytes: int = 32) -> str:
    """A new secret to give a receiver (and to keep on our side)."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(nbytes)).decode("ascii")


def _key(secret: str) -> bytes:
    raw = secret.removeprefix(SECRET_PREFIX)
    try:
        return base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("a webhook secret is whsec_ followed by base64") from exc


def webhook_signature(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def webhook_headers(secret: str, msg_id: str, body: bytes, *, timestamp: int) -> dict[str, str]:
    """The three Standard Webhooks headers for one request."""
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": webhook_signature(secret, msg_id, timestamp, body),
    }


def verify_webhook(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    now: int | None = None,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
) -> str:
    """Check a received webhook the way a receiver should; return its ``webhook-id``.

    Used by our tests' receiver and available to anyone writing a receiver in Python.
    """
    lowered = {name.lower(): value for name, value in headers.items()}
    try:
        msg_id = lowered["webhook-id"]
        timestamp = int(lowered["webhook-timestamp"])
        signatures = lowered["webhook-signature"].split()
    except (KeyError, ValueError) as exc:
        raise InvalidWebhookSignature(f"missing or malformed header: {exc}") from exc
    current = int(time.time()) if now is None else now
    if abs(current - timestamp) > tolerance:
        raise InvalidWebhookSignature("timestamp outside the tolerance")
    expected = webhook_signature(secret, msg_id, timestamp, body)
    if not any(hmac.compare_digest(expected, candidate) for candidate in signatures):
        raise InvalidWebhookSignature("no matching v1 signature")
    return msg_id
