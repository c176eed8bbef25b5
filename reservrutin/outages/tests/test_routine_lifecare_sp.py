"""End to end, Lifecare SP (003_e88b8a817296e448.txt): SP-03 the routine applies after 3 h."""

from __future__ import annotations

from reservrutin.outages.actions import confirm_outage, set_prognosis
from reservrutin.outages.models import Activation, Outage, Task
from reservrutin.outages.tests.helpers import DemoTestCase, at, local
from reservrutin.outages.tests.public_helpers import ClosingClearsPublicPage


class LifecareSpTest(ClosingClearsPublicPage, DemoTestCase):
    def test_it_sp_03_applies_the_discharge_routine_after_three_hours_not_before(self) -> None:
        peter = self.user("peter.wiklund")
        with at(8):
            submitted = self.report(
                "region-norrbotten", ["lifecare-sp"], by=self.user("anna.lundqvist")
            )
            outage = confirm_outage(submitted.outage, by=peter, scenario_key="lifecare-sp-ur-drift")
        # The timer's condition is "always": a prognosis does not hold it back.
        with at(9):
            set_prognosis(outage, at=local(15), by=peter)
        with at(10, 59):
            self.run_worker()
        self.assertFalse(Activation.objects.filter(outage=outage).exists())
        with at(11):
            self.run_worker()
        outage.refresh_from_db()
        self.assertEqual(outage.status, Outage.Status.BACKUP_ACTIVE)
        self.assertEqual(Activation.objects.get(outage=outage).backup_key, "samverkan-per-telefon")
        # SP-04/SP-06: the ward's phone tasks exist.
        self.assertTrue(
            Task.objects.filter(
                outage=outage, role_key="slutenvard", instruction__contains="utskrivningsklar"
            ).exists()
        )

    def test_closing_the_outage_clears_the_public_page(self) -> None:
        """Issue 12: status page, API, Atom, JSON feed and mirror after closing."""
        self.assert_closing_clears_public_page(
            "region-norrbotten",
            ["lifecare-sp"],
            "lifecare-sp-ur-drift",
            reporter="peter.wiklund",
            publisher="peter.wiklund",
        )
