"""Microsoft Teams: POST a card to an incoming webhook or a Workflows (Power Automate) URL.

Without a caller-made ``payload`` we post an Adaptive Card inside a ``message`` envelope,
the format both the Workflows "post to a channel when a webhook request is received"
template and the older Office 365 connectors accept. Teams URLs carry their own secret
(``sig=`` / the connector path), so there is no signature header. Statuses are read as
for webhooks.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from reservrutin.lib import safehttp
from reservrutin.notifications.transports.base import (
    Transport,
    TransportError,
    check_http_response,
)

if TYPE_CHECKING:
    from reservrutin.notifications.models import OutboxMessage


def adaptive_card(message: OutboxMessage) -> dict[str, Any]:
    body: list[dict[str, Any]] = []
    if message.subject:
        body.append(
            {
                "type": "TextBlock",
                "text": message.subject,
                "weight": "Bolder",
                "size": "Medium",
                "wrap": True,
                # Exercises stand out in the channel, real outages in red.
                "color": "Accent" if message.is_exercise else "Attention",
            }
        )
    body.append({"type": "TextBlock", "text": message.body, "wrap": True})
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": {
                    "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                    "type": "AdaptiveCard",
                    "version": "1.4",
                    "body": body,
                },
            }
        ],
    }


class TeamsTransport(Transport):
    kind = "teams"

    def send(self, message: OutboxMessage) -> str | None:
        document = message.payload or adaptive_card(message)
        data = json.dumps(document, ensure_ascii=False).encode("utf-8")
        try:
            response = safehttp.post(
                message.recipient, body=data, headers={"Content-Type": "application/json"}
            )
        except safehttp.OutboundError as exc:
            raise TransportError(str(exc), permanent=exc.permanent) from exc
        return check_http_response(response, "Teams")
