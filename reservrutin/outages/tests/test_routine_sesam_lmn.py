"""End to end, Sesam LMN (000_f7781ad7ca30db49.txt): LMN-04, LMN-06, LMN-07, LMN-08, LMN-09."""

from __future__ import annotations

from reservrutin.outages.models import Activation, Escalation, Outage, Task, TimelineEntry, Timer
from reservrutin.outages.tests.helpers import DemoTestCase, at, local
from reservrutin.outages.tests.public_helpers import ClosingClearsPublicPage
from reservrutin.registry.models import RoleAssignment


class SesamLmnTest(ClosingClearsPublicPage, DemoTestCase):
    def setUp(self) -> None:
        # The system owner is on leave: nobody holds the role today (LMN-07's "not on duty").
        RoleAssignment.objects.filter(
            role__key="systemansvarig", user__username="eva.lind"
        ).delete()
        self.sara = self.user("sara.holm")

    def start(self) -> Outage:
        with at(9):
            submitted = self.report(
                "region-skane",
                ["sesam-lmn"],
                by=self.sara,
                on_behalf_of_caller=True,
                description="Förskrivare når inte Sesam LMN.",
            )
            return self.confirm(submitted.outage)

    def confirm(self, outage: Outage) -> Outage:
        from reservrutin.outages.actions import confirm_outage

        return confirm_outage(outage, by=self.sara, scenario_key="server-oatkomlig")

    def test_it_runs_lmn_07_08_09_server_unreachable_end_to_end(self) -> None:
        """LMN-04 customer service reports for a caller; LMN-07 owner off duty → manager
        and service desk, supplier; LMN-08 callers' script; LMN-09 backup routine at 13:00."""
        outage = self.start()
        self.assertEqual(outage.status, Outage.Status.CONFIRMED)
        self.assertEqual(outage.routine_key, "sesam-lmn")

        # LMN-07: the owner is off duty, so the owner's manager is told ...
        johan = self.user("johan.berg")
        self.assertTrue(Escalation.objects.filter(outage=outage, person=johan).exists())
        self.assertTrue(self.messages_to("johan.berg@example.org"))
        # ... AND an incident is made at the service desk (it has no e-mail: a task to phone).
        ticket = Task.objects.get(outage=outage, source_key="ticket:servicedesk")
        self.assertIn("30 000", ticket.instruction)
        self.assertTrue(
            Escalation.objects.filter(outage=outage, contact_point__key="servicedesk").exists()
        )
        # ... and the supplier is contacted (Visma has no e-mail contact: a task).
        self.assertTrue(Task.objects.filter(outage=outage, instruction__contains="Visma").exists())
        # LMN-08: customer service gets the script for callers.
        callers = Task.objects.get(
            outage=outage, source_key="server-oatkomlig:informera-inringande"
        )
        self.assertIn("Vi ber dig avvakta", callers.script)
        self.assertEqual(callers.role_key, "kundservice")

        timer = Timer.objects.get(outage=outage)
        self.assertEqual(timer.due_at, local(13))

        with at(12, 59):
            self.run_worker()
        self.assertFalse(Activation.objects.filter(outage=outage).exists())

        # LMN-09: four hours without prognosis → the acute-prescription backup routine.
        with at(13):
            self.run_worker()
        outage.refresh_from_db()
        self.assertEqual(outage.status, Outage.Status.BACKUP_ACTIVE)
        activation = Activation.objects.get(outage=outage)
        self.assertEqual(activation.backup_key, "akuta-forskrivningar")
        self.assertEqual(activation.timer, timer)
        # The holding line went out at confirmation (LMN-02); the routine's notice at 13:00.
        notices = self.texts(outage, TimelineEntry.Kind.NOTICE)
        self.assertEqual(len(notices), 2, notices)
        self.assertIn("Vi undersöker en störning i Sesam LMN", notices[0])
        self.assertIn("kontakta Kundservice", notices[1])
        self.assertTrue(
            Task.objects.filter(
                outage=outage, instruction__contains="akuta förskrivningar"
            ).exists()
        )

        # The worker is idempotent: running it again changes nothing.
        with at(13, 5):
            self.assertEqual(self.run_worker(), 0)
        self.assertEqual(Activation.objects.filter(outage=outage).count(), 1)

    def test_lmn_09_the_backup_routine_notice_is_published_on_the_status_page(self) -> None:
        """LMN-09: at 13:00 without prognosis it is published that the backup routine for
        acute prescriptions applies and that prescribers contact customer service."""
        from django.core.cache import cache

        from reservrutin.statuspage.models import Notice

        outage = self.start()
        with at(13):
            self.run_worker()
            cache.clear()
            page = self.client.get("/status/region-skane/").content.decode()
        notice = Notice.objects.get(outage=outage, template_key="reservrutin-galler")
        self.assertEqual(notice.status, Notice.Status.PUBLISHED)
        # The routine's notice replaced the holding line published at confirmation.
        line = Notice.objects.get(outage=outage, is_holding_line=True)
        self.assertEqual(line.status, Notice.Status.ENDED)
        self.assertIn("kontakta Kundservice", notice.body)
        self.assertEqual(notice.backup_routine, "Reservrutin för akuta förskrivningar")
        self.assertIn("kontakta Kundservice", page)
        self.assertIn("Reservrutin för akuta förskrivningar", page)
        self.assertIn('class="st outage"', page)

    def test_it_escalates_lmn_04_customer_service_report_internally(self) -> None:
        """LMN-04: a report made for a caller is escalated to the system owner role."""
        with at(9):
            submitted = self.report(
                "region-skane", ["sesam-lmn"], by=self.sara, on_behalf_of_caller=True
            )
        group = Escalation.objects.filter(outage=submitted.outage)
        self.assertTrue(group.filter(person__username="johan.berg").exists())

    def test_it_starts_no_timers_in_lmn_06_wait_for_instructions(self) -> None:
        """LMN-06: region-wide IT collapse — wait for instructions, no planned action."""
        from reservrutin.outages.actions import confirm_outage

        with at(9):
            submitted = self.report("region-skane", ["sesam-lmn"], by=self.sara)
            outage = confirm_outage(submitted.outage, by=self.sara, scenario_key="it-haveri")
        self.assertFalse(Timer.objects.filter(outage=outage).exists())
        self.assertTrue(any("Avvakta" in t for t in self.texts(outage)))
        with at(23):
            self.assertEqual(self.run_worker(), 0)
        outage.refresh_from_db()
        self.assertEqual(outage.status, Outage.Status.CONFIRMED)
        self.assertFalse(Activation.objects.exists())

    def test_closing_the_outage_clears_the_public_page(self) -> None:
        """Issue 12: status page, API, Atom, JSON feed and mirror after closing."""
        self.assert_closing_clears_public_page(
            "region-skane",
            ["sesam-lmn"],
            "server-oatkomlig",
            reporter="sara.holm",
            publisher="eva.lind",
        )
