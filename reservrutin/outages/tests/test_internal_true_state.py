"""Internal pages show the true state of every system from the open outages, whatever has
been published (issue 12): a confirmed outage nobody has written driftinfo about is
"Driftstörning" for staff while the public page still says it works."""

from __future__ import annotations

from reservrutin.outages.actions import activate_backup_routine, confirm_outage, resolve_outage
from reservrutin.outages.models import Outage
from reservrutin.outages.tests.helpers import DemoTestCase, at, local
from reservrutin.outages.tests.public_helpers import system_state


class InternalTrueStateTest(DemoTestCase):
    def start(self, *, confirm: bool = True) -> Outage:
        eva = self.user("eva.lind")
        with at(9):
            outage = self.report("region-skane", ["sesam-s2"], by=eva).outage
            if confirm:
                outage = confirm_outage(outage, by=eva, scenario_key="server-oatkomlig")
        return outage

    def organisation_row(self) -> str:
        self.client.force_login(self.user("sara.holm"))
        page = self.client.get("/org/region-skane/").content.decode()
        return next(r for r in page.split("<tr>") if ">Sesam S2<" in r)

    def system_page(self) -> str:
        self.client.force_login(self.user("sara.holm"))
        return self.client.get("/org/region-skane/system/sesam-s2/").content.decode()

    def test_a_working_system_shows_it_works(self) -> None:
        self.assertIn("Fungerar", self.organisation_row())
        self.assertIn("Fungerar", self.system_page())

    def test_a_report_shows_unconfirmed_for_staff(self) -> None:
        self.start(confirm=False)
        self.assertIn("Felanmält, inte bekräftat", self.organisation_row())

    def test_staff_see_the_outage_that_the_public_page_does_not_yet_show(self) -> None:
        outage = self.start()
        self.assertEqual(system_state("region-skane", "sesam-s2"), "ok")
        row = self.organisation_row()
        self.assertIn("Driftstörning", row)
        self.assertIn(str(outage.code), row)  # a link to the outage
        self.assertIn("Driftstörning", self.system_page())

    def test_the_backup_routine_and_the_resolution_show(self) -> None:
        outage = self.start()
        with at(9, 30):
            activate_backup_routine(
                outage, "akuta-ot-remisser", by=self.user("eva.lind"), reason="Prövning."
            )
        self.assertIn("reservrutin gäller", self.organisation_row())
        with at(10):
            resolve_outage(outage, at=local(9, 50), by=None)
        self.assertIn("Fungerar", self.organisation_row())
