"""notify_subscribers: which subscriptions get which notice events, and the outbox rows."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.test import override_settings

from reservrutin.notifications.models import OutboxMessage
from reservrutin.outages.models import Outage
from reservrutin.registry.actions import link_system_to_unit
from reservrutin.statuspage import actions, fanout, subscriptions
from reservrutin.statuspage.models import Notice, Subscription
from reservrutin.test import BaseTestCase


def register(
    test: BaseTestCase, address: str, triggers: list[str], **scope: object
) -> Subscription:
    return subscriptions.register_subscriber(
        test.org_a, by=test.carl, channel="email", address=address, triggers=triggers, **scope
    ).subscription


def public(test: BaseTestCase, address: str, triggers: list[str]) -> Subscription:
    sub = subscriptions.subscribe(
        test.org_a, channel="email", address=address, triggers=triggers
    ).subscription
    subscriptions.confirm_subscription(subscriptions.confirm_token(sub))
    OutboxMessage.objects.filter(source="statuspage.subscription.confirm").delete()
    return sub


def outage(test: BaseTestCase, **extra: object) -> Outage:
    now = dt.datetime(2026, 11, 20, 8, tzinfo=dt.UTC)
    o = Outage.objects.create(
        organisation=test.org_a, title="Journalen nere", started_at=now, created_at=now, **extra
    )
    o.systems.set([test.system_a])
    return o


@override_settings(SITE_URL="https://driftinfo.example")
class NotifySubscribersTests(BaseTestCase):
    def publish(self, **extra: object) -> Notice:
        return actions.create_notice(
            self.org_a,
            by=self.petra,
            title="Journalsystemet är otillgängligt",
            body="Använd reservrutinen. Prognos kl 14.",
            systems=[self.system_a],
            publish=True,
            **extra,
        )

    def test_publish_update_and_end_reach_the_subscribers_who_asked(self) -> None:
        every = register(self, "alla@example.org", ["every_update"])
        resolved_only = register(self, "klart@example.org", ["resolved"])
        notice = self.publish()
        self.assertEqual(
            list(OutboxMessage.objects.values_list("recipient", "dedupe_key")),
            [("alla@example.org", f"notice:{notice.code}:new_outage:r0:sub:{every.pk}")],
        )
        actions.update_notice(notice, by=self.petra, title=notice.title, body="Prognos kl 15.")
        actions.end_notice(notice, by=self.petra)
        keys = set(OutboxMessage.objects.values_list("dedupe_key", flat=True))
        self.assertEqual(
            keys,
            {
                f"notice:{notice.code}:new_outage:r0:sub:{every.pk}",
                f"notice:{notice.code}:every_update:r1:sub:{every.pk}",
                f"notice:{notice.code}:resolved:r1:sub:{every.pk}",
                f"notice:{notice.code}:resolved:r1:sub:{resolved_only.pk}",
            },
        )

    def test_the_email_carries_one_click_unsubscribe_headers_and_both_bodies(self) -> None:
        sub = register(self, "alla@example.org", ["new_outage"])
        # The token is signed with the time it was made: sign ours in the same second.
        with time_machine.travel(dt.datetime(2026, 11, 20, 8, tzinfo=dt.UTC), tick=False):
            self.publish()
            url = subscriptions.unsubscribe_url(sub)
        message = OutboxMessage.objects.get()
        self.assertTrue(url.startswith("https://driftinfo.example/status/avsluta/"))
        self.assertEqual(message.headers["List-Unsubscribe"], f"<{url}>")
        self.assertEqual(message.headers["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click")
        self.assertEqual(message.subject, "Driftstörning: Journalsystemet är otillgängligt")
        self.assertIn("Prognos kl 14", message.body)
        self.assertIn(url, message.body)
        self.assertIn("<h1>Driftstörning: Journalsystemet är otillgängligt</h1>", message.body_html)

    def test_scope_limits_to_the_systems_of_the_notice(self) -> None:
        from reservrutin.registry.models import System

        other = System.objects.create(organisation=self.org_a, key="annat", name="Annat")
        register(self, "a@example.org", ["new_outage"], scope="system", system=self.system_a)
        register(self, "b@example.org", ["new_outage"], scope="system", system=other)
        link_system_to_unit(self.unit_a, other, by=self.adam)
        register(self, "c@example.org", ["new_outage"], scope="unit", unit=self.unit_a)
        register(self, "d@example.org", ["new_outage"])
        self.publish()
        self.assertEqual(
            sorted(OutboxMessage.objects.values_list("recipient", flat=True)),
            ["a@example.org", "d@example.org"],
        )

    def test_pending_and_unsubscribed_get_nothing(self) -> None:
        subscriptions.subscribe(self.org_a, channel="email", address="p@example.org")
        gone = register(self, "gone@example.org", ["new_outage"])
        subscriptions.unsubscribe(subscriptions.unsubscribe_token(gone))
        OutboxMessage.objects.all().delete()
        self.publish()
        self.assertFalse(OutboxMessage.objects.exists())

    def test_exercises_never_reach_the_public_only_registered_people_marked_ovning(self) -> None:
        public(self, "allmanhet@example.org", ["new_outage"])
        register(self, "nyckelperson@example.org", ["new_outage"])
        self.publish(outage=outage(self, is_exercise=True))
        message = OutboxMessage.objects.get()
        self.assertEqual(message.recipient, "nyckelperson@example.org")
        self.assertTrue(message.is_exercise)
        self.assertTrue(message.subject.startswith("ÖVNING: "))

    def test_backup_activated_and_updates_are_told_apart(self) -> None:
        register(self, "reserv@example.org", ["backup_activated"])
        register(self, "upd@example.org", ["every_update"])
        o = outage(self)
        self.publish(outage=o)
        o.status = Outage.Status.BACKUP_ACTIVE
        o.save(update_fields=["status"])
        second = self.publish(outage=o)
        types = sorted(
            OutboxMessage.objects.filter(dedupe_key__contains=str(second.code)).values_list(
                "recipient", "subject"
            )
        )
        self.assertEqual(
            types,
            [
                ("reserv@example.org", "Reservrutin gäller: Journalsystemet är otillgängligt"),
                ("upd@example.org", "Reservrutin gäller: Journalsystemet är otillgängligt"),
            ],
        )

    def test_a_second_notice_for_the_same_outage_is_an_update(self) -> None:
        register(self, "ny@example.org", ["new_outage"])
        register(self, "upd@example.org", ["every_update"])
        o = outage(self)
        first = self.publish(outage=o)
        self.assertEqual(fanout.publish_event_for(first), "new_outage")
        actions.create_notice(
            self.org_a,
            by=self.petra,
            title="Ny prognos",
            body="Prognos kl 16.",
            systems=[self.system_a],
            outage=o,
            publish=True,
        )
        self.assertEqual(
            sorted(OutboxMessage.objects.values_list("recipient", "subject")),
            [
                ("ny@example.org", "Driftstörning: Journalsystemet är otillgängligt"),
                ("upd@example.org", "Driftstörning: Journalsystemet är otillgängligt"),
                ("upd@example.org", "Uppdatering: Ny prognos"),
            ],
        )
