"""An exercise never reaches the public page: not its holding line, not the routine's
notices, not a publisher's driftinfo; internally each notice carries exactly one ÖVNING
mark (issue 12: titles read "ÖVNING: ÖVNING: …")."""

from __future__ import annotations

from reservrutin.outages.actions import resolve_outage
from reservrutin.outages.models import TimelineEntry
from reservrutin.outages.tests.helpers import DemoTestCase, at, local
from reservrutin.outages.tests.public_helpers import public_views, system_state
from reservrutin.readiness.exercises import start_exercise
from reservrutin.statuspage.actions import create_notice
from reservrutin.statuspage.models import Notice, PageVersion


class ExerciseNeverPublicTest(DemoTestCase):
    def start(self):  # type: ignore[no-untyped-def]
        sara = self.user("sara.holm")
        with at(9):
            return start_exercise(
                self.org("region-skane"),
                "sesam-lmn",
                "server-oatkomlig",
                speed=60,
                participants=[sara, self.user("eva.lind")],
                by=sara,
            ).outage

    def test_the_holding_line_and_the_routines_notice_stay_internal(self) -> None:
        version = PageVersion.objects.filter(organisation__key="region-skane").first()
        outage = self.start()
        # 4 h of routine time at speed 60: the backup routine's notice after 4 minutes.
        with at(9, 5):
            self.run_worker()
        notices = Notice.objects.filter(outage=outage)
        self.assertGreaterEqual(notices.count(), 2)
        self.assertTrue(all(n.is_exercise for n in notices))
        views = public_views("region-skane")
        for name, text in views.items():
            self.assertNotIn("Vi undersöker en störning", text, name)
            self.assertNotIn("akuta förskrivningar", text, name)
        self.assertEqual(system_state("region-skane", "sesam-lmn"), "ok")
        after = PageVersion.objects.filter(organisation__key="region-skane").first()
        self.assertEqual(getattr(after, "version", 0), getattr(version, "version", 0))

    def test_each_internal_notice_has_one_ovning_mark(self) -> None:
        outage = self.start()
        eva = self.user("eva.lind")
        with at(9, 2):
            create_notice(
                outage.organisation,
                by=eva,
                title=outage.title,  # "ÖVNING: …" as the notice form starts from it
                body="Övningsinformation.",
                systems=list(outage.systems.all()),
                outage=outage,
                publish=True,
            )
        with at(9, 5):
            self.run_worker()
        with at(9, 10):
            resolve_outage(outage, at=local(9, 8), by=eva)
        for notice in Notice.objects.filter(outage=outage):
            self.assertNotIn("ÖVNING", notice.title)
        for text in self.texts(outage, TimelineEntry.Kind.NOTICE):
            self.assertEqual(text.count("ÖVNING"), 1, text)
            self.assertTrue(text.startswith("ÖVNING: "), text)
        self.client.force_login(eva)
        listing = self.client.get("/org/region-skane/driftinfo/").content.decode()
        for notice in Notice.objects.filter(outage=outage):
            row = next(r for r in listing.split("<tr>") if str(notice.code) in r)
            self.assertEqual(row.count("ÖVNING"), 1, row)
            detail = self.client.get(f"/org/region-skane/driftinfo/{notice.code}/")
            h1 = detail.content.decode().split("<h1>")[1].split("</h1>")[0]
            self.assertEqual(h1.count("ÖVNING"), 1, h1)
        self.assertNotIn("Övningsinformation", public_views("region-skane")["page"])
