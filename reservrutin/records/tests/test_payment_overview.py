"""payment_overview: each unit watches payment responsibility during the outage (SP-06, SP-12)."""

from __future__ import annotations

import datetime as dt

from reservrutin.lib import clock
from reservrutin.records import actions, queries
from reservrutin.records.models import DailyAmount, DischargeReport, PaymentAgreement
from reservrutin.records.payment import LAW_DEFAULT, SOCIALSTYRELSEN_AMOUNTS
from reservrutin.records.tests.helpers import PNR, PNR_B, RecordsTestCase, key

Kind = DischargeReport.Kind


def at(day: int, hour: int) -> dt.datetime:
    return clock.at_local(dt.date(2026, 11, day), dt.time(hour))


class PaymentOverviewTests(RecordsTestCase):
    def call(self, kind: str, call_at: dt.datetime, pnr: str = PNR, **extra: object) -> None:
        actions.record_discharge_call(
            outage=self.outage,
            unit=self.unit_a,
            call=actions.DischargeCall(
                kind=kind,
                call_at=call_at,
                ward="Avd 12",
                ward_phone="0920-284012",
                caller_name="Nora",
                caller_organisation="Region A",
                receiver_name="Kim",
                receiver_organisation="Kommun B",
                summary="Rapport.",
                **extra,  # type: ignore[arg-type]
            ),
            patient=actions.Subject("Tolvan", pnr),
            written_by_name="Nora",
            idempotency_key=key(),
            by=self.alice,
        )

    def test_it_uses_the_call_time_and_the_law_by_default(self) -> None:
        """SP-06: the call time is the ready-for-discharge time and the basis of payment."""
        self.call(Kind.READY_FOR_DISCHARGE, at(18, 10))
        now = at(25, 12)
        [row] = queries.payment_overview(self.unit_a, self.outage, now=now)
        self.assertEqual(row.ready_at, at(18, 10))
        self.assertEqual(row.rule, LAW_DEFAULT)
        # Three whole calendar days after the 18th: responsibility starts on the 22nd.
        self.assertEqual(row.starts_at, at(22, 0))
        self.assertEqual(row.totals.days, 4)  # midnights of the 22nd…25th
        self.assertEqual(row.amount_text, "0 kr (belopp saknas för år 2026)")

    def test_it_prices_days_when_the_year_has_an_amount(self) -> None:
        DailyAmount.objects.create(year=2026, amount_sek=11_000, source_url="https://example.org")
        self.call(Kind.READY_FOR_DISCHARGE, at(18, 10))
        [row] = queries.payment_overview(self.unit_a, self.outage, now=at(23, 12))
        self.assertEqual(row.totals.known_sek, 22_000)
        self.assertEqual(row.amount_text, "22 000 kr")

    def test_it_uses_the_regions_agreement_and_the_latest_ready_call(self) -> None:
        PaymentAgreement.objects.create(
            organisation=self.org_a,
            name="Överenskommelse 2026",
            valid_from=dt.date(2026, 1, 1),
            grace_days=2,
            day_zero_counts=True,
            cut_off=dt.time(12),
        )
        self.call(Kind.READY_FOR_DISCHARGE, at(18, 9))
        self.call(Kind.READY_FOR_DISCHARGE, at(18, 13), assessing_doctor="Dr Ek")
        [row] = queries.payment_overview(self.unit_a, self.outage, now=at(22, 12))
        self.assertEqual(row.ready_at, at(18, 13))
        self.assertEqual(row.rule.name, "Överenskommelse 2026")
        # After 12:00, day 0 is the 19th; days 19 and 20 are grace; start on the 21st.
        self.assertEqual(row.starts_at, at(21, 0))

    def test_it_stops_at_discharge_and_lists_only_calls_during_the_outage(self) -> None:
        self.call(Kind.READY_FOR_DISCHARGE, at(18, 10))
        self.call(Kind.DISCHARGE, at(18, 15))
        self.call(Kind.READY_FOR_DISCHARGE, at(19, 7), pnr=PNR_B)  # after the outage
        [row] = queries.payment_overview(self.unit_a, self.outage, now=at(25, 12))
        self.assertEqual(row.discharged_at, at(18, 15))
        self.assertEqual(row.totals.days, 0)

    def test_seeded_years_come_from_payment_py(self) -> None:
        """The data migration copies payment.py's sourced years (it may not import them)."""
        self.assertEqual(
            list(DailyAmount.objects.values_list("year", "amount_sek", "regulation", "source_url")),
            [(a.year, a.amount_sek, a.regulation, a.source_url) for a in SOCIALSTYRELSEN_AMOUNTS],
        )
