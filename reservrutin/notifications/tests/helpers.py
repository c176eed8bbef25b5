"""Test helpers for the outbox: real servers on loopback and a message factory.

Every server binds 127.0.0.1 only; nothing here talks to another address.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from django.db import transaction
from django.test import TestCase, override_settings

from reservrutin.notifications.actions import enqueue_message
from reservrutin.notifications.models import OutboxMessage
from reservrutin.notifications.transports import base

WEBHOOK_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


Responder = Callable[[Received], "tuple[int, bytes] | None"]


class Receiver:
    """An HTTP server on 127.0.0.1 in a thread that records requests and answers from a
    queue of (status, body) pairs, then with ``default``. ``check`` may answer instead
    (e.g. 401 for wrong credentials)."""

    def __init__(
        self,
        responses: list[tuple[int, bytes]] | None = None,
        *,
        default: tuple[int, bytes] = (200, b"{}"),
        check: Responder | None = None,
    ) -> None:
        self.requests: list[Received] = []
        self.responses = deque(responses or [])
        self.default = default
        self.check = check
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                received = Received(
                    method="POST",
                    path=self.path,
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=self.rfile.read(length),
                )
                receiver.requests.append(received)
                answer = receiver.check(received) if receiver.check else None
                if answer is None:
                    answer = (
                        receiver.responses.popleft() if receiver.responses else receiver.default
                    )
                status, body = answer
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def start(self) -> Receiver:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@dataclass
class SmtpHandler:
    envelopes: list[Any] = field(default_factory=list)
    sessions: int = 0

    async def handle_EHLO(self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]) -> list[str]:  # fmt: skip
        self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]) -> str:  # fmt: skip
        if address.startswith("okand@"):
            return "550 5.1.1 No such user"
        if address.startswith("full@"):
            return "452 4.2.2 Mailbox full"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted"

    def messages(self) -> list[EmailMessage]:
        return [message_from_bytes(e.content, policy=policy.default) for e in self.envelopes]  # type: ignore[misc]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SmtpServer:
    """aiosmtpd on 127.0.0.1 at a free port."""

    def __init__(self) -> None:
        self.handler = SmtpHandler()
        self.port = free_port()
        self.controller = Controller(
            self.handler, hostname="127.0.0.1", port=self.port, loop=asyncio.new_event_loop()
        )

    def start(self) -> SmtpServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()


def make_message(**overrides: Any) -> OutboxMessage:
    fields: dict[str, Any] = {
        "kind": "console",
        "recipient": "driftinfo@example.org",
        "subject": "Driftstörning i Cosmic",
        "body": "Cosmic är otillgängligt. Använd reservrutinen.",
        "dedupe_key": "test:1",
    }
    fields.update(overrides)
    with transaction.atomic():
        return enqueue_message(**fields)


@override_settings(OUTBOUND_ALLOW=["127.0.0.1/32"], WEBHOOK_SECRET=WEBHOOK_SECRET)
class OutboxTestCase(TestCase):
    """Fresh transport instances per test (the SMTP transport keeps a connection)."""

    def setUp(self) -> None:
        super().setUp()
        base.reset()
        self.addCleanup(base.reset)

    def receiver(self, *args: Any, **kwargs: Any) -> Receiver:
        receiver = Receiver(*args, **kwargs).start()
        self.addCleanup(receiver.stop)
        return receiver

    def smtp_server(self) -> SmtpServer:
        server = SmtpServer().start()
        self.addCleanup(server.stop)
        return server
