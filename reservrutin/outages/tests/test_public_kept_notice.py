"""No notice outlives its outage unless a publisher keeps it on purpose; the notice list
shows it as kept (issue 12)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from reservrutin.outages.actions import close_outage, confirm_outage, resolve_outage
from reservrutin.outages.models import Outage
from reservrutin.outages.tests.helpers import DemoTestCase, at, local
from reservrutin.outages.tests.public_helpers import public_views, publish_for
from reservrutin.statuspage.actions import keep_notice
from reservrutin.statuspage.models import Notice

KEPT = "Efterregistrera akuta remisser senast fredag."


class KeptNoticeTest(DemoTestCase):
    def start(self) -> tuple[Outage, Notice, Notice]:
        eva = self.user("eva.lind")
        with at(9):
            outage = self.report("region-skane", ["sesam-s2"], by=eva).outage
            outage = confirm_outage(outage, by=eva, scenario_key="server-oatkomlig")
            notices = [
                publish_for(outage, eva, title, body)
                for title, body in [
                    ("Sesam S2 går inte att nå", "Felsökning pågår."),
                    ("Efterregistrering", KEPT),
                ]
            ]
        return outage, notices[0], notices[1]

    def test_a_kept_notice_stays_after_resolve_and_close(self) -> None:
        outage, other, kept = self.start()
        eva = self.user("eva.lind")
        with at(9, 30):
            keep_notice(kept, by=eva)
        with at(10):
            outage = resolve_outage(outage, at=local(9, 50), by=eva)
        with at(11):
            close_outage(outage, by=eva)
        kept.refresh_from_db()
        other.refresh_from_db()
        self.assertEqual(kept.status, Notice.Status.PUBLISHED)
        self.assertEqual(other.status, Notice.Status.ENDED)
        page = public_views("region-skane")["page"]
        self.assertIn(KEPT, page.partition("Tidigare driftinformation")[0])

    def test_the_notice_list_shows_it_as_kept(self) -> None:
        _, _, kept = self.start()
        eva = self.user("eva.lind")
        keep_notice(kept, by=eva)
        self.client.force_login(eva)
        page = self.client.get("/org/region-skane/driftinfo/").content.decode()
        row = next(r for r in page.split("<tr>") if "Efterregistrering" in r)
        self.assertIn("Behålls efter störningen", row)
        other_row = next(r for r in page.split("<tr>") if "Sesam S2 går inte att nå" in r)
        self.assertNotIn("Behålls efter störningen", other_row)

    def test_a_publisher_keeps_it_through_the_notice_page(self) -> None:
        _, _, kept = self.start()
        self.client.force_login(self.user("eva.lind"))
        response = self.client.post(f"/org/region-skane/driftinfo/{kept.code}/behall/")
        self.assertEqual(response.status_code, 302)
        kept.refresh_from_db()
        self.assertIsNotNone(kept.kept_at)
        self.client.post(f"/org/region-skane/driftinfo/{kept.code}/behall/", {"keep": "0"})
        kept.refresh_from_db()
        self.assertIsNone(kept.kept_at)

    def test_only_a_publisher_may_keep_it(self) -> None:
        _, _, kept = self.start()
        with self.assertRaises(PermissionDenied):
            keep_notice(kept, by=self.user("sara.holm"))
        self.client.force_login(self.user("sara.holm"))
        response = self.client.post(f"/org/region-skane/driftinfo/{kept.code}/behall/")
        self.assertEqual(response.status_code, 403)
        self.client.logout()
        response = self.client.post(f"/org/region-skane/driftinfo/{kept.code}/behall/")
        self.assertEqual(response.status_code, 302)
        self.assertIn("/logga-in/", response["Location"])
        kept.refresh_from_db()
        self.assertIsNone(kept.kept_at)
