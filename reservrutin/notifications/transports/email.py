"""E-mail over SMTP through Django's SMTP backend, one connection kept per worker process.

* The Message-ID is derived from the dedupe key, so a message delivered twice (the outbox is
  at-least-once) carries the same Message-ID both times and mail clients show it once.
* Headers the caller put in ``message.headers`` (List-Unsubscribe, List-Unsubscribe-Post,
  Reply-To ...) pass through; the ones this transport owns cannot be overridden.
* A plain-text body always, plus an HTML alternative when ``body_html`` is set.
"""

from __future__ import annotations

import contextlib
import hashlib
import smtplib
from email.utils import parseaddr
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.smtp import EmailBackend

from reservrutin.notifications.transports.base import Transport, TransportError

if TYPE_CHECKING:
    from reservrutin.notifications.models import OutboxMessage

#: Headers this transport sets itself; a message's ``headers`` cannot replace them.
RESERVED_HEADERS = frozenset(
    {
        "from", "to", "cc", "bcc", "subject", "message-id", "date", "mime-version",
        "content-type", "content-transfer-encoding", "auto-submitted",
    }
)  # fmt: skip


def message_id_for(dedupe_key: str) -> str:
    """A stable RFC 5322 Message-ID for the dedupe key. Hashed because keys may hold
    characters a Message-ID cannot (``:``, spaces, ``@``)."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "reservrutin.invalid"
    digest = hashlib.sha256(dedupe_key.encode("utf-8")).hexdigest()[:40]
    return f"<{digest}.outbox@{domain}>"


def build_email(message: OutboxMessage) -> EmailMultiAlternatives:
    headers = {
        name: str(value)
        for name, value in message.headers.items()
        if name.lower() not in RESERVED_HEADERS
    }
    headers["Message-ID"] = message_id_for(message.dedupe_key)
    # RFC 3834: keeps out-of-office replies from answering an alarm.
    headers["Auto-Submitted"] = "auto-generated"
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient],
        headers=headers,
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    return email


def _classify(exc: smtplib.SMTPException) -> TransportError:
    """5xx for the recipient or the content is permanent; everything about our own
    connection, login or sender is transient, so fixing the configuration lets the
    queued messages through."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _text in exc.recipients.values()]
        permanent = bool(codes) and all(code >= 500 for code in codes)
        return TransportError(f"mottagaren avvisades: {exc.recipients}", permanent=permanent)
    if isinstance(exc, smtplib.SMTPDataError):
        return TransportError(
            f"servern avvisade meddelandet: {exc.smtp_code} {exc.smtp_error!r}",
            permanent=exc.smtp_code >= 500,
        )
    return TransportError(f"SMTP: {exc.__class__.__name__}: {exc}")


class EmailTransport(Transport):
    kind = "email"

    def __init__(self) -> None:
        self._backend: EmailBackend | None = None
        self._config: tuple[object, ...] | None = None

    def _connection(self) -> EmailBackend:
        config = (
            settings.EMAIL_HOST,
            settings.EMAIL_PORT,
            settings.EMAIL_HOST_USER,
            settings.EMAIL_HOST_PASSWORD,
            settings.EMAIL_USE_TLS,
            settings.EMAIL_USE_SSL,
            settings.EMAIL_TIMEOUT,
        )
        if self._backend is not None and config != self._config:
            self.close()
        if self._backend is None:
            self._backend = EmailBackend(
                host=settings.EMAIL_HOST,
                port=settings.EMAIL_PORT,
                username=settings.EMAIL_HOST_USER,
                password=settings.EMAIL_HOST_PASSWORD,
                use_tls=settings.EMAIL_USE_TLS,
                use_ssl=settings.EMAIL_USE_SSL,
                timeout=settings.EMAIL_TIMEOUT,  # never block a worker without a timeout
                fail_silently=False,
            )
            self._config = config
        # Opening here (not inside send_messages) keeps the connection open afterwards.
        self._backend.open()
        return self._backend

    def send(self, message: OutboxMessage) -> str | None:
        try:
            email = build_email(message)
        except ValueError as exc:  # BadHeaderError: a newline in a header
            raise TransportError(f"ogiltigt meddelande: {exc}", permanent=True) from exc
        # A kept connection may have been closed by the server while we idled: try once
        # more on a fresh one. Any other failure goes back to the worker.
        for attempt in (1, 2):
            reused = self._backend is not None and self._backend.connection is not None
            try:
                self._connection().send_messages([email])
                return email.extra_headers["Message-ID"]
            except smtplib.SMTPServerDisconnected as exc:
                self.close()
                if not (reused and attempt == 1):
                    raise TransportError(f"SMTP-servern stängde anslutningen: {exc}") from exc
            except smtplib.SMTPException as exc:
                self._reset_after_error()
                raise _classify(exc) from exc
            except ValueError as exc:  # an address Django cannot encode
                raise TransportError(f"ogiltig adress: {exc}", permanent=True) from exc
            except OSError as exc:  # refused, unreachable, timeout
                self.close()
                raise TransportError(f"kan inte nå SMTP-servern: {exc}") from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def _reset_after_error(self) -> None:
        # After a refused transaction the session may be mid-command; RSET or start over.
        if self._backend is not None and self._backend.connection is not None:
            try:
                self._backend.connection.rset()
            except (smtplib.SMTPException, OSError):
                self.close()

    def close(self) -> None:
        if self._backend is not None:
            # Closing a broken connection must not turn into a failed send.
            with contextlib.suppress(Exception):
                self._backend.close()
        self._backend = None
        self._config = None
