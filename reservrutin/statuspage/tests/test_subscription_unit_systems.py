"""A unit's subscription covers the systems the registry links to the unit when a message is
sent, not when it subscribed: a system linked later is covered, an unlinked one is not."""

from __future__ import annotations

import datetime as dt

import time_machine

from reservrutin.accounts.models import Unit
from reservrutin.lib.clock import STOCKHOLM
from reservrutin.notifications.models import OutboxMessage
from reservrutin.registry.actions import link_system_to_unit, unlink_system_from_unit
from reservrutin.registry.models import System
from reservrutin.statuspage import actions, fanout, planned, subscriptions, worker
from reservrutin.statuspage.models import Notice, PlannedWindow, Subscription
from reservrutin.test import BaseTestCase

NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


class UnitSubscriptionTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.other = System.objects.create(organisation=cls.org_a, key="annat", name="Annat")

    def setUp(self) -> None:
        super().setUp()
        travel = time_machine.travel(NOW, tick=False)
        self.traveller = travel.start()
        self.addCleanup(travel.stop)

    def subscribe_unit(self, unit: Unit, address: str = "enhet@example.org") -> Subscription:
        return subscriptions.register_subscriber(
            self.org_a,
            by=self.carl,
            channel="email",
            address=address,
            triggers=["new_outage", "planned_reminder"],
            scope="unit",
            unit=unit,
        ).subscription

    def publish(self, system: System) -> Notice:
        return actions.create_notice(
            self.org_a,
            by=self.adam,
            title=f"{system.name} är otillgängligt",
            body="Använd reservrutinen.",
            systems=[system],
            publish=True,
        )

    def recipients(self) -> list[str]:
        return sorted(OutboxMessage.objects.values_list("recipient", flat=True))

    def test_a_system_linked_after_subscribing_is_covered(self) -> None:
        self.subscribe_unit(self.unit_a)  # the unit uses nothing yet
        self.publish(self.system_a)
        self.assertEqual(self.recipients(), [])
        link_system_to_unit(self.unit_a, self.system_a, by=self.adam)
        self.publish(self.system_a)
        self.assertEqual(self.recipients(), ["enhet@example.org"])

    def test_a_system_the_unit_does_not_use_is_not_covered(self) -> None:
        link_system_to_unit(self.unit_a, self.other, by=self.adam)
        self.subscribe_unit(self.unit_a)
        self.publish(self.system_a)
        self.assertEqual(self.recipients(), [])
        self.publish(self.other)
        self.assertEqual(self.recipients(), ["enhet@example.org"])
        # Unlinked: the next notice about it no longer reaches the unit.
        unlink_system_from_unit(self.unit_a, self.other, by=self.adam)
        OutboxMessage.objects.all().delete()
        self.publish(self.other)
        self.assertEqual(self.recipients(), [])

    def test_a_parent_units_subscription_covers_what_its_units_use(self) -> None:
        parent = Unit.objects.create(organisation=self.org_a, key="forv", name="Förvaltning")
        Unit.objects.filter(pk__in=[self.unit_a.pk, self.unit_a2.pk]).update(parent=parent)
        self.subscribe_unit(parent, "forvaltning@example.org")
        self.subscribe_unit(self.unit_a2, "a2@example.org")
        link_system_to_unit(self.unit_a, self.system_a, by=self.adam)
        self.publish(self.system_a)
        self.assertEqual(self.recipients(), ["forvaltning@example.org"])

    def test_planned_reminders_follow_the_link_at_the_time_they_go_out(self) -> None:
        self.subscribe_unit(self.unit_a)
        planned.schedule_planned_outage(
            self.org_a,
            by=self.carl,
            systems=[self.system_a],
            title="Uppgradering",
            starts_at=dt.datetime(2026, 12, 9, 10, tzinfo=STOCKHOLM),
            ends_at=dt.datetime(2026, 12, 9, 12, tzinfo=STOCKHOLM),
            impact="Journalen går inte att nå.",
            outage_type=PlannedWindow.OutageType.VERSION_UPGRADE,
        )
        link_system_to_unit(self.unit_a, self.system_a, by=self.adam)
        self.traveller.move_to(dt.datetime(2026, 12, 8, 10, tzinfo=STOCKHOLM))  # 24 h before
        self.assertTrue(worker.fire_planned_event())
        [message] = OutboxMessage.objects.all()
        self.assertEqual(message.recipient, "enhet@example.org")
        self.assertTrue(message.subject.startswith("Påminnelse"))

    def test_fan_out_reads_the_units_systems_in_a_fixed_number_of_queries(self) -> None:
        for i in range(5):
            unit = Unit.objects.create(organisation=self.org_a, key=f"u{i}", name=f"Enhet {i}")
            link_system_to_unit(unit, self.system_a, by=None)
            self.subscribe_unit(unit, f"u{i}@example.org")
        with self.assertNumQueries(3):  # subscriptions, units, links
            found = fanout.recipients(self.org_a, {self.system_a.pk}, "new_outage")
        self.assertEqual(len(found), 5)


class SubscriberPageUnitTests(BaseTestCase):
    url = "/org/org-a/prenumeranter/"

    def test_a_coordinator_subscribes_a_unit_and_sees_what_it_covers(self) -> None:
        self.login(self.carl)
        response = self.client.get(self.url)
        self.assertContains(response, "också system som kopplas till enheten senare")
        self.assertNotContains(response, 'name="unit_systems"')
        response = self.client.post(
            self.url,
            {
                "channel": "email",
                "address": "avdelning-a@example.org",
                "unit": self.unit_a.pk,
                "triggers": ["new_outage"],
            },
        )
        self.assertRedirects(response, self.url)
        sub = Subscription.objects.get()
        self.assertEqual((sub.scope, sub.unit), (Subscription.Scope.UNIT, self.unit_a))
        self.assertContains(self.client.get(self.url), "Inga system kopplade till enheten ännu.")
        link_system_to_unit(self.unit_a, self.system_a, by=self.adam)
        page = self.client.get(self.url).content.decode()
        self.assertIn('Avdelning A<br><span class="muted">System A</span>', page)

    def test_only_coordinators_may_subscribe_a_unit(self) -> None:
        data = {
            "channel": "email",
            "address": "x@example.org",
            "unit": self.unit_a.pk,
            "triggers": ["new_outage"],
        }
        for user, status in [(self.alice, 403), (self.maria, 403), (self.bob, 404)]:
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.client.post(self.url, data).status_code, status)
        self.client.logout()
        self.assertEqual(self.client.post(self.url, data).status_code, 302)
        self.assertFalse(Subscription.objects.exists())
