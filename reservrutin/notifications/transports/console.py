"""Print messages instead of sending them: the try-it default (``EMAIL_TRANSPORT=console``)
and the transport for ``kind="console"`` messages (local development, demos)."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, TextIO

from reservrutin.notifications.transports.base import Transport

if TYPE_CHECKING:
    from reservrutin.notifications.models import OutboxMessage


class ConsoleTransport(Transport):
    kind = "console"

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream

    @property
    def stream(self) -> TextIO:
        # Looked up on each send so pytest's capture and redirected stdout both work.
        return self._stream or sys.stdout

    def send(self, message: OutboxMessage) -> str | None:
        lines = [
            "-" * 72,
            f"{message.get_kind_display()} till {message.recipient}",
            f"Nyckel: {message.dedupe_key}",
        ]
        lines += [f"{name}: {value}" for name, value in message.headers.items()]
        if message.subject:
            lines.append(f"Ämne: {message.subject}")
        lines += ["", message.body]
        if message.payload:
            lines += ["", json.dumps(message.payload, ensure_ascii=False, indent=2)]
        lines.append("-" * 72)
        self.stream.write("\n".join(lines) + "\n")
        self.stream.flush()
        return "console"
