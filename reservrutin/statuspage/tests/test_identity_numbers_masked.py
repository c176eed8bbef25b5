"""A publisher who types a personal identity number into a notice publishes it masked
everywhere the notice leaves the organisation (issue 14): the status page, widget, Atom,
JSON Feed, API, the static mirror's files, the phone-queue broadcast, and every outbox
message (e-mail subject and bodies, SMS, webhook payload, Teams)."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from unittest import mock

from django.core.cache import cache
from django.test import override_settings

from reservrutin.lib import safehttp
from reservrutin.notifications.models import OutboxMessage
from reservrutin.statuspage import mirror, queries, subscriptions
from reservrutin.statuspage.tests.helpers import StatusTestCase

PNR = "19121212-1212"
MASKED = "19121212-****"


@override_settings(SITE_URL="https://driftinfo.example")
class IdentityNumbersMaskedTests(StatusTestCase):
    def setUp(self) -> None:
        cache.clear()
        with mock.patch.object(safehttp, "resolve_allowed"):
            for channel, address in (
                ("email", "alla@example.org"),
                ("sms", "070-123 45 67"),
                ("webhook", "https://hooks.example.org/in"),
                ("teams", "https://teams.example.org/in"),
            ):
                subscriptions.register_subscriber(
                    self.org_a,
                    by=self.carl,
                    channel=channel,
                    address=address,
                    triggers=["every_update"],
                )
        self.notice = self.publish(
            title=f"Patient {PNR} kan inte skrivas ut",
            body=f"Journalen för {PNR} går inte att öppna. Ring 0920-28 40 00.",
            backup_routine=f"Se pärmen ({PNR})",
        )

    def assert_masked(self, text: str, where: str) -> None:
        self.assertNotIn(PNR, text, where)
        self.assertNotIn("1212121212", text.replace("-", ""), where)
        self.assertIn(MASKED, text, where)

    def test_every_public_address_shows_it_masked(self) -> None:
        for url in (
            "/status/org-a/",
            "/status/org-a/en/",
            "/status/org-a/system/system-a/",
            "/status/org-a/widget/",
            "/status/org-a/feed.atom",
            "/status/org-a/feed.json",
            "/api/v1/status/org-a.json",
        ):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
            self.assert_masked(response.content.decode(), url)
        self.assert_masked(queries.broadcast_text(self.notice), "broadcast")

    def test_the_mirror_files_show_it_masked(self) -> None:
        root = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, root)
        written = mirror.export(root, [self.org_a])
        texts = {name: (root / name).read_text(encoding="utf-8") for name in written}
        self.assertTrue(any(MASKED in text for text in texts.values()))
        for name, text in texts.items():
            self.assertNotIn(PNR, text, name)

    def test_every_outbox_message_shows_it_masked(self) -> None:
        messages = {m.kind: m for m in OutboxMessage.objects.filter(source="statuspage.notice")}
        self.assertEqual(set(messages), {"email", "sms", "webhook", "teams"})
        email = messages["email"]
        for part in (email.subject, email.body, email.body_html):
            self.assert_masked(part, "email")
        self.assert_masked(messages["sms"].body, "sms")
        self.assert_masked(messages["teams"].subject + messages["teams"].body, "teams")
        payload = json.dumps(messages["webhook"].payload, ensure_ascii=False)
        self.assert_masked(payload, "webhook")
        self.assertEqual(messages["webhook"].payload["notice"]["code"], str(self.notice.code))
        # The unsubscribe links still work: addresses are not touched.
        self.assertIn("https://driftinfo.example/", email.body)
