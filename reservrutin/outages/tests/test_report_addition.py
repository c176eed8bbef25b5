"""Issue 12 proof: a reporter adds to their report later ("nu hela enheten", "hela
arbetsplatsen") and the outage's scope grows with it, on the timeline. Persona matrix of the
addition action on the receipt page."""

from __future__ import annotations

from django.urls import reverse

from reservrutin.accounts.models import Unit
from reservrutin.outages import actions
from reservrutin.outages.models import Outage, Report, ReportAddition, TimelineEntry
from reservrutin.outages.tests.helpers import at
from reservrutin.outages.tests.scope_helpers import install_scope_world, submit
from reservrutin.test import BaseTestCase


class ReportAdditionTest(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        install_scope_world(cls)
        cls.site = Unit.objects.create(organisation=cls.org_a, key="site", name="Sjukhuset")
        Unit.objects.filter(pk__in=[cls.unit_a.pk, cls.unit_a2.pk]).update(parent=cls.site)

    def report(self, *, extent: str = "only_me", part: object = None) -> Report:
        with at(10):
            return submit(
                self,
                f"r-{extent}",
                part=part,
                fault_type="cannot_log_in",
                extent=extent,
                unit=self.unit_a,
            ).report

    def add_url(self, report: Report) -> str:
        return reverse("outages:report_add", args=["org-a", report.code])

    def test_the_scope_grows_to_the_site_when_the_reporter_adds_the_whole_workplace(self) -> None:
        report = self.report(extent="my_unit")
        outage = report.outage
        assert outage is not None
        self.assertEqual(list(outage.units.all()), [self.unit_a])
        self.login(self.alice)
        with at(10, 20):
            response = self.client.post(
                self.add_url(report), {"extent": "my_site", "text": "Nu hela huset."}
            )
            self.assertRedirects(
                response, reverse("outages:report_result", args=["org-a", report.code])
            )
            page = self.client.get(response["Location"])
        self.assertContains(page, "Nu hela huset.")
        self.assertEqual(set(outage.units.all()), {self.unit_a, self.site})
        addition = ReportAddition.objects.get()
        self.assertEqual((addition.extent, addition.by), ("my_site", self.alice))
        report.refresh_from_db()
        self.assertEqual(report.extent, "my_unit")  # the report itself is kept as it was
        texts = list(outage.timeline.values_list("kind", "text"))
        self.assertIn(
            (
                TimelineEntry.Kind.REPORT,
                "Tillägg från Alice Andersson: nu hela arbetsplatsen. Nu hela huset.",
            ),
            texts,
        )
        self.assertIn(
            (
                TimelineEntry.Kind.SCOPE,
                "Störningen gäller nu också Sjukhuset (tillägg från Alice Andersson).",
            ),
            texts,
        )

    def test_everyone_lifts_the_limit_to_units(self) -> None:
        report = self.report(extent="my_unit")
        with at(10, 20):
            actions.add_to_report(report, by=self.alice, extent="everyone")
        self.assertFalse(Outage.objects.get().units.exists())

    def test_a_new_part_widens_a_part_limited_outage(self) -> None:
        report = self.report(extent="my_unit", part=self.journal)
        with at(10, 20):
            actions.add_to_report(report, by=self.alice, part=self.app)
        self.assertEqual(set(Outage.objects.get().parts.all()), {self.journal, self.app})

    def test_an_addition_needs_something_and_keeps_what_was_typed(self) -> None:
        report = self.report(extent="my_unit")
        self.login(self.alice)
        with at(10, 20):
            response = self.client.post(self.add_url(report), {"extent": "", "text": "  "})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Skriv vad du vill lägga till", status_code=400)
        self.assertFalse(ReportAddition.objects.exists())

    def test_a_resolved_outage_takes_no_additions(self) -> None:
        report = self.report(extent="my_unit")
        outage = report.outage
        assert outage is not None
        with at(10, 30):
            actions.confirm_outage(outage, by=self.carl, scenario_key="")
            actions.resolve_outage(outage, at=outage.started_at, by=self.carl)
            with self.assertRaisesMessage(actions.OutageError, "redan åtgärdad"):
                actions.add_to_report(report, by=self.alice, extent="everyone")

    def test_persona_matrix(self) -> None:
        report = self.report(extent="my_unit")
        url = self.add_url(report)
        data = {"text": "Fler har problem."}
        self.client.logout()
        with at(10, 20):
            self.assertEqual(self.client.post(url, data).status_code, 404)  # anonymous
            self.assertEqual(self.client.get(url).status_code, 405)
            for outsider in (self.bob, self.maria, self.petra):
                self.login(outsider)
                self.assertEqual(self.client.post(url, data).status_code, 404, outsider)
            for allowed in (self.alice, self.carl, self.adam):  # reporter, coordinators
                self.login(allowed)
                self.assertEqual(self.client.post(url, data).status_code, 302, allowed)
        self.assertEqual(ReportAddition.objects.count(), 3)
