"""Steps done on paper: a task is signed with the time it was really done; the entry time
is kept beside it and never editable (issue 12)."""

from __future__ import annotations

from django.urls import reverse

from reservrutin.outages import actions
from reservrutin.outages.models import TimelineEntry
from reservrutin.outages.tests.factories import make_outage, make_task
from reservrutin.outages.tests.helpers import at, local
from reservrutin.test import BaseTestCase


class PaperTimeTest(BaseTestCase):
    def setUp(self) -> None:
        with at(9, 30):
            self.outage = make_outage(self.org_a, [self.system_a], started_at=local(9, 30))
            self.task = make_task(self.outage, instruction="Dela ut papperslistor")
        self.url = reverse("outages:task_done", args=["org-a", self.outage.code, self.task.code])
        self.login(self.alice)

    def test_it_keeps_the_event_time_beside_the_entry_time(self) -> None:
        with at(11):
            response = self.client.post(self.url, {"performed_at": "10:10"})
        self.assertEqual(response.status_code, 302)
        self.task.refresh_from_db()
        self.assertEqual(self.task.performed_at, local(10, 10))
        self.assertEqual(self.task.done_at, local(11))
        entry = self.outage.timeline.filter(kind=TimelineEntry.Kind.TASK).get()
        self.assertEqual(entry.created_at, local(11))
        self.assertIn(
            "Klart: Dela ut papperslistor (utfört 10:10, registrerat 11:00 av Alice Andersson)",
            entry.text,
        )
        with at(11, 5):
            page = self.client.get(reverse("outages:detail", args=["org-a", self.outage.code]))
        self.assertContains(page, "utfört 24 november 10:10, registrerat 24 november 11:00")

    def test_it_accepts_a_full_date_and_time(self) -> None:
        with at(11):
            self.client.post(self.url, {"performed_at": "2026-11-24T10:10"})
        self.task.refresh_from_db()
        self.assertEqual(self.task.performed_at, local(10, 10))

    def test_it_refuses_an_event_time_in_the_future_and_keeps_what_was_typed(self) -> None:
        with at(11):
            response = self.client.post(self.url, {"performed_at": "11:30"})
        self.assertContains(response, "Utfört 11:30 ligger i framtiden.", status_code=400)
        self.assertContains(response, 'value="11:30"', status_code=400)
        self.task.refresh_from_db()
        self.assertIsNone(self.task.done_at)

    def test_it_refuses_an_event_time_before_the_outage_began(self) -> None:
        with at(11):
            response = self.client.post(self.url, {"performed_at": "09:00"})
        self.assertContains(
            response, "Utfört 09:00 ligger före störningens början 09:30.", status_code=400
        )
        self.task.refresh_from_db()
        self.assertIsNone(self.task.done_at)

    def test_it_accepts_the_minute_the_outage_began(self) -> None:
        began = local(9, 30).replace(second=40)
        outage = make_outage(self.org_a, [self.system_a], started_at=began)
        task = make_task(outage)
        with at(11):
            actions.complete_task(task, by=self.alice, performed_at=local(9, 30))
        task.refresh_from_db()
        self.assertEqual(task.performed_at, local(9, 30))

    def test_it_refuses_a_time_it_cannot_read(self) -> None:
        with at(11):
            response = self.client.post(self.url, {"performed_at": "kl tio"})
        self.assertContains(response, "Skriv tiden som 10:10", status_code=400)
        self.assertContains(response, 'value="kl tio"', status_code=400)

    def test_it_tells_a_second_tick_who_ticked_it(self) -> None:
        with at(11):
            self.client.post(self.url)
        with at(11, 20):
            self.login(self.carl)
            response = self.client.post(self.url, {"performed_at": "10:00"})
        self.assertContains(
            response,
            "Uppgiften är redan klar: klarmarkerad 11:00 av Alice Andersson.",
            status_code=400,
        )
        self.task.refresh_from_db()
        self.assertEqual((self.task.done_at, self.task.performed_at), (local(11), None))

    def test_it_never_takes_the_entry_time_from_the_form(self) -> None:
        with at(11):
            self.client.post(self.url, {"done_at": "2026-11-24T09:45", "performed_at": ""})
        self.task.refresh_from_db()
        self.assertEqual(self.task.done_at, local(11))
        self.assertIsNone(self.task.performed_at)
