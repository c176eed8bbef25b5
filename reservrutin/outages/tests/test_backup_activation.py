"""Backup routines: ``then_activate`` brings the next backup routine; activating by hand
before the routine's timer finishes that timer early, so the countdown "Reservrutinen
aktiveras om …" goes and nobody is told twice (issue 12)."""

from __future__ import annotations

import datetime as dt

from reservrutin.lib import clock
from reservrutin.notifications.models import OutboxMessage
from reservrutin.outages import actions, queries, worker
from reservrutin.outages.models import Activation, Outage, Task, TimelineEntry, Timer
from reservrutin.outages.tests.helpers import at
from reservrutin.outages.tests.lifecycle_routine import LifecycleCase


class BackupActivationTest(LifecycleCase):
    def confirmed(self) -> Outage:
        return actions.confirm_outage(self.report(), by=self.carl, scenario_key="nere")

    def test_then_activate_puts_the_next_backup_routine_in_force(self) -> None:
        with at(10):
            outage = self.confirmed()
            actions.activate_backup_routine(outage, "papper", by=self.carl, reason="Nere länge.")
        self.assertEqual(
            list(outage.activations.values_list("backup_key", flat=True)), ["papper", "telefon"]
        )
        telefon = Activation.objects.get(outage=outage, backup_key="telefon")
        self.assertEqual(telefon.reason, "Följer av Pappersrutin.")
        self.assertTrue(outage.tasks.filter(instruction="Ring in beställningar.").exists())
        self.assertIn(
            "Telefonrutin aktiverad: Följer av Pappersrutin.",
            [e.text for e in outage.timeline.filter(kind=TimelineEntry.Kind.ACTIVATION)],
        )

    def test_a_timer_activation_follows_then_activate_too(self) -> None:
        with at(10):
            outage = self.confirmed()
        with at(14, 1):
            worker.run_due()
        outage.refresh_from_db()
        self.assertEqual(outage.status, Outage.Status.BACKUP_ACTIVE)
        self.assertEqual(
            sorted(outage.activations.values_list("backup_key", flat=True)), ["papper", "telefon"]
        )
        self.assertTrue(all(a.timer_id for a in outage.activations.all()))

    def test_the_countdown_goes_when_the_backup_routine_is_activated_by_hand(self) -> None:
        with at(10):
            outage = self.confirmed()
            self.assertTrue(
                queries.countdown(outage, clock.now()).startswith("Reservrutinen aktiveras om 4 h")
            )
        with at(11):
            actions.activate_backup_routine(outage, "papper", by=self.carl, reason="Akut.")
            outage.refresh_from_db()
            self.assertEqual(queries.countdown(outage, clock.now()), "")
        timer = Timer.objects.get(outage=outage)
        self.assertIsNotNone(timer.skipped_at)
        self.assertEqual(timer.skip_reason, "Reservrutinen aktiverades före tidsgränsen")
        # At 14:00 the timer does not fire after all.
        with at(14, 1):
            worker.run_due()
        timer.refresh_from_db()
        self.assertIsNone(timer.fired_at)
        self.assertFalse(outage.timeline.filter(kind=TimelineEntry.Kind.TIMER).exists())

    def test_activation_and_its_timer_tell_each_person_once(self) -> None:
        with at(10):
            outage = self.confirmed()
        with at(11):
            actions.activate_backup_routine(outage, "papper", by=self.carl, reason="Akut.")
        # The backup's own roles and the timer's notify both reach Maria: one e-mail; the
        # backup routine it brings (then_activate) is its own news, also once.
        for text in ("Pappersrutin gäller nu", "Telefonrutin gäller nu"):
            told = OutboxMessage.objects.filter(recipient="maria@example.org", body__contains=text)
            self.assertEqual(told.count(), 1, text)
        self.assertEqual(
            outage.escalations.filter(person=self.maria, purpose="backup:papper").count(), 1
        )

    def test_the_timer_reads_its_stored_actions_as_schema_objects(self) -> None:
        with at(10):
            outage = self.confirmed()
        timer = Timer.objects.get(outage=outage)
        # Stored as JSON copied from the routine version ...
        self.assertEqual(
            timer.actions,
            [{"activate_backup_routine": "papper"}, {"notify": ["enhetschef", "systemansvarig"]}],
        )
        # ... and an old row with an action this schema no longer reads keeps working.
        Timer.objects.filter(pk=timer.pk).update(actions=[*timer.actions, {"ring_klockan": "nu"}])
        with at(14, 1):
            worker.run_due()
        outage.refresh_from_db()
        self.assertEqual(outage.status, Outage.Status.BACKUP_ACTIVE)
        self.assertTrue(
            outage.timeline.filter(text__contains="gick inte att läsa och utfördes inte").exists()
        )

    def test_resolving_after_the_backup_routine_asks_for_back_registration_tasks(self) -> None:
        with at(10):
            outage = self.confirmed()
            actions.activate_backup_routine(outage, "papper", by=self.carl, reason="Akut.")
        with at(12):
            actions.resolve_outage(outage, at=clock.now() - dt.timedelta(minutes=5), by=self.carl)
        outage.refresh_from_db()
        self.assertEqual(outage.status, Outage.Status.RESOLVED)
        self.assertTrue(
            Task.objects.filter(outage=outage, instruction="Var och en efterregistrerar.").exists()
        )
