"""The notice page's final update ("Slutbesked") and keep button, per persona: publishers
write and keep; others are refused and nothing changes; bad input keeps what was there."""

from __future__ import annotations

from reservrutin.statuspage.models import Notice
from reservrutin.statuspage.tests.helpers import StatusTestCase


class NoticeFinalUpdateViewTest(StatusTestCase):
    def setUp(self) -> None:
        self.notice = self.publish(outage=self.outage)
        self.url = f"/org/org-a/driftinfo/{self.notice.code}/slutbesked/"
        self.keep_url = f"/org/org-a/driftinfo/{self.notice.code}/behall/"

    def test_a_publisher_writes_the_final_update_before_the_outage_is_resolved(self) -> None:
        self.login(self.petra)
        response = self.client.post(self.url, {"final_update": "Efterregistrera i kväll."})
        self.assertEqual(response.status_code, 302)
        self.notice.refresh_from_db()
        self.assertEqual(self.notice.final_update, "Efterregistrera i kväll.")
        self.assertEqual(self.notice.status, Notice.Status.PUBLISHED)
        page = self.client.get(f"/org/org-a/driftinfo/{self.notice.code}/").content.decode()
        self.assertIn("Efterregistrera i kväll.", page)
        self.assertIn("Behåll efter störningen", page)

    def test_an_empty_final_update_is_refused_with_a_message(self) -> None:
        self.login(self.petra)
        response = self.client.post(self.url, {"final_update": "  "})
        self.assertContains(response, "Detta fält måste fyllas i", status_code=400)
        self.notice.refresh_from_db()
        self.assertEqual(self.notice.final_update, "")

    def test_a_too_long_final_update_is_refused_and_what_was_typed_stays(self) -> None:
        self.login(self.petra)
        typed = "Åtgärdat. " + "x" * 2000
        response = self.client.post(self.url, {"final_update": typed})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, typed, status_code=400)
        self.notice.refresh_from_db()
        self.assertEqual(self.notice.final_update, "")

    def test_a_draft_has_no_final_update(self) -> None:
        draft = self.publish(outage=self.outage)
        Notice.objects.filter(pk=draft.pk).update(status=Notice.Status.DRAFT)
        self.login(self.petra)
        url = f"/org/org-a/driftinfo/{draft.code}/slutbesked/"
        response = self.client.post(url, {"final_update": "Klart."})
        self.assertContains(response, "Ett utkast har inget slutbesked.", status_code=400)
        self.assertContains(response, "Klart.", status_code=400)

    def test_staff_and_coordinators_may_not_write_it_or_keep_the_notice(self) -> None:
        for user in (self.alice, self.carl, self.maria):
            self.login(user)
            with self.subTest(user=user.username):
                self.assertEqual(self.client.post(self.url, {"final_update": "X"}).status_code, 403)
                self.assertEqual(self.client.post(self.keep_url).status_code, 403)
        self.notice.refresh_from_db()
        self.assertEqual(self.notice.final_update, "")
        self.assertIsNone(self.notice.kept_at)

    def test_an_outsider_does_not_find_the_notice(self) -> None:
        self.login(self.bob)
        self.assertEqual(self.client.post(self.url, {"final_update": "X"}).status_code, 404)

    def test_anonymous_visitors_are_sent_to_log_in(self) -> None:
        response = self.client.post(self.url, {"final_update": "X"})
        self.assertEqual(response.status_code, 302)
        self.assertIn("/logga-in/", response["Location"])

    def test_a_notice_without_an_outage_cannot_be_kept(self) -> None:
        plain = self.publish()
        self.login(self.petra)
        response = self.client.post(f"/org/org-a/driftinfo/{plain.code}/behall/", follow=True)
        self.assertContains(response, "Bara driftinfo om en störning kan behållas")
        plain.refresh_from_db()
        self.assertIsNone(plain.kept_at)
