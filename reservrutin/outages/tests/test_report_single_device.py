"""Issue 12 proof: a report about one device opens no outage; the reporter is told what to
try and where to turn (the routine's advice, the user support open now). SOD-11's
self-check answers lead there too."""

from __future__ import annotations

from django.urls import reverse

from reservrutin.lib import clock
from reservrutin.outages import scope
from reservrutin.outages.models import Outage, Report, TimelineEntry
from reservrutin.outages.tests.helpers import at
from reservrutin.outages.tests.scope_helpers import install_scope_world, submit
from reservrutin.routines.models import RoutineVersion
from reservrutin.test import BaseTestCase

QUESTIONS = ["Fungerar det på en annan dator eller mobil?", "Har dina kollegor samma problem?"]


class SingleDeviceReportTest(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        install_scope_world(cls)

    def post(self, **extra: object) -> object:
        data: dict[str, object] = {
            "systems": [self.system_a.pk],
            "fault_type": "device",
            "extent": "only_me",
            "unit": self.unit_a.pk,
            "idempotency_key": "device-1",
            "check_0": "nej",
            "check_1": "nej",
        }
        data.update(extra)
        return self.client.post(reverse("outages:report", args=["org-a"]), data)

    def test_a_device_report_opens_no_outage_and_shows_the_advice(self) -> None:
        self.login(self.alice)
        with at(10):
            response = self.post()
            report = Report.objects.get()
            self.assertRedirects(
                response, reverse("outages:report_result", args=["org-a", report.code])
            )
            page = self.client.get(response["Location"])
        self.assertTrue(report.is_single_device)
        self.assertIsNone(report.outage)
        self.assertFalse(Outage.objects.exists())
        self.assertFalse(TimelineEntry.objects.exists())
        self.assertContains(page, "Felet verkar gälla bara din enhet")
        self.assertContains(page, "Starta om datorn och logga in igen.")
        self.assertContains(page, "Användarstödet")
        self.assertContains(page, "010-123 45 67")
        self.assertNotContains(page, "Lägg till i din anmälan")

    def test_a_self_check_answer_pointing_at_the_device_leads_there_too_sod_11(self) -> None:
        self.login(self.alice)
        with at(10):
            self.post(fault_type="cannot_log_in", check_0="ja")
        report = Report.objects.get()
        self.assertTrue(report.is_single_device)
        self.assertFalse(Outage.objects.exists())

    def test_the_same_answers_with_colleagues_affected_open_an_outage(self) -> None:
        self.login(self.alice)
        with at(10):
            self.post(fault_type="cannot_log_in", extent="my_unit", check_0="ja")
        report = Report.objects.get()
        self.assertFalse(report.is_single_device)
        self.assertIsNotNone(report.outage)

    def test_a_double_submission_of_a_device_report_stores_one(self) -> None:
        self.login(self.alice)
        with at(10):
            self.post()
            second = self.post()
        self.assertEqual(second.status_code, 302)
        self.assertEqual(Report.objects.count(), 1)

    def test_the_rule(self) -> None:
        doc = RoutineVersion.objects.get(pk=self.version.pk).document()
        no = [{"question": q, "answer": "nej"} for q in QUESTIONS]
        yes_other = [{"question": QUESTIONS[0], "answer": "ja"}, no[1]]
        cases = [
            ("device", "only_me", no, True),
            ("device", "unknown", no, True),
            ("device", "my_unit", no, False),
            ("cannot_log_in", "only_me", no, False),
            ("cannot_log_in", "only_me", yes_other, True),
            ("cannot_log_in", "everyone", yes_other, False),
        ]
        for fault_type, extent, answers, expected in cases:
            with self.subTest(fault_type=fault_type, extent=extent):
                self.assertEqual(
                    scope.is_single_device(
                        doc, fault_type=fault_type, extent=extent, self_check=answers
                    ),
                    expected,
                )
        self.assertFalse(
            scope.is_single_device(
                None, fault_type="cannot_log_in", extent="only_me", self_check=yes_other
            )
        )

    def test_without_a_routine_the_advice_names_the_organisations_user_support(self) -> None:
        with at(10):
            advice = scope.device_advice(self.org_a, None, clock.now())
        self.assertEqual(advice.point, self.support)
        self.assertEqual(advice.advice, scope.DEFAULT_DEVICE_ADVICE)

    def test_an_anonymous_reporter_sees_the_advice_for_their_own_report(self) -> None:
        self.org_a.allows_unauthenticated_reports = True
        self.org_a.save(update_fields=["allows_unauthenticated_reports"])
        with at(10):
            response = self.post(reporter_name="Anna", reporter_phone="070-123 45 67")
            page = self.client.get(response["Location"])
        self.assertContains(page, "Starta om datorn och logga in igen.")
        self.client.logout()
        self.client.cookies.clear()
        report = Report.objects.get()
        other = self.client.get(reverse("outages:report_result", args=["org-a", report.code]))
        self.assertEqual(other.status_code, 404)

    def test_a_device_report_during_a_known_outage_names_it_and_does_not_join(self) -> None:
        self.login(self.alice)
        with at(9):
            known = submit(self, "known", reporter=self.carl).outage
        with at(10):
            response = self.post()
            page = self.client.get(response["Location"])
        self.assertContains(page, "Det finns redan en känd störning:")
        self.assertContains(page, "Störning i System A")
        assert known is not None
        self.assertEqual(known.reports.count(), 1)

    def test_actions_return_no_outage(self) -> None:
        with at(10):
            submitted = submit(self, "direct", fault_type="device", extent="only_me")
        self.assertIsNone(submitted.outage)
        self.assertFalse(submitted.opened)
        self.assertTrue(submitted.report.is_single_device)
