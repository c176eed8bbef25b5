"""Notice rules for planned outages come from the routine in force (TES-01, SOD-03): the
seed routines' ``planned_outages.notices`` set the minimum notice, the short-notice reason
and the reminders; a new routine version changes them; the organisation's own rule adds
to them, the longest minimum notice winning."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.core.exceptions import ValidationError
from django.test import TestCase

from reservrutin.accounts.models import Organisation, User
from reservrutin.audit.models import AuditEvent
from reservrutin.lib.clock import STOCKHOLM
from reservrutin.notifications.models import OutboxMessage
from reservrutin.outages.models import TimelineEntry
from reservrutin.registry.demo.load import load as load_catalog
from reservrutin.registry.models import System
from reservrutin.routines.actions import approve_version, import_routine
from reservrutin.routines.demo import SEEDS_DIR
from reservrutin.routines.models import RoutineVersion
from reservrutin.statuspage import planned, subscriptions, worker
from reservrutin.statuspage.models import NoticeRule, PlannedEvent, PlannedWindow
from reservrutin.statuspage.notice_rules import Origin, notice_rules

#: A Friday; every start below is at least a few days later.
NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
TES_TITLE = "Rutin vid driftstopp i verksamhetssystem och IT-stöd (Treserva och TES)"
SOD_TITLE = "Reservrutin vid avbrott i verksamhetssystemen Lifecare och Phoniro"


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=STOCKHOLM)


def put_in_force(name: str, *replacements: tuple[str, str]) -> RoutineVersion:
    """Import a seed routine (with some text replaced, as a new version would) and put it in
    force."""
    text = (SEEDS_DIR / name).read_text(encoding="utf-8")
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    imported = import_routine(text, filename=name, by=None)
    return approve_version(imported.version, by=None)


def run_worker() -> int:
    fired = 0
    while worker.fire_planned_event():
        fired += 1
    return fired


class SeedRoutineTestCase(TestCase):
    """The demo catalogue with Linköping's and Söderköping's seed routines in force."""

    @classmethod
    def setUpTestData(cls) -> None:
        with time_machine.travel(NOW, tick=False):
            load_catalog()
            cls.tes_v1 = put_in_force("treserva-tes.yaml")
            cls.sod_v1 = put_in_force("soderkoping-lifecare-phoniro.yaml")
        cls.linkoping = Organisation.objects.get(key="linkoping")
        cls.soderkoping = Organisation.objects.get(key="soderkoping")
        cls.tes = System.objects.get(organisation=cls.linkoping, key="tes")
        cls.lifecare = System.objects.get(organisation=cls.soderkoping, key="lifecare")
        cls.wifi = System.objects.get(organisation=cls.soderkoping, key="wifi")
        cls.mikael = User.objects.get(username="mikael.sund")  # coordinator, Linköping
        cls.marie = User.objects.get(username="marie.svensson")  # coordinator, Söderköping

    def setUp(self) -> None:
        super().setUp()
        travel = time_machine.travel(NOW, tick=False)
        self.traveller = travel.start()
        self.addCleanup(travel.stop)

    def schedule_tes(self, starts_at: dt.datetime, **extra: object) -> PlannedWindow:
        return planned.schedule_planned_outage(
            self.linkoping,
            by=self.mikael,
            systems=[self.tes],
            title="Versionsuppgradering av TES",
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(hours=2),
            impact="TES-appen och digitala nycklar fungerar inte.",
            staff_instructions="Använd konventionella nycklar.",
            outage_type=PlannedWindow.OutageType.VERSION_UPGRADE,
            **extra,  # type: ignore[arg-type]
        )

    def schedule_sod(
        self, starts_at: dt.datetime, systems: list[System] | None = None, **extra: object
    ) -> PlannedWindow:
        return planned.schedule_planned_outage(
            self.soderkoping,
            by=self.marie,
            systems=systems or [self.lifecare],
            title="Uppgradering av Lifecare",
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(hours=3),
            impact="Lifecare går inte att använda.",
            outage_type=PlannedWindow.OutageType.VERSION_UPGRADE,
            **extra,  # type: ignore[arg-type]
        )

    @staticmethod
    def reminders(window: PlannedWindow) -> list[dt.timedelta]:
        occurrence = window.occurrences.get()
        events = occurrence.events.filter(kind=PlannedEvent.Kind.REMINDER).order_by("due_at")
        for event in events:
            assert event.due_at == occurrence.starts_at - event.lead
        return [event.lead for event in events]


class TesNoticeRuleTests(SeedRoutineTestCase):
    def test_tes_01_the_routine_in_force_sets_seven_days_and_names_itself(self) -> None:
        rules = notice_rules(self.linkoping, [self.tes])
        self.assertEqual(rules.minimum_notice, dt.timedelta(days=7))
        self.assertEqual(rules.binding.origin, Origin.ROUTINE)
        self.assertEqual(rules.source, f"enligt rutinen ”{TES_TITLE}”, version 1")
        # The line names the managers (TES-02: regional managers), so they are reminded.
        self.assertEqual(rules.reminder_leads, (dt.timedelta(days=7),))

        with self.assertRaises(ValidationError) as ctx:
            self.schedule_tes(local(2026, 11, 25, 10))  # 5 days ahead
        message = ctx.exception.error_dict["reason_for_short_notice"][0].messages[0]
        self.assertIn("minst 7 dagar", message)
        self.assertIn(f"enligt rutinen ”{TES_TITLE}”, version 1", message)
        self.assertFalse(PlannedWindow.objects.exists())

    def test_tes_01_short_notice_needs_a_reason_recorded_on_the_timeline_with_the_rule(
        self,
    ) -> None:
        window = self.schedule_tes(
            local(2026, 11, 25, 10), reason_for_short_notice="Säkerhetsrättning från leverantören."
        )
        entry = window.occurrences.get().outage.timeline.get(kind=TimelineEntry.Kind.NOTE)
        self.assertIn("Säkerhetsrättning från leverantören.", entry.text)
        self.assertIn("minst 7 dagar", entry.text)
        self.assertIn("version 1", entry.text)
        self.assertEqual(entry.actor, self.mikael)
        self.assertTrue(entry.data["short_notice"])
        self.assertEqual(
            entry.data["rule_source"],
            {
                "origin": "routine",
                "minimum_notice_days": 7,
                "reminder_hours": [168],
                "routine": "treserva-tes",
                "version": 1,
            },
        )
        event = AuditEvent.objects.get(action="statuspage.planned_scheduled")
        self.assertEqual(event.detail["notice_rule"]["routine"], "treserva-tes")
        # The 7-day reminder had already passed when it was scheduled: none is made.
        self.assertEqual(self.reminders(window), [])

    def test_tes_01_a_new_routine_version_changes_the_lead_time(self) -> None:
        text = ("days_before: 7\n", "days_before: 10\n")
        imported = import_routine(
            (SEEDS_DIR / "treserva-tes.yaml").read_text(encoding="utf-8").replace(*text),
            filename="treserva-tes.yaml",
            by=None,
        )
        # Imported but not in force: version 1 still applies.
        self.assertEqual(notice_rules(self.linkoping, [self.tes]).minimum_notice.days, 7)
        approve_version(imported.version, by=None)
        rules = notice_rules(self.linkoping, [self.tes])
        self.assertEqual(rules.minimum_notice, dt.timedelta(days=10))
        self.assertEqual(rules.reminder_leads, (dt.timedelta(days=10),))
        self.assertEqual(rules.source, f"enligt rutinen ”{TES_TITLE}”, version 2")

        # Eight days' notice was enough under version 1; under version 2 it is short.
        with self.assertRaisesMessage(ValidationError, "minst 10 dagar"):
            self.schedule_tes(local(2026, 11, 28, 10))
        window = self.schedule_tes(local(2026, 12, 4, 10))  # 14 days ahead
        self.assertEqual(self.reminders(window), [dt.timedelta(days=10)])

    def test_tes_01_managers_are_reminded_at_the_routines_lead_time(self) -> None:
        subscriptions.register_subscriber(
            self.linkoping,
            by=self.mikael,
            channel="email",
            address="regionchef@linkoping.example",
            label="Regionchef hemtjänsten",
            triggers=["planned_reminder"],
        )
        window = self.schedule_tes(local(2026, 12, 10, 10))
        self.assertEqual(self.reminders(window), [dt.timedelta(days=7)])
        self.traveller.move_to(local(2026, 12, 3, 9, 59))
        self.assertEqual(run_worker(), 0)
        self.traveller.move_to(local(2026, 12, 3, 10, 0))
        self.assertEqual(run_worker(), 1)
        message = OutboxMessage.objects.get()
        self.assertEqual(message.recipient, "regionchef@linkoping.example")
        self.assertTrue(message.subject.startswith("Påminnelse: planerat avbrott"))


class SodNoticeRuleTests(SeedRoutineTestCase):
    def test_sod_03_fourteen_days_in_the_system_and_two_to_three_days_to_managers(self) -> None:
        rules = notice_rules(self.soderkoping, [self.lifecare])
        self.assertEqual(rules.minimum_notice, dt.timedelta(days=14))
        self.assertEqual(
            [(r.days, r.channels) for r in rules.applied],
            [("14", ("in_system",)), ("2–3", ("intranet", "email", "sms", "managers"))],
        )
        self.assertEqual(rules.source, f"enligt rutinen ”{SOD_TITLE}”, version 1")
        # "In the system" is posted by hand; the managers' e-mail/SMS goes out 3 days before.
        self.assertEqual(rules.reminder_leads, (dt.timedelta(days=3),))

        with self.assertRaisesMessage(ValidationError, "minst 14 dagar"):
            self.schedule_sod(local(2026, 11, 30, 18))  # 10 days ahead
        window = self.schedule_sod(local(2026, 12, 9, 18))  # 19 days ahead
        self.assertEqual(window.reason_for_short_notice, "")
        self.assertEqual(self.reminders(window), [dt.timedelta(days=3)])

    def test_sod_03_private_providers_managers_get_the_reminder_by_sms(self) -> None:
        manager = subscriptions.register_subscriber(
            self.soderkoping,
            by=self.marie,
            channel="sms",
            address="070-123 45 67",
            label="Verksamhetschef, privat utförare",
            triggers=["planned_announced", "planned_reminder"],
        ).subscription
        self.schedule_sod(local(2026, 12, 9, 18))
        self.assertEqual(OutboxMessage.objects.count(), 1)  # announced
        self.traveller.move_to(local(2026, 12, 6, 18))
        self.assertEqual(run_worker(), 1)
        reminder = OutboxMessage.objects.latest("id")
        self.assertEqual(reminder.kind, "sms")
        self.assertEqual(reminder.recipient, manager.address)
        self.assertIn("Påminnelse", reminder.body)
        self.assertIn(f":{3 * 24 * 3600}:sub:{manager.pk}", reminder.dedupe_key)

    def test_sod_03_a_system_outside_the_routine_follows_the_default(self) -> None:
        rules = notice_rules(self.soderkoping, [self.wifi])
        self.assertEqual([r.origin for r in rules.applied], [Origin.DEFAULT])
        self.assertEqual(rules.minimum_notice, dt.timedelta(days=7))
        # Both together: the routine's rule covers Lifecare, so it applies.
        both = notice_rules(self.soderkoping, [self.wifi, self.lifecare])
        self.assertEqual(both.minimum_notice, dt.timedelta(days=14))

    def test_the_longest_minimum_notice_wins_and_reminders_are_the_union(self) -> None:
        rule = NoticeRule.objects.create(
            organisation=self.soderkoping,
            minimum_notice=dt.timedelta(days=21),
            reminder_hours=[24],
        )
        rules = notice_rules(self.soderkoping, [self.lifecare])
        self.assertEqual(rules.minimum_notice, dt.timedelta(days=21))
        self.assertEqual(rules.binding.origin, Origin.ORGANISATION)
        self.assertEqual(rules.source, "enligt organisationens regel")
        self.assertEqual(rules.reminder_leads, (dt.timedelta(days=3), dt.timedelta(days=1)))
        with self.assertRaisesMessage(ValidationError, "enligt organisationens regel"):
            self.schedule_sod(local(2026, 12, 9, 18))  # 19 days: enough for the routine only

        # A looser organisation rule cannot shorten the routine's 14 days.
        rule.minimum_notice = dt.timedelta(days=3)
        rule.source = "SOD-03"
        rule.save(update_fields=["minimum_notice", "source"])
        rules = notice_rules(self.soderkoping, [self.lifecare])
        self.assertEqual(rules.minimum_notice, dt.timedelta(days=14))
        self.assertEqual(rules.binding.origin, Origin.ROUTINE)
        window = self.schedule_sod(local(2026, 12, 9, 18))
        self.assertEqual(self.reminders(window), [dt.timedelta(days=3), dt.timedelta(days=1)])


class NoticeRulePageTests(SeedRoutineTestCase):
    url = "/org/soderkoping/planerat/"

    def test_the_page_shows_each_rule_and_where_it_comes_from(self) -> None:
        NoticeRule.objects.create(
            organisation=self.soderkoping,
            minimum_notice=dt.timedelta(days=5),
            reminder_hours=[36],
            source="Beslut i ledningsgruppen",
        )
        self.client.force_login(self.marie)
        page = self.client.get(self.url)
        self.assertContains(page, f"enligt rutinen ”{SOD_TITLE}”, version 1", count=3)
        self.assertContains(page, "Avbrott aviseras minst 14 dagar i förväg")
        self.assertContains(page, "enligt organisationens regel (Beslut i ledningsgruppen)")
        self.assertContains(page, "<td>2–3</td>", html=False)
        self.assertContains(page, "3 dagar före")
        self.assertContains(page, "36 timmar före")
        self.assertContains(page, 'href="/org/soderkoping/rutiner/lifecare-phoniro/"')

    def test_a_short_notice_post_names_the_rule_for_the_chosen_systems(self) -> None:
        self.client.force_login(self.marie)
        response = self.client.post(
            self.url,
            {
                "title": "Uppgradering",
                "systems": [self.lifecare.pk],
                "outage_type": "version_upgrade",
                "starts_at": "2026-11-30T18:00",
                "ends_at": "2026-11-30T20:00",
                "impact": "Lifecare går inte att använda.",
            },
        )
        self.assertContains(response, "Kort varsel.", status_code=400)
        self.assertContains(
            response,
            f"Avbrott ska aviseras minst 14 dagar i förväg (enligt rutinen ”{SOD_TITLE}”, "
            "version 1).",
            status_code=400,
        )

    def test_only_the_organisations_coordinators_see_the_page(self) -> None:
        self.client.logout()
        self.assertEqual(self.client.get(self.url).status_code, 302)
        for username, status in [
            ("marie.svensson", 200),  # coordinator
            ("nora.karlsson", 403),  # staff
            ("hans.olsson", 403),  # unit manager
            ("mikael.sund", 404),  # another organisation's coordinator
        ]:
            with self.subTest(username=username):
                self.client.force_login(User.objects.get(username=username))
                self.assertEqual(self.client.get(self.url).status_code, status)
