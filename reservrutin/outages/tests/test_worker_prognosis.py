"""Timers "without prognosis" (LMN-09, S2-06): a prognosis holds the timer back; a
prognosis that passes without recovery re-arms it."""

from __future__ import annotations

from reservrutin.outages.actions import confirm_outage, resolve_outage, set_prognosis
from reservrutin.outages.models import Activation, Outage, Timer
from reservrutin.outages.tests.helpers import DemoTestCase, at, local


class PrognosisTimerTest(DemoTestCase):
    def start(self) -> Outage:
        sara = self.user("sara.holm")
        with at(9):
            submitted = self.report("region-skane", ["sesam-lmn"], by=sara)
            return confirm_outage(submitted.outage, by=sara, scenario_key="server-oatkomlig")

    def test_it_lmn_09_prognosis_at_1230_stops_the_1300_activation(self) -> None:
        outage = self.start()
        with at(12, 30):
            set_prognosis(outage, at=local(15), by=self.user("eva.lind"))
        with at(13):
            self.run_worker()
        self.assertFalse(Activation.objects.filter(outage=outage).exists())
        first = Timer.objects.get(outage=outage, rearmed_from__isnull=True)
        self.assertIsNotNone(first.skipped_at)
        self.assertIsNone(first.fired_at)
        rearmed = Timer.objects.get(rearmed_from=first)
        self.assertEqual(rearmed.due_at, local(15))

    def test_it_lmn_09_rearms_when_the_prognosis_passes_without_recovery(self) -> None:
        outage = self.start()
        with at(12, 30):
            set_prognosis(outage, at=local(15), by=self.user("eva.lind"))
        with at(13):
            self.run_worker()
        with at(14, 59):
            self.run_worker()
        self.assertFalse(Activation.objects.filter(outage=outage).exists())
        with at(15):
            self.run_worker()
        self.assertEqual(Activation.objects.get(outage=outage).backup_key, "akuta-forskrivningar")

    def test_it_keeps_waiting_when_the_prognosis_is_moved_again(self) -> None:
        outage = self.start()
        with at(12, 30):
            set_prognosis(outage, at=local(15), by=self.user("eva.lind"))
        with at(13):
            self.run_worker()
        with at(14, 30):
            set_prognosis(outage, at=local(16), by=self.user("eva.lind"))
        with at(15):
            self.run_worker()
        self.assertFalse(Activation.objects.filter(outage=outage).exists())
        with at(16):
            self.run_worker()
        self.assertTrue(Activation.objects.filter(outage=outage).exists())
        # Exactly one fired row in the chain, the others skipped.
        self.assertEqual(Timer.objects.filter(outage=outage, fired_at__isnull=False).count(), 1)

    def test_it_fires_nothing_once_resolved(self) -> None:
        outage = self.start()
        with at(11):
            resolve_outage(outage, at=local(10, 30), by=self.user("eva.lind"))
        with at(13):
            self.assertEqual(self.run_worker(), 0)
        self.assertFalse(Activation.objects.exists())
        self.assertEqual(Timer.objects.get(outage=outage).skip_reason, "Störningen åtgärdad")

    def test_it_keeps_prognosis_history(self) -> None:
        outage = self.start()
        eva = self.user("eva.lind")
        with at(10):
            set_prognosis(outage, at=local(12), by=eva)
        with at(11):
            set_prognosis(outage, at=local(14), by=eva)
        history = list(outage.prognoses.values_list("prognosis_at", flat=True))
        self.assertEqual(history, [local(12), local(14)])
