"""End to end, Sesam S2 / Websesam / Visma webSesam (001_72860d8b68f39520.txt):
S2-01, S2-05, S2-06, S2-07."""

from __future__ import annotations

import datetime as dt

from reservrutin.outages import messaging
from reservrutin.outages.actions import acknowledge_escalation, confirm_outage
from reservrutin.outages.models import Activation, Escalation, Outage, Task, TimelineEntry
from reservrutin.outages.tests.helpers import DemoTestCase, at
from reservrutin.outages.tests.public_helpers import ClosingClearsPublicPage


class SesamS2Test(ClosingClearsPublicPage, DemoTestCase):
    def start(self) -> Outage:
        karin = self.user("karin.dahl")
        with at(9):
            submitted = self.report(
                "region-skane", ["sesam-s2", "websesam", "visma-websesam"], by=karin
            )
            return confirm_outage(
                submitted.outage, by=self.user("eva.lind"), scenario_key="server-oatkomlig"
            )

    def test_it_runs_s2_06_s2_07_ot_referrals_after_four_hours(self) -> None:
        """S2-01 one routine for three systems; S2-06 backup routine for acute OT
        referrals after 4 h without prognosis; S2-07 the orthopaedic provider is told and
        prescribers send paper referrals."""
        outage = self.start()
        self.assertEqual(outage.routine_key, "sesam-s2")
        with at(13):
            self.run_worker()
        outage.refresh_from_db()
        self.assertEqual(outage.status, Outage.Status.BACKUP_ACTIVE)
        self.assertEqual(Activation.objects.get(outage=outage).backup_key, "akuta-ot-remisser")
        provider = Task.objects.get(
            outage=outage, source_key="akuta-ot-remisser:meddela-aktiv-ortopedteknik"
        )
        self.assertIn("Aktiv Ortopedteknik", provider.instruction)
        self.assertEqual(provider.role_key, "hjalpmedel-administration")
        paper = Task.objects.get(outage=outage, source_key="akuta-ot-remisser:pappersremiss")
        self.assertEqual(paper.role_key, "forskrivare")
        notice = outage.timeline.get(kind=TimelineEntry.Kind.NOTICE)
        self.assertIn("pappersremiss", notice.text)
        self.assertIn("https://vardgivare.skane.se", notice.text)

    def test_it_notifies_the_owner_on_duty_s2_05_and_escalates_without_acknowledgement(
        self,
    ) -> None:
        """S2-05: the owner on duty is told first; unacknowledged after the timeout, the
        owner's manager is told (the duty chain)."""
        outage = self.start()
        eva = Escalation.objects.get(outage=outage, person__username="eva.lind")
        self.assertEqual(eva.level, 0)
        self.assertFalse(
            Task.objects.filter(outage=outage, source_key="ticket:servicedesk").exists()
        )
        self.assertFalse(
            Escalation.objects.filter(outage=outage, person__username="johan.berg").exists()
        )
        with at(9, 14):
            self.run_worker()
        self.assertFalse(
            Escalation.objects.filter(outage=outage, person__username="johan.berg").exists()
        )
        with at(9, 15):
            self.run_worker()
        johan = Escalation.objects.get(outage=outage, person__username="johan.berg")
        self.assertEqual(johan.level, 1)
        eva.refresh_from_db()
        self.assertIsNotNone(eva.escalated_at)

    def test_it_stops_escalating_once_acknowledged(self) -> None:
        outage = self.start()
        eva = Escalation.objects.get(outage=outage, person__username="eva.lind")
        with at(9, 5):
            acknowledge_escalation(messaging.ack_token(eva))
        eva.refresh_from_db()
        self.assertIsNotNone(eva.acknowledged_at)
        self.assertEqual(eva.acknowledged_by.username, "eva.lind")
        with at(10):
            self.run_worker()
        self.assertFalse(
            Escalation.objects.filter(outage=outage, person__username="johan.berg").exists()
        )
        self.assertTrue(outage.timeline.filter(kind=TimelineEntry.Kind.ACKNOWLEDGED).exists())

    def test_it_rejects_a_forged_acknowledge_token(self) -> None:
        from reservrutin.outages.actions import OutageError

        with self.assertRaises(OutageError):
            acknowledge_escalation("not-a-token")

    def test_it_counts_time_factor_in_exercises(self) -> None:
        """An exercise on compressed time: 4 h / 4 = 1 h; messages say ÖVNING."""
        karin = self.user("karin.dahl")
        with at(9):
            submitted = self.report("region-skane", ["sesam-s2"], by=karin)
            outage = submitted.outage
            outage.is_exercise = True
            outage.time_factor = 4
            outage.save(update_fields=["is_exercise", "time_factor"])
            confirm_outage(outage, by=karin, scenario_key="server-oatkomlig")
        timer = outage.timers.exclude(key="publicera-driftinfo").get()
        self.assertEqual(timer.due_at - outage.started_at, dt.timedelta(hours=1))
        # The publish reminder is compressed too: 15 min / 4 (issue 12).
        reminder = outage.timers.get(key="publicera-driftinfo")
        self.assertEqual(reminder.due_at - outage.started_at, dt.timedelta(minutes=15) / 4)
        # (The "new report" message went out before the outage was made an exercise.)
        messages = [m for m in self.messages_to("eva.lind@example.org") if ":esc:" in m.dedupe_key]
        self.assertTrue(messages)
        self.assertTrue(all(m.is_exercise and m.subject.startswith("ÖVNING") for m in messages))

    def test_closing_the_outage_clears_the_public_page(self) -> None:
        """Issue 12: status page, API, Atom, JSON feed and mirror after closing."""
        self.assert_closing_clears_public_page(
            "region-skane",
            ["sesam-s2"],
            "server-oatkomlig",
            reporter="karin.dahl",
            publisher="eva.lind",
        )
