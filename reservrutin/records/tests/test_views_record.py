"""The record page and its actions: persona matrix, audit, SP-11 note, no back-dating."""

from __future__ import annotations

import datetime as dt

import time_machine

from reservrutin.audit.models import AuditEvent
from reservrutin.records.models import BackRegistration, DowntimeRecord
from reservrutin.records.tests.helpers import NEXT_MORNING, PNR, RecordsTestCase, key


class RecordPageTests(RecordsTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.record = self.capture()
        self.url = f"/org/org-a/efterregistrering/{self.record.code}/"

    def test_it_requires_login(self) -> None:
        self.assert_requires_login(self.url)

    def test_persona_matrix(self) -> None:
        """Only the unit's staff, its manager and org admins see personal data."""
        for user, status in ((self.alice, 200), (self.maria, 200), (self.adam, 200),
                             (self.bob, 404), (self.carl, 404), (self.petra, 404)):  # fmt: skip
            self.login(user)
            self.assertEqual(self.client.get(self.url).status_code, status, user)

    def test_another_units_staff_get_404(self) -> None:
        from reservrutin.accounts.models import Membership
        from reservrutin.test import make_user

        other = make_user("olle")
        Membership.objects.create(
            user=other, organisation=self.org_a, unit=self.unit_a2, role="staff"
        )
        self.login(other)
        self.assertEqual(self.client.get(self.url).status_code, 404)

    def test_every_view_leaves_an_audit_row(self) -> None:
        self.login(self.maria)
        self.client.get(self.url)
        self.client.get(self.url)
        events = AuditEvent.objects.filter(action="records.viewed", actor=self.maria)
        self.assertEqual(events.count(), 2)
        self.assertEqual(events.first().object_id, str(self.record.pk))

    def test_it_shows_the_full_number_and_the_note_with_both_times(self) -> None:
        """SP-11: the text to paste names the event time, the writer and the entry time."""
        self.login(self.alice)
        response = self.client.get(self.url)
        self.assertContains(response, PNR)
        self.assertContains(
            response,
            "Efterregistrering från reservrutin. Händelsen inträffade 2026-11-18 kl. 09:40 och "
            "dokumenterades på papper av Nora Karlsson. Registrerad i systemet 2026-11-19 kl. "
            "08:15 (datum avviker från rapporterat datum på grund av driftstörning). "
            "Redatering är inte tillåten.",
        )

    def test_mark_done_uses_the_server_time_whatever_is_posted(self) -> None:
        """SP-11: posted done/entry times are ignored."""
        self.login(self.alice)
        later = NEXT_MORNING + dt.timedelta(hours=1)
        with time_machine.travel(later, tick=False):
            self.client.post(
                self.url + "klar/",
                {
                    "external_ref": "Cosmic 42",
                    "done_at": "2026-11-18T09:40",
                    "entered_at": "2026-11-18T09:40",
                },
            )
        backreg = BackRegistration.objects.get()
        self.assertEqual(backreg.status, "done")
        self.assertEqual(backreg.done_at, later)
        self.assertEqual(DowntimeRecord.objects.get().entered_at, NEXT_MORNING)

    def test_reassign_and_cannot_be_done(self) -> None:
        self.login(self.alice)
        self.client.post(self.url + "omfordela/", {"to": self.maria.pk, "reason": "Ledig"})
        backreg = BackRegistration.objects.get()
        self.assertEqual(backreg.responsible, self.maria)
        self.login(self.maria)
        self.client.post(self.url + "kan-inte/", {"reason": "Oläsligt"})
        backreg.refresh_from_db()
        self.assertEqual(backreg.status, "cannot_be_done")

    def test_outsiders_cannot_post_actions(self) -> None:
        self.login(self.bob)
        for path in ("klar/", "omfordela/", "kan-inte/", "rattelse/"):
            self.assertEqual(self.client.post(self.url + path, {}).status_code, 404, path)
        self.assertEqual(BackRegistration.objects.get().status, "pending")

    def test_a_correction_keeps_the_original_visible(self) -> None:
        self.login(self.alice)
        response = self.client.post(
            self.url + "rattelse/",
            {
                "idempotency_key": key(),
                "event_at": "2026-11-18T09:45",
                "written_by_name": "Nora Karlsson",
                "content": "Rättelse: 500 mg.",
                "entered_at": "2026-11-18T09:45",
            },
        )
        correction = DowntimeRecord.objects.get(corrects=self.record)
        self.assertEqual(correction.entered_at, NEXT_MORNING)
        self.assertRedirects(response, f"/org/org-a/efterregistrering/{correction.code}/")
        page = self.client.get(self.url)
        self.assertContains(page, correction.number)
        self.assertContains(page, "Gav Alvedon 1 g")
