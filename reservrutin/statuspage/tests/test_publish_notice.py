"""Only publishers publish driftinfo (LMN-02, S2-02); edits keep the original; timeline."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

from reservrutin.outages.models import TimelineEntry
from reservrutin.statuspage import actions
from reservrutin.statuspage.models import Notice
from reservrutin.statuspage.tests.helpers import StatusTestCase


class PublishActionTests(StatusTestCase):
    def test_lmn_02_staff_can_report_but_not_publish(self) -> None:
        for user in (self.alice, self.carl, self.maria, self.bob):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                actions.create_notice(
                    self.org_a, by=user, title="t", body="b", systems=[self.system_a], publish=True
                )
        self.assertFalse(Notice.objects.exists())

    def test_s2_02_the_system_owner_publishes_for_their_system_only(self) -> None:
        notice = actions.create_notice(
            self.org_a,
            by=self.petra,
            title="A nere",
            body="b",
            systems=[self.system_a],
            publish=True,
        )
        self.assertEqual(notice.status, Notice.Status.PUBLISHED)
        with self.assertRaises(PermissionDenied):
            actions.create_notice(
                self.org_a,
                by=self.petra,
                title="A2",
                body="b",
                systems=[self.system_a2],
                publish=True,
            )
        with self.assertRaises(PermissionDenied):
            actions.create_notice(
                self.org_a,
                by=self.petra,
                title="both",
                body="b",
                systems=[self.system_a, self.system_a2],
                publish=True,
            )

    def test_publishing_writes_the_outage_timeline_in_the_same_action(self) -> None:
        self.publish(outage=self.outage)
        entry = TimelineEntry.objects.get(outage=self.outage, kind=TimelineEntry.Kind.NOTICE)
        self.assertEqual(entry.actor, self.adam)
        self.assertIn("publicerad", entry.text)

    def test_an_edit_keeps_the_previous_wording(self) -> None:
        notice = self.publish(title="Första", body="Första texten")
        actions.update_notice(notice, by=self.petra, title="Andra", body="Andra texten")
        notice.refresh_from_db()
        self.assertEqual(notice.title, "Andra")
        self.assertEqual(list(notice.revisions.values_list("title", flat=True)), ["Första"])

    def test_it_refuses_empty_text_and_foreign_systems(self) -> None:
        with self.assertRaises(ValidationError) as ctx:
            actions.create_notice(self.org_a, by=self.adam, title=" ", body="", systems=[])
        self.assertEqual(set(ctx.exception.message_dict), {"title", "body", "systems"})
        with self.assertRaises(ValidationError):
            actions.create_notice(
                self.org_a, by=self.adam, title="t", body="b", systems=[self.system_b]
            )

    def test_an_ended_notice_cannot_be_ended_or_changed_again(self) -> None:
        notice = self.publish()
        actions.end_notice(notice, by=self.adam)
        with self.assertRaises(ValidationError):
            actions.end_notice(notice, by=self.adam)
        with self.assertRaises(ValidationError):
            actions.update_notice(notice, by=self.adam, title="x", body="y")


class PublishViewTests(StatusTestCase):
    def test_the_publisher_writes_previews_and_publishes(self) -> None:
        self.login(self.petra)
        data = {
            "title": "A nere",
            "body": "Vänta.",
            "severity": "outage",
            "systems": [self.system_a.pk],
        }
        preview = self.client.post("/org/org-a/driftinfo/ny/", {**data, "preview": "1"})
        self.assertContains(preview, "Förhandsvisning")
        self.assertFalse(Notice.objects.exists())
        response = self.client.post("/org/org-a/driftinfo/ny/", {**data, "publish": "1"})
        notice = Notice.objects.get()
        self.assertRedirects(response, f"/org/org-a/driftinfo/{notice.code}/")
        self.assertEqual(notice.status, Notice.Status.PUBLISHED)

    def test_a_form_error_keeps_what_was_typed(self) -> None:
        self.login(self.petra)
        response = self.client.post(
            "/org/org-a/driftinfo/ny/",
            {
                "title": "Min rubrik",
                "body": "",
                "severity": "outage",
                "systems": [self.system_a.pk],
                "publish": "1",
            },
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, 'value="Min rubrik"', status_code=400)

    def test_staff_get_403_on_publishing_and_outsiders_404(self) -> None:
        data = {
            "title": "t",
            "body": "b",
            "severity": "outage",
            "systems": [self.system_a.pk],
            "publish": "1",
        }
        self.login(self.alice)
        self.assertEqual(self.client.post("/org/org-a/driftinfo/ny/", data).status_code, 403)
        self.login(self.bob)
        self.assertEqual(self.client.get("/org/org-a/driftinfo/").status_code, 404)
        self.assertEqual(self.client.post("/org/org-a/driftinfo/ny/", data).status_code, 404)
        self.assertFalse(Notice.objects.exists())

    def test_anonymous_visitors_are_sent_to_login(self) -> None:
        for url in ("/org/org-a/driftinfo/", "/org/org-a/driftinfo/ny/"):
            self.assert_requires_login(url)

    def test_drafts_are_visible_to_publishers_and_the_outages_coordinators_only(self) -> None:
        draft = actions.create_notice(
            self.org_a,
            by=self.adam,
            title="Utkast",
            body="b",
            systems=[self.system_a],
            outage=self.outage,
        )
        url = f"/org/org-a/driftinfo/{draft.code}/"
        for user, status in (
            (self.petra, 200),
            (self.carl, 200),
            (self.alice, 404),
            (self.bob, 404),
        ):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.client.get(url).status_code, status)

    def test_the_publisher_edits_and_ends_a_notice(self) -> None:
        notice = self.publish()
        self.login(self.petra)
        url = f"/org/org-a/driftinfo/{notice.code}/"
        self.client.post(url, {"title": "Ny rubrik", "body": "Ny text", "severity": "disturbance"})
        notice.refresh_from_db()
        self.assertEqual(notice.title, "Ny rubrik")
        self.client.post(url + "avsluta/")
        notice.refresh_from_db()
        self.assertEqual(notice.status, Notice.Status.ENDED)

    def test_staff_cannot_edit_or_end(self) -> None:
        notice = self.publish()
        self.login(self.alice)
        url = f"/org/org-a/driftinfo/{notice.code}/"
        self.assertEqual(
            self.client.post(url, {"title": "x", "body": "y", "severity": "outage"}).status_code,
            403,
        )
        self.assertEqual(self.client.post(url + "avsluta/").status_code, 403)
        notice.refresh_from_db()
        self.assertEqual(notice.status, Notice.Status.PUBLISHED)
