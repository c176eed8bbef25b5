"""Notices start from the routine's templates, and the phone queue gets a broadcast text
derived from the notice (LMN-09, LMN-10, LMN-11, S2-06)."""

from __future__ import annotations

from reservrutin.outages.tests.helpers import DemoTestCase, at
from reservrutin.statuspage import actions, queries
from reservrutin.statuspage.models import Notice


class NoticeTextTests(DemoTestCase):
    def outage(self, scenario: str):
        from reservrutin.outages.actions import confirm_outage

        sara = self.user("sara.holm")
        with at(9):
            submitted = self.report("region-skane", ["sesam-lmn"], by=sara)
            return confirm_outage(submitted.outage, by=sara, scenario_key=scenario)

    def test_lmn_09_the_publisher_starts_from_the_routines_notice_text(self) -> None:
        outage = self.outage("server-oatkomlig")
        publisher = self.user("eva.lind")
        self.client.force_login(publisher)
        url = f"/org/region-skane/driftinfo/ny/?outage={outage.code}"
        page = self.client.get(url).content.decode()
        self.assertIn("Reservrutin för akuta förskrivningar gäller", page)  # offered
        page = self.client.get(url + "&mall=reservrutin-galler").content.decode()
        self.assertIn("kontakta Kundservice", page)  # prefilled into the text field
        self.assertIn('value="Reservrutin för akuta förskrivningar gäller"', page)

    def test_lmn_11_telephony_disruption_gives_the_broadcast_and_the_notice_text(self) -> None:
        """LMN-11: callers hear a broadcast on the phone queue and IT informs via driftinfo."""
        outage = self.outage("telefonistorning")
        broadcast = outage.tasks.get(role_key="telefoniansvarig")
        self.assertIn("störningar i telefonin", broadcast.script)
        publish = outage.tasks.get(role_key="regional-it")
        self.assertIn("Det är störningar i telefonin", publish.script)

    def test_lmn_10_the_telephony_owner_gets_a_broadcast_derived_from_the_notice(self) -> None:
        outage = self.outage("kundservice-tappar-kontakt")
        notice = actions.create_notice(
            outage.organisation,
            by=self.user("eva.lind"),
            title="Kundservice når inte Sesam LMN",
            body="Kundservice arbetar via tjänstemobiler.  Svarstiderna kan bli längre.",
            systems=list(outage.systems.all()),
            outage=outage,
            publish=True,
        )
        text = queries.broadcast_text(notice)
        self.assertEqual(
            text,
            "Region Skåne informerar: Kundservice når inte Sesam LMN. Kundservice arbetar via "
            "tjänstemobiler. Svarstiderna kan bli längre. Mer information finns på "
            "driftinformationen.",
        )
        self.assertIn("lavin", outage.tasks.get(role_key="telefoniansvarig").instruction.lower())
        self.client.force_login(self.user("eva.lind"))
        page = self.client.get(f"/org/region-skane/driftinfo/{notice.code}/")
        self.assertContains(page, "Text för telefonslingan")
        self.assertContains(page, "Region Skåne informerar")

    def test_a_long_notice_gives_a_short_broadcast(self) -> None:
        notice = Notice(title="T", body="ord " * 500)
        notice.organisation = self.user("eva.lind").memberships.first().organisation
        self.assertLess(len(queries.broadcast_text(notice)), 520)
