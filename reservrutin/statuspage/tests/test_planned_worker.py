"""The plannedevents worker step: reminders once at lead time, start and end notified with
the page version bumped, claims that only one worker wins, and the recurrence horizon."""

from __future__ import annotations

import datetime as dt

import time_machine

from reservrutin.lib.clock import STOCKHOLM
from reservrutin.notifications.models import OutboxMessage
from reservrutin.outages.models import Outage
from reservrutin.statuspage import planned, subscriptions, worker
from reservrutin.statuspage.models import NoticeRule, PageVersion, PlannedEvent, PlannedWindow
from reservrutin.test import BaseTestCase
from reservrutin.workers import loops

NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=STOCKHOLM)


def run_all() -> int:
    fired = 0
    while worker.fire_planned_event():
        fired += 1
    return fired


class PlannedWorkerTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        travel = time_machine.travel(NOW, tick=False)
        self.traveller = travel.start()
        self.addCleanup(travel.stop)
        NoticeRule.objects.create(
            organisation=self.org_a,
            minimum_notice=dt.timedelta(days=14),
            reminder_hours=[72],
            source="SOD-03",
        )
        self.manager = subscriptions.register_subscriber(
            self.org_a,
            by=self.carl,
            channel="email",
            address="chef@privat-utforare.example",
            triggers=["planned_reminder", "planned_start", "planned_end"],
        ).subscription

    def schedule(self, **overrides: object) -> PlannedWindow:
        fields: dict[str, object] = {
            "by": self.carl,
            "systems": [self.system_a],
            "title": "Uppgradering",
            "starts_at": local(2026, 12, 9, 10),
            "ends_at": local(2026, 12, 9, 12),
            "impact": "Journalen går inte att nå.",
            "outage_type": PlannedWindow.OutageType.VERSION_UPGRADE,
        }
        fields.update(overrides)
        return planned.schedule_planned_outage(self.org_a, **fields)  # type: ignore[arg-type]

    def subjects(self) -> list[str]:
        return list(OutboxMessage.objects.order_by("id").values_list("subject", flat=True))

    def test_the_loop_is_registered(self) -> None:
        step = loops.load(["plannedevents"])["plannedevents"]
        self.assertIs(step.__wrapped__, worker.fire_planned_event)

    def test_the_reminder_fires_once_at_its_lead_time(self) -> None:
        self.schedule()
        self.traveller.move_to(local(2026, 12, 6, 9, 59))
        self.assertFalse(worker.fire_planned_event())
        self.assertEqual(self.subjects(), [])
        self.traveller.move_to(local(2026, 12, 6, 10, 0))
        self.assertTrue(worker.fire_planned_event())
        self.assertFalse(worker.fire_planned_event())
        self.traveller.move_to(local(2026, 12, 7, 10, 0))
        self.assertFalse(worker.fire_planned_event())
        self.assertEqual(
            self.subjects(),
            ["Påminnelse: planerat avbrott: Uppgradering (2026-12-09 10:00–12:00)"],
        )
        event = PlannedEvent.objects.get(kind=PlannedEvent.Kind.REMINDER)
        self.assertEqual(event.sent_at, local(2026, 12, 6, 10))
        self.assertIsNone(event.claim_token)

    def test_start_and_end_notify_update_the_outage_and_bump_the_page(self) -> None:
        window = self.schedule()
        outage = window.occurrences.get().outage
        version = PageVersion.objects.get(organisation=self.org_a).version
        self.traveller.move_to(local(2026, 12, 9, 10, 0, 5))
        self.assertEqual(run_all(), 2)  # the reminder, then the start
        outage.refresh_from_db()
        self.assertEqual(outage.status, Outage.Status.IN_PROGRESS)
        self.assertEqual(PageVersion.objects.get(organisation=self.org_a).version, version + 1)
        self.traveller.move_to(local(2026, 12, 9, 12, 1))
        self.assertEqual(run_all(), 1)
        outage.refresh_from_db()
        self.assertEqual(outage.status, Outage.Status.COMPLETED)
        self.assertEqual(outage.resolved_at, local(2026, 12, 9, 12))
        self.assertEqual(PageVersion.objects.get(organisation=self.org_a).version, version + 2)
        # The reminder reached the worker after the start: it is skipped, not sent late.
        self.assertEqual(
            [s.split(":")[0] for s in self.subjects()],
            ["Planerat avbrott pågår", "Planerat avbrott är klart"],
        )
        self.assertEqual(
            [e.text for e in outage.timeline.order_by("id")][-2:],
            ["Det planerade avbrottet har börjat.", "Det planerade avbrottet är slut."],
        )

    def test_only_one_claim_wins(self) -> None:
        self.schedule()
        self.traveller.move_to(local(2026, 12, 6, 10))
        event = PlannedEvent.objects.get(kind=PlannedEvent.Kind.REMINDER)
        now = local(2026, 12, 6, 10)
        first = worker.claim(event.pk, None, now)
        second = worker.claim(event.pk, None, now)
        self.assertIsNotNone(first)
        self.assertIsNone(second)
        # While the lease runs the row is not due for anyone else.
        self.assertFalse(PlannedEvent.objects.due(now).filter(pk=event.pk).exists())

    def test_an_expired_lease_is_taken_over_and_sent_once(self) -> None:
        self.schedule()
        self.traveller.move_to(local(2026, 12, 6, 10))
        event = PlannedEvent.objects.get(kind=PlannedEvent.Kind.REMINDER)
        self.assertIsNotNone(worker.claim(event.pk, None, local(2026, 12, 6, 10)))  # then dies
        self.traveller.move_to(local(2026, 12, 6, 10, 5))
        self.assertTrue(worker.fire_planned_event())
        self.assertFalse(worker.fire_planned_event())
        self.assertEqual(OutboxMessage.objects.count(), 1)

    def test_a_failing_event_is_pushed_forward_not_crash_looped(self) -> None:
        self.schedule()
        self.traveller.move_to(local(2026, 12, 6, 10))
        original = worker.notify_planned

        def broken(*args: object, **kwargs: object) -> int:
            raise RuntimeError("template missing")

        worker.notify_planned = broken  # type: ignore[assignment]
        self.addCleanup(setattr, worker, "notify_planned", original)
        with self.assertRaises(RuntimeError):
            worker.fire_planned_event()
        event = PlannedEvent.objects.get(kind=PlannedEvent.Kind.REMINDER)
        self.assertIsNone(event.sent_at)
        self.assertGreater(event.due_at, local(2026, 12, 6, 10))
        self.assertFalse(worker.fire_planned_event())

    def test_a_recurring_window_keeps_its_horizon_as_occurrences_end(self) -> None:
        window = self.schedule(
            starts_at=local(2026, 12, 9, 10),
            ends_at=local(2026, 12, 9, 12),
            rrule="FREQ=MONTHLY;BYDAY=+2WE",
            outage_type=PlannedWindow.OutageType.SERVICE_WINDOW,
        )
        self.assertEqual(window.occurrences.count(), planned.HORIZON)
        self.traveller.move_to(local(2026, 12, 9, 12, 1))
        run_all()
        self.assertEqual(window.occurrences.count(), planned.HORIZON + 1)
        last = window.occurrences.order_by("-starts_at").first()
        self.assertEqual(last.starts_at, local(2027, 12, 8, 10))
        self.assertEqual(last.outage.kind, Outage.Kind.PLANNED)
        self.assertEqual(last.events.count(), 3)
