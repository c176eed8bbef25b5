"""Attack (issue 14): behind a reverse proxy or a hospital NAT the fault report without login
is limited per client, so one client's five reports do not block another's."""

from __future__ import annotations

from django.test import override_settings

from reservrutin.outages.models import Report
from reservrutin.outages.tests.helpers import post_anonymous_report
from reservrutin.test import BaseTestCase

PROXY = "10.0.0.1"


@override_settings(TRUSTED_PROXIES=[PROXY], OUTAGES_UNAUTHENTICATED_REPORTS_PER_HOUR=5)
class ReportLimitBehindProxyTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.org_a.allows_unauthenticated_reports = True
        cls.org_a.save(update_fields=["allows_unauthenticated_reports"])

    def report(self, client: str, n: int):  # type: ignore[no-untyped-def]
        return post_anonymous_report(
            self,
            key=f"{client}-{n}",
            name=f"Vikarie {n}",
            phone=f"070-123 45 {n:02d}",
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=client,
        )

    def test_one_clients_five_reports_do_not_block_another(self) -> None:
        for n in range(5):
            self.assertEqual(self.report("198.51.100.1", n).status_code, 302)
        refused = self.report("198.51.100.1", 5)
        self.assertContains(refused, "många felanmälningar härifrån", status_code=400)
        self.assertContains(refused, "Vikarie 5", status_code=400)
        self.assertEqual(self.report("198.51.100.2", 6).status_code, 302)
        self.assertEqual(
            sorted(set(Report.objects.values_list("source_address", flat=True))),
            ["198.51.100.1", "198.51.100.2"],
        )

    def test_a_forged_header_from_outside_the_proxy_does_not_escape_the_limit(self) -> None:
        for n in range(6):
            response = post_anonymous_report(
                self,
                key=f"forged-{n}",
                phone=f"070-123 45 {n:02d}",
                REMOTE_ADDR="203.0.113.66",
                HTTP_X_FORWARDED_FOR=f"198.51.100.{n + 50}",
            )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(Report.objects.count(), 5)
