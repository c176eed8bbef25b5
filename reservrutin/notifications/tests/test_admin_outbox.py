from __future__ import annotations

from django.urls import reverse

from reservrutin.notifications.models import OutboxMessage
from reservrutin.notifications.tests.helpers import OutboxTestCase, make_message
from reservrutin.test import make_user


class OutboxAdminTests(OutboxTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.admin = make_user("admin", is_staff=True, is_superuser=True)
        self.client.force_login(self.admin)
        self.dead = make_message(dedupe_key="dead")
        OutboxMessage.objects.filter(id=self.dead.id).update(status="dead", next_attempt_at=None)
        self.pending = make_message(dedupe_key="pending")

    def test_it_lists_and_filters_messages(self) -> None:
        url = reverse("admin:notifications_outboxmessage_changelist")
        response = self.client.get(url, {"status__exact": "dead", "q": "dead"})
        self.assertContains(response, "driftinfo@example.org")
        self.assertEqual(response.context["cl"].result_count, 1)

    def test_it_shows_a_message_with_its_attempts_read_only(self) -> None:
        url = reverse("admin:notifications_outboxmessage_change", args=[self.dead.pk])
        response = self.client.get(url)
        self.assertContains(response, "Driftstörning i Cosmic")
        self.assertNotContains(response, 'name="recipient"')

    def test_it_retries_the_failed_ones(self) -> None:
        url = reverse("admin:notifications_outboxmessage_changelist")
        response = self.client.post(
            url,
            {"action": "retry", "_selected_action": [self.dead.pk, self.pending.pk]},
            follow=True,
        )
        self.assertContains(response, "1 meddelande skickas igen.")
        self.assertContains(response, "1 hoppades över")
        self.dead.refresh_from_db()
        self.assertEqual(self.dead.status, OutboxMessage.Status.PENDING)

    def test_it_is_closed_to_non_staff(self) -> None:
        self.client.force_login(make_user("clinician"))
        response = self.client.get(reverse("admin:notifications_outboxmessage_changelist"))
        self.assertEqual(response.status_code, 302)
