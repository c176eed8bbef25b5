from __future__ import annotations

from django.test import override_settings

from reservrutin.notifications.models import OutboxMessage
from reservrutin.notifications.tests.helpers import OutboxTestCase, free_port, make_message
from reservrutin.notifications.transports.base import TransportError, get_transport
from reservrutin.notifications.transports.console import ConsoleTransport
from reservrutin.notifications.transports.email import EmailTransport, message_id_for
from reservrutin.notifications.worker import send_one

UNSUBSCRIBE = "<https://reservrutin.example/avsluta/abc>, <mailto:avsluta@reservrutin.example>"


class EmailTransportTests(OutboxTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.smtp = self.smtp_server()
        overrides = override_settings(
            EMAIL_TRANSPORT="smtp",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=self.smtp.port,
            DEFAULT_FROM_EMAIL="Driftinfo <driftinfo@region-a.example>",
        )
        overrides.enable()
        self.addCleanup(overrides.disable)

    def email(self, **overrides: object) -> OutboxMessage:
        fields: dict[str, object] = {
            "kind": "email",
            "recipient": "enhetschef@region-a.example",
            "subject": "Driftstörning: Journalsystemet är otillgängligt – använd reservrutin",
            "body": "Åtgärd pågår. Prognos kl 14:00.",
            "dedupe_key": "outage:42:notice:1:enhetschef",
            "headers": {
                "List-Unsubscribe": UNSUBSCRIBE,
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        }
        fields.update(overrides)
        return make_message(**fields)

    def test_it_delivers_with_message_id_headers_and_utf8_subject(self) -> None:
        message = self.email(body_html="<p>Åtgärd pågår.</p>")
        self.assertTrue(send_one())
        message.refresh_from_db()
        self.assertEqual(message.status, OutboxMessage.Status.SENT)

        [received] = self.smtp.handler.messages()
        self.assertEqual(received["Message-ID"], message_id_for(message.dedupe_key))
        self.assertEqual(message.provider_ref, received["Message-ID"])
        self.assertTrue(received["Message-ID"].endswith("@region-a.example>"))
        # Django's compat32 folding starts a long encoded subject on a continuation line,
        # which decodes with one leading space; mail clients trim it.
        self.assertEqual(str(received["Subject"]).strip(), message.subject)
        self.assertIn(b"=?utf-8?", self.smtp.handler.envelopes[0].content)
        self.assertEqual(received["List-Unsubscribe"], UNSUBSCRIBE)
        self.assertEqual(received["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click")
        self.assertEqual(received["Auto-Submitted"], "auto-generated")
        self.assertEqual(received["To"], "enhetschef@region-a.example")
        self.assertIn("Prognos kl 14:00.", received.get_body(("plain",)).get_content())
        self.assertIn("<p>Åtgärd pågår.</p>", received.get_body(("html",)).get_content())

    def test_it_keeps_the_message_id_when_delivered_twice(self) -> None:
        message = self.email()
        transport = get_transport("email")
        transport.send(message)
        transport.send(message)  # at-least-once: a retry after a lost acknowledgement
        first, second = self.smtp.handler.messages()
        self.assertEqual(first["Message-ID"], second["Message-ID"])

    def test_it_does_not_let_headers_replace_its_own(self) -> None:
        message = self.email(headers={"From": "evil@example.com", "Message-ID": "<x@y>"})
        get_transport("email").send(message)
        [received] = self.smtp.handler.messages()
        self.assertEqual(received["From"], "Driftinfo <driftinfo@region-a.example>")
        self.assertEqual(received["Message-ID"], message_id_for(message.dedupe_key))

    def test_it_reuses_one_connection_for_several_messages(self) -> None:
        transport = get_transport("email")
        transport.send(self.email(dedupe_key="a"))
        transport.send(self.email(dedupe_key="b", recipient="b@region-a.example"))
        self.assertEqual(len(self.smtp.handler.envelopes), 2)
        self.assertEqual(self.smtp.handler.sessions, 1)

    def test_it_reconnects_when_the_server_closed_the_connection(self) -> None:
        transport = get_transport("email")
        assert isinstance(transport, EmailTransport)
        transport.send(self.email(dedupe_key="a"))
        transport._backend.connection.sock.close()  # type: ignore[union-attr]
        transport.send(self.email(dedupe_key="b"))
        self.assertEqual(len(self.smtp.handler.envelopes), 2)

    def test_it_gives_up_on_an_unknown_recipient(self) -> None:
        with self.assertRaises(TransportError) as raised:
            get_transport("email").send(self.email(recipient="okand@region-a.example"))
        self.assertTrue(raised.exception.permanent)

    def test_it_retries_a_full_mailbox(self) -> None:
        with self.assertRaises(TransportError) as raised:
            get_transport("email").send(self.email(recipient="full@region-a.example"))
        self.assertFalse(raised.exception.permanent)

    def test_it_retries_when_the_server_is_down(self) -> None:
        with override_settings(EMAIL_PORT=free_port()), self.assertRaises(TransportError) as raised:
            get_transport("email").send(self.email())
        self.assertFalse(raised.exception.permanent)

    def test_it_prints_instead_when_email_transport_is_console(self) -> None:
        with override_settings(EMAIL_TRANSPORT="console"):
            self.assertIsInstance(get_transport("email"), ConsoleTransport)
