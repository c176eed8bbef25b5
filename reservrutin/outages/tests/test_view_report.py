"""The report form /org/<org>/felanmalan/ (TES-08, SOD-10, SOD-11): personas and bad input."""

from __future__ import annotations

from django.urls import reverse

from reservrutin.outages.models import Outage, Report
from reservrutin.test import BaseTestCase


class ReportViewTest(BaseTestCase):
    def url(self, org: str = "org-a") -> str:
        return reverse("outages:report", args=[org])

    def data(self, **extra: object) -> dict[str, object]:
        data: dict[str, object] = {
            "systems": [self.system_a.pk],
            "fault_type": "unreachable",
            "extent": "my_unit",
            "unit": self.unit_a.pk,
            "description": "Går inte att logga in.",
            "idempotency_key": "abc123",
        }
        data.update(extra)
        return data

    def test_it_lets_staff_report_tes_08(self) -> None:
        self.login(self.alice)
        response = self.client.get(self.url())
        self.assertContains(response, "Typ av fel")
        response = self.client.post(self.url(), self.data())
        report = Report.objects.get()
        self.assertRedirects(
            response, reverse("outages:report_result", args=["org-a", report.code])
        )
        self.assertEqual(report.reporter, self.alice)
        self.assertEqual(report.reporter_name, "Alice Andersson")
        self.assertTrue(report.is_verified)
        self.assertEqual(report.outage.status, Outage.Status.REPORTED)
        result = self.client.get(response["Location"])
        self.assertContains(result, "Tack för din felanmälan")
        self.assertContains(result, "Anmält")

    def test_it_is_idempotent_on_double_submission(self) -> None:
        self.login(self.alice)
        self.client.post(self.url(), self.data())
        second = self.client.post(self.url(), self.data())
        self.assertEqual(second.status_code, 302)
        self.assertEqual(Report.objects.count(), 1)
        self.assertEqual(Outage.objects.count(), 1)

    def test_it_joins_an_open_outage_of_the_same_system(self) -> None:
        self.login(self.alice)
        self.client.post(self.url(), self.data())
        self.login(self.maria)
        self.client.post(self.url(), self.data(idempotency_key="other"))
        self.assertEqual(Outage.objects.get().reports.count(), 2)

    def test_it_rejects_an_unknown_system_and_keeps_the_input(self) -> None:
        self.login(self.alice)
        response = self.client.post(self.url(), self.data(systems=[self.system_b.pk]))
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Okänt system", status_code=400)
        self.assertContains(response, "Går inte att logga in.", status_code=400)
        self.assertFalse(Report.objects.exists())

    def test_it_requires_the_fields_of_tes_08(self) -> None:
        self.login(self.alice)
        response = self.client.post(self.url(), {"idempotency_key": "x"})
        self.assertEqual(response.status_code, 400)
        for field in ("systems", "fault_type", "extent", "unit"):
            self.assertIn(field, response.context["form"].errors)

    def test_it_sends_anonymous_to_login_where_not_allowed(self) -> None:
        self.assert_requires_login(self.url())

    def test_it_accepts_unauthenticated_reports_where_allowed_sod_10(self) -> None:
        self.org_a.allows_unauthenticated_reports = True
        self.org_a.save(update_fields=["allows_unauthenticated_reports"])
        response = self.client.get(self.url())
        self.assertContains(response, "Du är inte inloggad")
        response = self.client.post(self.url(), self.data(reporter_name="Vik"))
        self.assertEqual(response.status_code, 400)
        self.assertIn("reporter_phone", response.context["form"].errors)
        response = self.client.post(
            self.url(), self.data(reporter_name="Vik", reporter_phone="070-123 45 67")
        )
        report = Report.objects.get()
        self.assertFalse(report.is_verified)
        # The anonymous reporter sees their own result page (session), nobody else's.
        self.assertEqual(self.client.get(response["Location"]).status_code, 200)
        self.client.logout()
        self.assertEqual(self.client.get(response["Location"]).status_code, 404)

    def test_it_hides_the_organisation_from_outsiders(self) -> None:
        self.login(self.bob)
        self.assertEqual(self.client.get(self.url()).status_code, 404)

    def test_it_hides_someone_elses_report_result(self) -> None:
        self.login(self.alice)
        response = self.client.post(self.url(), self.data())
        self.login(self.maria)
        self.assertEqual(self.client.get(response["Location"]).status_code, 404)
        self.login(self.carl)  # a coordinator may look
        self.assertEqual(self.client.get(response["Location"]).status_code, 200)
