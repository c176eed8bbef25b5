"""The transport contract and the registry of transports.

A transport turns one ``OutboxMessage`` into one delivery to the outside world. It returns
the provider's reference (a message id, or the HTTP status), raises ``TransportError`` with
``permanent=True`` when retrying cannot help, and **never touches the database**: the
worker (``notifications.worker``) owns every write, so a transport cannot break the claim
protocol. Adding a transport: see "How to add a transport" in docs/notifications.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.utils.module_loading import import_string

from reservrutin.lib.safehttp import Response

if TYPE_CHECKING:
    from reservrutin.notifications.models import OutboxMessage

#: kind → dotted path of the transport class, imported on first use (hc ``TRANSPORTS``).
#: ``tests/test_transport_registry.py`` checks that every ``OutboxMessage.Kind`` is here and
#: has its module and its test module, so the list cannot drift.
REGISTRY: dict[str, str] = {
    "email": "reservrutin.notifications.transports.email.EmailTransport",
    "sms": "reservrutin.notifications.transports.sms.SmsTransport",
    "webhook": "reservrutin.notifications.transports.webhook.WebhookTransport",
    "teams": "reservrutin.notifications.transports.teams.TeamsTransport",
    "console": "reservrutin.notifications.transports.console.ConsoleTransport",
}

#: One instance per kind per process, so a transport can keep a connection open
#: (the SMTP transport does) across the messages one worker sends.
_instances: dict[str, Transport] = {}


class TransportError(Exception):
    """Delivery failed. ``permanent``: the same message will never succeed (invalid number,
    4xx from a webhook); otherwise the worker retries with backoff."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Transport:
    kind: ClassVar[str]

    def send(self, message: OutboxMessage) -> str | None:
        """Deliver ``message``; return the provider's reference for it, if any."""
        raise NotImplementedError

    def close(self) -> None:
        """Release anything held between messages (connections). Optional."""


def kind_for(message_kind: str) -> str:
    """The transport kind that delivers ``message_kind`` in this deployment: e-mail goes to
    the console with ``EMAIL_TRANSPORT=console`` (the try-it default, no mail server)."""
    if message_kind == "email" and settings.EMAIL_TRANSPORT == "console":
        return "console"
    return message_kind


def get_transport(message_kind: str) -> Transport:
    kind = kind_for(message_kind)
    if kind not in _instances:
        try:
            path = REGISTRY[kind]
        except KeyError:
            raise TransportError(f"ingen transport för {kind!r}", permanent=True) from None
        _instances[kind] = import_string(path)()
    return _instances[kind]


def reset() -> None:
    """Close and forget every transport instance (tests; the worker on shutdown)."""
    for transport in _instances.values():
        transport.close()
    _instances.clear()


def check_http_response(response: Response, what: str) -> str:
    """The usual webhook reading of a status: 2xx delivered (returns the status as the
    reference), 408/429 and 5xx try again later, any other status is permanent (3xx too:
    we never follow redirects, they could lead past the address policy)."""
    if response.ok:
        return str(response.status)
    transient = response.status >= 500 or response.status in {408, 429}
    raise TransportError(
        f"{what} svarade {response.status}: {response.text(300)}", permanent=not transient
    )
