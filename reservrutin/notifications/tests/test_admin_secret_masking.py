"""The outbox admin never shows a webhook's signing secret."""

from __future__ import annotations

from django.contrib.admin.sites import site
from django.test import SimpleTestCase

from reservrutin.notifications.admin import OutboxMessageAdmin
from reservrutin.notifications.models import OutboxMessage


class SecretMaskingTests(SimpleTestCase):
    def test_it_masks_a_webhook_secret_in_the_admin(self) -> None:
        message = OutboxMessage(headers={"webhook_secret": "whsec_abc", "X-Other": "1"})
        shown = OutboxMessageAdmin(OutboxMessage, site).shown_headers(message)
        self.assertEqual(shown, {"webhook_secret": "••••", "X-Other": "1"})
