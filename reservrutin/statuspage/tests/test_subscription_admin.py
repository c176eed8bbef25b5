"""The admin lists subscriptions without ever showing a webhook secret."""

from __future__ import annotations

from django.test import override_settings

from reservrutin.statuspage import subscriptions
from reservrutin.test import BaseTestCase, make_user


@override_settings(OUTBOUND_ALLOW=["127.0.0.1/32"])
class SubscriptionAdminTests(BaseTestCase):
    def test_it_lists_and_shows_without_the_secret(self) -> None:
        result = subscriptions.subscribe(
            self.org_a, channel="webhook", address="http://127.0.0.1:9/h"
        )
        self.client.force_login(make_user("root", is_superuser=True, is_staff=True))
        for url in [
            "/admin/statuspage/subscription/",
            f"/admin/statuspage/subscription/{result.subscription.pk}/change/",
            "/admin/statuspage/plannedwindow/",
            "/admin/statuspage/plannedevent/",
            "/admin/statuspage/noticerule/",
        ]:
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
            self.assertNotContains(response, result.webhook_secret)
