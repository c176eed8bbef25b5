"""The acknowledge page /kvittera/<token>/: works without login; the token is the credential."""

from __future__ import annotations

from django.urls import reverse

from reservrutin.outages import messaging
from reservrutin.outages.tests.factories import make_escalation, make_outage
from reservrutin.test import BaseTestCase


class AcknowledgeViewTest(BaseTestCase):
    def setUp(self) -> None:
        outage = make_outage(self.org_a, [self.system_a])
        self.escalation = make_escalation(outage, self.carl)
        self.url = reverse("outages:acknowledge", args=[messaging.ack_token(self.escalation)])

    def test_it_acknowledges_without_login_on_post_only(self) -> None:
        response = self.client.get(self.url)
        self.assertContains(response, "Jag har tagit emot meddelandet")
        self.escalation.refresh_from_db()
        self.assertIsNone(self.escalation.acknowledged_at)  # a GET (a mail scanner) changes nothing
        response = self.client.post(self.url)
        self.assertContains(response, "Kvitterat")
        self.escalation.refresh_from_db()
        self.assertEqual(self.escalation.acknowledged_by, self.carl)

    def test_it_rejects_a_forged_token(self) -> None:
        url = reverse("outages:acknowledge", args=["forged"])
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.post(url).status_code, 404)
