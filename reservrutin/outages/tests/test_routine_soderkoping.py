"""End to end, Söderköping Lifecare and Phoniro (004_6e81604bc4b785d1.txt):
SOD-10, SOD-11, SOD-12, SOD-13."""

from __future__ import annotations

from reservrutin.outages.actions import OutageError
from reservrutin.outages.queries import affected_systems, reporting_guide
from reservrutin.outages.tests.helpers import DemoTestCase, local
from reservrutin.outages.tests.public_helpers import ClosingClearsPublicPage


class SoderkopingTest(ClosingClearsPublicPage, DemoTestCase):
    def test_it_sod_12_office_hours_point_to_the_administrators_first(self) -> None:
        org = self.org("soderkoping")
        guide = reporting_guide(org, [self.system("soderkoping", "lifecare")], local(10))
        self.assertEqual(
            [c.point.key for c in guide.contacts], ["objektsforvaltare-support", "it-servicedesk"]
        )
        self.assertEqual(guide.contacts[0].point.phone, "0121-18218")

    def test_it_sod_13_after_hours_points_to_the_ticket_portal(self) -> None:
        org = self.org("soderkoping")
        guide = reporting_guide(org, [self.system("soderkoping", "phoniro")], local(19))
        self.assertEqual([c.point.key for c in guide.contacts], ["easit"])

    def test_it_sod_11_shows_the_self_check_questions(self) -> None:
        guide = reporting_guide(
            self.org("soderkoping"), [self.system("soderkoping", "lifecare")], local(10)
        )
        self.assertEqual(len(guide.self_check), 6)
        self.assertIn("Är det fler användare", guide.self_check[4])

    def test_it_sod_10_login_outage_affects_its_dependants(self) -> None:
        with self.at_ten():
            submitted = self.report("soderkoping", ["saml-ad-login"], by=self.user("nora.karlsson"))
        keys = {s.key for s in affected_systems(submitted.outage)}
        self.assertTrue({"lifecare", "phoniro", "lmo-app", "home-care-app"} <= keys, keys)

    def test_it_sod_10_accepts_an_unverified_report_without_login_and_rate_limits_it(self) -> None:
        with self.at_ten():
            first = self.report(
                "soderkoping",
                ["bankid-login"],
                reporter_name="Vikarie Vik",
                reporter_phone="070-123 45 67",
                source_address="10.0.0.9",
            )
            self.assertFalse(first.report.is_verified)
            self.assertIsNone(first.report.reporter)
            for _ in range(4):
                self.report(
                    "soderkoping",
                    ["bankid-login"],
                    reporter_name="Vikarie Vik",
                    reporter_phone="070-123 45 67",
                    source_address="10.0.0.9",
                )
            with self.assertRaises(OutageError):
                self.report(
                    "soderkoping",
                    ["bankid-login"],
                    reporter_name="Vikarie Vik",
                    reporter_phone="070-123 45 67",
                    source_address="10.0.0.9",
                )
        self.assertEqual(first.outage.reports.count(), 5)

    def test_it_sod_10_requires_name_and_phone_without_login(self) -> None:
        with self.at_ten(), self.assertRaises(OutageError) as caught:
            self.report("soderkoping", ["lifecare"], reporter_name="Vik", reporter_phone="")
        self.assertEqual(caught.exception.field, "reporter_phone")

    def test_it_refuses_reports_without_login_where_the_organisation_does_not_allow_them(
        self,
    ) -> None:
        with self.at_ten(), self.assertRaises(OutageError):
            self.report("linkoping", ["tes"], reporter_name="X", reporter_phone="070-1")

    @staticmethod
    def at_ten():  # type: ignore[no-untyped-def]
        from reservrutin.outages.tests.helpers import at

        return at(10)

    def test_closing_the_outage_clears_the_public_page(self) -> None:
        """Issue 12: status page, API, Atom, JSON feed and mirror after closing."""
        self.assert_closing_clears_public_page(
            "soderkoping",
            ["lifecare"],
            "oplanerat-avbrott",
            reporter="nora.karlsson",
            publisher="marie.svensson",
        )
