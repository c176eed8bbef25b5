"""Subscribers to a system, or to a unit using it, also hear about what the system needs,
with the message saying why (SOD-07 power, SOD-08 network, SOD-10 login), once."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.test import override_settings

from reservrutin.lib.clock import STOCKHOLM
from reservrutin.notifications.models import OutboxMessage
from reservrutin.registry.actions import link_system_to_unit
from reservrutin.registry.models import Dependency, System
from reservrutin.statuspage import actions, fanout, planned, subscriptions, worker
from reservrutin.statuspage.models import Notice, PlannedWindow, Subscription
from reservrutin.test import BaseTestCase

NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
OFFLINE = "Appen fungerar offline cirka 8 timmar."


@override_settings(OUTBOUND_ALLOW=["127.0.0.1/32"], SITE_URL="https://driftinfo.example")
class DependencySubscriptionTests(BaseTestCase):
    """Journalsystemet logs in through SITHS-inloggning, which needs Regionens nät; the
    app needs the network directly."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        system = lambda key, name: System.objects.create(  # noqa: E731
            organisation=cls.org_a, key=key, name=name
        )
        cls.journal = system("journal", "Journalsystemet")
        cls.siths = system("siths", "SITHS-inloggning")
        cls.network = system("natet", "Regionens nät")
        cls.app = system("appen", "Hemtjänstappen")
        Dependency.objects.create(system=cls.journal, depends_on=cls.siths, kind="login")
        Dependency.objects.create(system=cls.siths, depends_on=cls.network, kind="network")
        Dependency.objects.create(
            system=cls.app, depends_on=cls.network, kind="network", note=OFFLINE
        )

    def setUp(self) -> None:
        super().setUp()
        travel = time_machine.travel(NOW, tick=False)
        self.traveller = travel.start()
        self.addCleanup(travel.stop)

    def register(
        self,
        address: str,
        *,
        channel: str = "email",
        triggers: tuple[str, ...] = ("new_outage", "resolved"),
        **scope: object,
    ) -> Subscription:
        return subscriptions.register_subscriber(
            self.org_a,
            by=self.carl,
            channel=channel,
            address=address,
            triggers=list(triggers),
            **scope,
        ).subscription

    def publish(self, *systems: System, severity: str = Notice.Severity.OUTAGE) -> Notice:
        return actions.create_notice(
            self.org_a,
            by=self.adam,
            title="Inloggningen fungerar inte",
            body="Använd reservinloggning (SOD-10).",
            systems=list(systems),
            severity=severity,
            publish=True,
        )

    def messages(self) -> list[OutboxMessage]:
        return list(OutboxMessage.objects.order_by("recipient", "pk"))

    def test_sod_10_a_system_subscriber_hears_about_the_login_service_and_why(self) -> None:
        sub = self.register("journal@example.org", scope="system", system=self.journal)
        self.register("annat@example.org", scope="system", system=self.system_a)
        notice = self.publish(self.siths)
        [message] = self.messages()
        self.assertEqual(message.recipient, "journal@example.org")
        self.assertEqual(
            message.subject,
            "Driftstörning: Journalsystemet påverkas: avbrott i SITHS-inloggning – "
            "Inloggningen fungerar inte",
        )
        self.assertIn("Journalsystemet påverkas: avbrott i SITHS-inloggning.\n", message.body)
        self.assertIn(
            "<strong>Journalsystemet påverkas: avbrott i SITHS-inloggning.", message.body_html
        )
        self.assertIn("Använd reservinloggning (SOD-10).", message.body)
        # The same key as a direct message: one message per subscription and event.
        self.assertEqual(message.dedupe_key, f"notice:{notice.code}:new_outage:r0:sub:{sub.pk}")

    def test_sod_10_a_unit_subscriber_hears_about_what_its_systems_need(self) -> None:
        link_system_to_unit(self.unit_a, self.journal, by=self.adam)
        self.register("avdelning@example.org", scope="unit", unit=self.unit_a)
        self.publish(self.siths)
        [message] = self.messages()
        self.assertEqual(message.recipient, "avdelning@example.org")
        self.assertIn("Journalsystemet påverkas: avbrott i SITHS-inloggning", message.subject)

    def test_one_message_when_the_notice_covers_the_system_and_what_it_needs(self) -> None:
        self.register("journal@example.org", scope="system", system=self.journal)
        link_system_to_unit(self.unit_a, self.journal, by=self.adam)
        link_system_to_unit(self.unit_a, self.siths, by=self.adam)
        self.register("avdelning@example.org", scope="unit", unit=self.unit_a)
        self.publish(self.siths, self.journal)
        messages = self.messages()
        self.assertEqual(
            [m.recipient for m in messages], ["avdelning@example.org", "journal@example.org"]
        )
        # Both cover a system of the notice themselves: the plain message, no reason.
        for message in messages:
            self.assertEqual(message.subject, "Driftstörning: Inloggningen fungerar inte")
        # A unit using SITHS itself hears plainly about SITHS alone, once.
        OutboxMessage.objects.all().delete()
        self.publish(self.siths)
        [unit, journal] = self.messages()
        self.assertEqual(unit.subject, "Driftstörning: Inloggningen fungerar inte")
        self.assertIn("Journalsystemet påverkas", journal.subject)

    def test_sod_08_a_network_outage_reaches_what_needs_it_however_far_down(self) -> None:
        self.register("journal@example.org", scope="system", system=self.journal)
        self.register("appen@example.org", scope="system", system=self.app)
        self.publish(self.network, severity=Notice.Severity.DISTURBANCE)
        [app, journal] = self.messages()
        self.assertIn("Journalsystemet påverkas: störning i Regionens nät", journal.subject)
        self.assertIn("Hemtjänstappen påverkas: störning i Regionens nät", app.subject)
        # The registry's note says what happens to the app.
        self.assertIn(f"störning i Regionens nät. {OFFLINE}", app.body)

    def test_organisation_subscribers_get_the_plain_message_as_before(self) -> None:
        self.register("alla@example.org")
        self.publish(self.siths)
        [message] = self.messages()
        self.assertEqual(message.subject, "Driftstörning: Inloggningen fungerar inte")
        self.assertNotIn("påverkas", message.body)

    def test_sod_10_the_end_of_the_outage_says_the_system_was_affected(self) -> None:
        self.register("journal@example.org", scope="system", system=self.journal)
        notice = self.publish(self.siths)
        actions.end_notice(notice, by=self.adam)
        resolved = OutboxMessage.objects.get(dedupe_key__contains=":resolved:")
        self.assertEqual(
            resolved.subject,
            "Åtgärdat: Journalsystemet påverkades: avbrott i SITHS-inloggning – "
            "Inloggningen fungerar inte",
        )

    def test_sod_10_sms_and_webhook_carry_the_reason(self) -> None:
        self.register("070-123 45 67", channel="sms", scope="system", system=self.journal)
        self.register("http://127.0.0.1:9/hook", channel="webhook", scope="system", system=self.app)
        self.publish(self.network)
        sms = OutboxMessage.objects.get(kind="sms")
        self.assertTrue(
            sms.body.startswith(
                "Region A: Driftstörning: Journalsystemet påverkas: avbrott i Regionens nät – "
            ),
            sms.body,
        )
        webhook = OutboxMessage.objects.get(kind="webhook")
        self.assertEqual(
            webhook.payload["affected"],
            {
                "systems": [{"key": "appen", "name": "Hemtjänstappen"}],
                "because_of": [{"key": "natet", "name": "Regionens nät"}],
                "reason": "Hemtjänstappen påverkas: avbrott i Regionens nät",
                "notes": [OFFLINE],
            },
        )
        self.assertEqual(
            webhook.payload["notice"]["systems"], [{"key": "natet", "name": "Regionens nät"}]
        )

    def test_a_webhook_about_the_system_itself_says_affected_is_null(self) -> None:
        self.register("http://127.0.0.1:9/hook", channel="webhook", scope="system", system=self.app)
        self.publish(self.app)
        self.assertIsNone(OutboxMessage.objects.get().payload["affected"])

    def test_sod_10_planned_work_on_the_login_service_reaches_the_journals_subscribers(
        self,
    ) -> None:
        self.register(
            "journal@example.org",
            scope="system",
            system=self.journal,
            triggers=("planned_announced", "planned_start", "planned_end"),
        )
        planned.schedule_planned_outage(
            self.org_a,
            by=self.carl,
            systems=[self.siths],
            title="Byte av certifikat",
            starts_at=dt.datetime(2026, 12, 9, 10, tzinfo=STOCKHOLM),
            ends_at=dt.datetime(2026, 12, 9, 12, tzinfo=STOCKHOLM),
            impact="Det går inte att logga in med SITHS-kort.",
            outage_type=PlannedWindow.OutageType.IT_ENVIRONMENT,
        )
        [announced] = self.messages()
        self.assertEqual(
            announced.subject,
            "Planerat avbrott: Journalsystemet påverkas: planerat avbrott i SITHS-inloggning – "
            "Byte av certifikat (2026-12-09 10:00–12:00)",
        )
        # The reminder (not asked for), the start, the end.
        self.traveller.move_to(dt.datetime(2026, 12, 9, 12, 1, tzinfo=STOCKHOLM))
        while worker.fire_planned_event():
            pass
        subjects = [m.subject for m in self.messages()]
        self.assertEqual(len(subjects), 3)
        self.assertTrue(
            any(s.startswith("Planerat avbrott pågår: Journalsystemet påverkas:") for s in subjects)
        )
        self.assertTrue(
            any(
                s.startswith("Planerat avbrott är klart: Journalsystemet påverkades:")
                for s in subjects
            )
        )

    def test_it_finds_who_hears_through_dependencies_in_a_fixed_number_of_queries(
        self,
    ) -> None:
        for i in range(5):
            self.register(f"j{i}@example.org", scope="system", system=self.journal)
            self.register(f"a{i}@example.org", scope="system", system=self.app)
        with self.assertNumQueries(2):  # subscriptions, dependencies
            found = fanout.recipients(self.org_a, {self.network.pk}, "new_outage")
        self.assertEqual(len(found), 10)
        self.assertEqual({r.affected for r in found}, {(self.journal.pk,), (self.app.pk,)})
