"""Webhooks: POST JSON signed per the Standard Webhooks specification (``lib/signing``).

``webhook-id`` is the message's dedupe key, so a receiver that sees the same id twice (we
deliver at least once) can drop the duplicate. The body is ``message.payload`` or, when
empty, a small document built from the message. 2xx is delivered; 408, 429, 5xx and
network failures are retried; other statuses are permanent.
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

from django.conf import settings

from reservrutin.lib import safehttp, signing
from reservrutin.notifications.transports.base import (
    Transport,
    TransportError,
    check_http_response,
)

if TYPE_CHECKING:
    from reservrutin.notifications.models import OutboxMessage

#: Key in ``message.headers`` for a per-receiver secret (status-page webhook subscriptions
#: each have their own); never sent as a header. Without it the deployment's secret signs.
SECRET_KEY_IN_HEADERS = "webhook_secret"  # noqa: S105 - a dict key, not a secret


def webhook_body(message: OutboxMessage) -> dict[str, Any]:
    if message.payload:
        return message.payload
    return {
        "type": message.source or "reservrutin.message",
        "id": str(message.code),
        "subject": message.subject,
        "text": message.body,
        "exercise": message.is_exercise,
    }


class WebhookTransport(Transport):
    kind = "webhook"

    def send(self, message: OutboxMessage) -> str | None:
        secret = message.headers.get(SECRET_KEY_IN_HEADERS) or settings.WEBHOOK_SECRET
        if not secret:
            raise TransportError("WEBHOOK_SECRET är inte satt", permanent=True)
        body = json.dumps(webhook_body(message), ensure_ascii=False, separators=(",", ":"))
        data = body.encode("utf-8")
        # Signed at send time, not enqueue time: receivers reject stale timestamps.
        timestamp = int(time.time())
        try:
            headers = signing.webhook_headers(secret, message.dedupe_key, data, timestamp=timestamp)
        except ValueError as exc:
            raise TransportError(f"WEBHOOK_SECRET: {exc}", permanent=True) from exc
        headers["Content-Type"] = "application/json"
        try:
            response = safehttp.post(message.recipient, body=data, headers=headers)
        except safehttp.OutboundError as exc:
            raise TransportError(str(exc), permanent=exc.permanent) from exc
        return check_http_response(response, "Mottagaren")
