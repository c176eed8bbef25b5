"""Scheduling planned outages: recurrence (SOD-05), notice rules (TES-01, SOD-03), outage
types (TES-02) and the announcement to subscribers (TES-06)."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from reservrutin.audit.models import AuditEvent
from reservrutin.lib.clock import STOCKHOLM
from reservrutin.notifications.models import OutboxMessage
from reservrutin.outages.models import Outage, TimelineEntry
from reservrutin.statuspage import planned, subscriptions
from reservrutin.statuspage.models import (
    NoticeRule,
    PageVersion,
    PlannedEvent,
    PlannedOccurrence,
    PlannedWindow,
)
from reservrutin.test import BaseTestCase

NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=STOCKHOLM)


class PlannedTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        traveller = time_machine.travel(NOW, tick=False)
        traveller.start()
        self.addCleanup(traveller.stop)

    def schedule(self, **overrides: object) -> PlannedWindow:
        fields: dict[str, object] = {
            "by": self.carl,
            "systems": [self.system_a],
            "title": "Uppgradering av journalsystemet",
            "starts_at": local(2026, 12, 9, 10),
            "ends_at": local(2026, 12, 9, 12),
            "impact": "Journalen går inte att nå.",
            "staff_instructions": "Dokumentera på papper.",
            "outage_type": PlannedWindow.OutageType.VERSION_UPGRADE,
        }
        fields.update(overrides)
        return planned.schedule_planned_outage(self.org_a, **fields)  # type: ignore[arg-type]


class RecurrenceTests(PlannedTestCase):
    def test_sod_05_second_wednesday_every_month_10_to_12_stockholm(self) -> None:
        window = self.schedule(
            title="Servicefönster",
            outage_type=PlannedWindow.OutageType.SERVICE_WINDOW,
            impact="Omstart mellan 10 och 12, 5–10 minuter. Spara ofta.",
            starts_at=local(2026, 12, 1, 10),
            ends_at=local(2026, 12, 1, 12),
            rrule="FREQ=MONTHLY;BYDAY=+2WE",
        )
        starts = [o.starts_at.astimezone(STOCKHOLM) for o in window.occurrences.all()]
        self.assertEqual(len(starts), planned.HORIZON)
        self.assertEqual(starts[0], local(2026, 12, 9, 10))
        self.assertEqual(starts[1], local(2027, 1, 13, 10))
        self.assertEqual(starts[2], local(2027, 2, 10, 10))
        # Across the change to summer time the local time stays 10:00 (08:00 UTC).
        self.assertEqual(starts[4], local(2027, 4, 14, 10))
        self.assertEqual(window.occurrences.all()[4].starts_at.astimezone(dt.UTC).hour, 8)
        self.assertTrue(all(s.weekday() == 2 and 8 <= s.day <= 14 for s in starts))
        self.assertTrue(
            all(o.ends_at - o.starts_at == dt.timedelta(hours=2) for o in window.occurrences.all())
        )
        # The window starts at its first real occurrence (RFC 5545 DTSTART).
        self.assertEqual(window.starts_at, local(2026, 12, 9, 10))
        self.assertEqual(Outage.objects.filter(kind=Outage.Kind.PLANNED).count(), planned.HORIZON)

    def test_a_finite_rule_makes_only_its_occurrences(self) -> None:
        window = self.schedule(rrule="RRULE:FREQ=WEEKLY;COUNT=3")
        self.assertEqual(window.occurrences.count(), 3)
        self.assertEqual(window.rrule, "FREQ=WEEKLY;COUNT=3")

    def test_a_rule_that_never_occurs_is_refused(self) -> None:
        with self.assertRaisesMessage(ValidationError, "inget tillfälle inom 10 år"):
            self.schedule(rrule="FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30")
        with self.assertRaisesMessage(ValidationError, "inget enda tillfälle"):
            self.schedule(rrule="FREQ=MONTHLY;UNTIL=20261201T000000Z")
        self.assertFalse(PlannedWindow.objects.exists())

    def test_bad_rules_and_times_are_explained(self) -> None:
        cases = [
            ({"rrule": "FREQ=MINUTELY"}, "rrule"),
            ({"rrule": "FREQ=MONTHLY;BYDAY=XX"}, "rrule"),
            ({"ends_at": local(2026, 12, 9, 9)}, "ends_at"),
            ({"ends_at": local(2026, 12, 9, 10)}, "ends_at"),
            ({"starts_at": local(2026, 11, 1, 10), "ends_at": local(2026, 11, 1, 12)}, "starts_at"),
            ({"systems": [self.system_b]}, "systems"),
            ({"outage_type": "lightning"}, "outage_type"),
            ({"title": " "}, "title"),
        ]
        for overrides, field in cases:
            with self.subTest(field=field, overrides=overrides):
                with self.assertRaises(ValidationError) as ctx:
                    self.schedule(**overrides)
                self.assertIn(field, ctx.exception.error_dict)

    def test_only_coordinators_schedule(self) -> None:
        for user in [self.alice, self.petra, self.maria, self.bob]:
            with self.assertRaises(PermissionDenied):
                self.schedule(by=user)
        self.schedule(by=self.adam)


class NoticeRuleTests(PlannedTestCase):
    def test_tes_01_seven_days_short_notice_needs_a_reason_and_it_is_recorded(self) -> None:
        soon = {"starts_at": local(2026, 11, 24, 10), "ends_at": local(2026, 11, 24, 11)}
        with self.assertRaises(ValidationError) as ctx:
            self.schedule(**soon)
        message = ctx.exception.error_dict["reason_for_short_notice"][0].messages[0]
        self.assertIn("minst 7 dagar", message)
        self.assertIn("TES-01", message)

        window = self.schedule(
            **soon, reason_for_short_notice="Säkerhetsuppdatering från leverantören."
        )
        self.assertEqual(window.reason_for_short_notice, "Säkerhetsuppdatering från leverantören.")
        outage = window.occurrences.get().outage
        entry = outage.timeline.get(kind=TimelineEntry.Kind.NOTE)
        self.assertIn("Säkerhetsuppdatering", entry.text)
        self.assertEqual(entry.actor, self.carl)
        self.assertTrue(entry.data["short_notice"])

    def test_enough_notice_needs_no_reason_and_records_none(self) -> None:
        window = self.schedule(reason_for_short_notice="onödigt")
        self.assertEqual(window.reason_for_short_notice, "")
        self.assertFalse(TimelineEntry.objects.filter(kind=TimelineEntry.Kind.NOTE).exists())

    def test_sod_03_fourteen_days_and_a_reminder_three_days_before(self) -> None:
        NoticeRule.objects.create(
            organisation=self.org_a,
            minimum_notice=dt.timedelta(days=14),
            reminder_hours=[72],
            source="SOD-03",
        )
        ten_days = {"starts_at": local(2026, 11, 30, 10), "ends_at": local(2026, 11, 30, 12)}
        with self.assertRaisesMessage(ValidationError, "minst 14 dagar"):
            self.schedule(**ten_days)
        window = self.schedule()  # 2026-12-09: 19 days ahead
        occurrence = window.occurrences.get()
        reminder = occurrence.events.get(kind=PlannedEvent.Kind.REMINDER)
        self.assertEqual(reminder.due_at, local(2026, 12, 6, 10))
        self.assertEqual(
            sorted(occurrence.events.values_list("kind", flat=True)), ["end", "reminder", "start"]
        )


class AnnouncementTests(PlannedTestCase):
    def test_tes_06_announced_to_subscribers_and_page_version_bumped(self) -> None:
        manager = subscriptions.register_subscriber(
            self.org_a,
            by=self.carl,
            channel="email",
            address="chef@privat-utforare.example",
            triggers=["planned_announced", "planned_reminder"],
        ).subscription
        subscriptions.register_subscriber(
            self.org_a,
            by=self.carl,
            channel="email",
            address="akut@example.org",
            triggers=["new_outage"],
        )
        before = PageVersion.objects.filter(organisation=self.org_a).first()
        window = self.schedule()
        [message] = OutboxMessage.objects.all()
        self.assertEqual(message.recipient, manager.address)
        self.assertEqual(
            message.subject,
            "Planerat avbrott: Uppgradering av journalsystemet (2026-12-09 10:00–12:00)",
        )
        self.assertIn("Planerat avbrott / versionsuppgradering", message.body)
        self.assertIn("Dokumentera på papper.", message.body)
        self.assertIn("List-Unsubscribe", message.headers)
        self.assertEqual(message.object_id, str(window.occurrences.get().outage.pk))
        self.assertEqual(
            PageVersion.objects.get(organisation=self.org_a).version,
            (before.version if before else 0) + 1,
        )
        self.assertTrue(AuditEvent.objects.filter(action="statuspage.planned_scheduled").exists())
        self.assertEqual(PlannedOccurrence.objects.upcoming(NOW).count(), 1)
