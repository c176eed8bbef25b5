"""When a publisher must write (the default, LMN-02) the public sees nothing until one does;
if nobody has within the routine's time (15 min), a "publicera driftinfo" task and an
escalation go to the publisher role on duty (issue 12). The database is the clock: the
reminder is a Timer row the runtimers worker fires, and publishing first cancels it."""

from __future__ import annotations

from reservrutin.outages.actions import confirm_outage
from reservrutin.outages.models import Escalation, Outage, Task, Timer
from reservrutin.outages.tests.helpers import DemoTestCase, at, local
from reservrutin.outages.tests.public_helpers import public_views, publish_for, system_state


class PublishReminderTest(DemoTestCase):
    """Sesam S2: its scenario says nothing about the public, so a publisher must write; the
    routine's owner role (systemansvarig, Eva Lind on office hours) is the publisher."""

    def start(self) -> Outage:
        eva = self.user("eva.lind")
        with at(9):
            outage = self.report("region-skane", ["sesam-s2"], by=eva).outage
            return confirm_outage(outage, by=eva, scenario_key="server-oatkomlig")

    def reminder(self, outage: Outage) -> Timer:
        return Timer.objects.get(outage=outage, key="publicera-driftinfo")

    def test_nothing_is_public_until_a_publisher_writes(self) -> None:
        outage = self.start()
        self.assertEqual(self.reminder(outage).due_at, local(9, 15))
        self.assertEqual(system_state("region-skane", "sesam-s2"), "ok")
        with at(9, 14):
            self.run_worker()
        self.assertFalse(Task.objects.filter(outage=outage, source_key="publicera-driftinfo"))

    def test_the_timer_gives_the_publisher_on_duty_a_task_and_an_escalation(self) -> None:
        outage = self.start()
        before = Escalation.objects.filter(outage=outage, person__username="eva.lind").count()
        with at(9, 15):
            self.run_worker()
        task = Task.objects.get(outage=outage, source_key="publicera-driftinfo")
        self.assertEqual(task.role_key, "systemansvarig")
        self.assertIn("Publicera driftinfo", task.instruction)
        self.assertEqual(task.due_at, local(9, 15))
        reminders = Escalation.objects.filter(
            outage=outage, person__username="eva.lind", text__contains="Publicera driftinfo"
        )
        self.assertEqual(reminders.count(), 1)
        self.assertEqual(
            Escalation.objects.filter(outage=outage, person__username="eva.lind").count(),
            before + 1,
        )
        self.assertIsNotNone(reminders.get().due_at)  # escalated further if unacknowledged
        self.assertTrue(self.messages_to("eva.lind@example.org"))
        self.assertIsNotNone(self.reminder(outage).fired_at)
        # The publisher writes: their task is done.
        with at(9, 20):
            publish_for(outage, self.user("eva.lind"), "Sesam S2 nere", "Vi felsöker.")
        task.refresh_from_db()
        self.assertIsNotNone(task.done_at)
        self.assertEqual(task.done_by, self.user("eva.lind"))

    def test_publishing_first_cancels_the_reminder(self) -> None:
        outage = self.start()
        with at(9, 5):
            publish_for(
                outage,
                self.user("eva.lind"),
                "Sesam S2 går inte att nå",
                "Vi felsöker. Nästa besked 10:00.",
            )
        timer = self.reminder(outage)
        self.assertIsNotNone(timer.skipped_at)
        self.assertEqual(timer.skip_reason, "Driftinfo publicerades")
        with at(9, 30):
            self.run_worker()
        self.assertFalse(Task.objects.filter(outage=outage, source_key="publicera-driftinfo"))
        self.assertIn("Vi felsöker", public_views("region-skane")["page"])

    def test_a_reminder_due_after_driftinfo_is_out_is_skipped_not_rearmed(self) -> None:
        """The worker's own check: a reminder still pending when driftinfo is out (here
        made pending again by hand) is skipped when due, and not re-armed at the prognosis
        the way a "without prognosis" timer is."""
        from reservrutin.outages.actions import publish_notice_text, set_prognosis

        outage = self.start()
        with at(9, 5):
            set_prognosis(outage, at=local(12), by=self.user("eva.lind"))
            publish_notice_text(outage, "Vi felsöker.", by=None)
        Timer.objects.filter(pk=self.reminder(outage).pk).update(skipped_at=None, skip_reason="")
        with at(9, 15):
            self.run_worker()
        timer = self.reminder(outage)
        self.assertEqual(timer.skip_reason, "Driftinfo är redan publicerad.")
        self.assertEqual(Timer.objects.filter(outage=outage, key="publicera-driftinfo").count(), 1)
        self.assertFalse(Task.objects.filter(outage=outage, source_key="publicera-driftinfo"))
