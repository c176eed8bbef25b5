"""Reports without login are limited per organisation and per call-back number too
(outages/limits.py, issue 14)."""

from __future__ import annotations

from django.test import override_settings

from reservrutin.outages.models import Report
from reservrutin.outages.tests.helpers import post_anonymous_report
from reservrutin.test import BaseTestCase


class ReportLimitTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.org_a.allows_unauthenticated_reports = True
        cls.org_a.save(update_fields=["allows_unauthenticated_reports"])

    def report(self, n: int, *, phone: str, client: str):  # type: ignore[no-untyped-def]
        return post_anonymous_report(self, key=f"k-{n}", phone=phone, REMOTE_ADDR=client)

    @override_settings(OUTAGES_UNAUTHENTICATED_REPORTS_PER_PHONE_PER_HOUR=2)
    def test_one_number_however_written_is_limited_across_clients(self) -> None:
        self.assertEqual(self.report(1, phone="070-123 45 67", client="192.0.2.1").status_code, 302)
        self.assertEqual(self.report(2, phone="+46701234567", client="192.0.2.2").status_code, 302)
        response = self.report(3, phone="0701234567", client="192.0.2.3")
        self.assertContains(response, "med det här telefonnumret", status_code=400)
        self.assertEqual(self.report(4, phone="070-765 43 21", client="192.0.2.3").status_code, 302)

    @override_settings(OUTAGES_UNAUTHENTICATED_REPORTS_PER_ORGANISATION_PER_HOUR=3)
    def test_the_organisation_has_a_ceiling_over_all_clients(self) -> None:
        for n in range(3):
            phone = f"070-123 45 {n:02d}"
            self.assertEqual(self.report(n, phone=phone, client=f"192.0.2.{n}").status_code, 302)
        response = self.report(9, phone="070-999 99 99", client="192.0.2.99")
        self.assertContains(response, "utan inloggning den senaste timmen", status_code=400)
        self.assertEqual(Report.objects.count(), 3)

    def test_signed_in_reports_are_not_limited(self) -> None:
        self.login(self.alice)
        with override_settings(OUTAGES_UNAUTHENTICATED_REPORTS_PER_ORGANISATION_PER_HOUR=0):
            self.assertEqual(self.report(1, phone="", client="192.0.2.1").status_code, 302)
