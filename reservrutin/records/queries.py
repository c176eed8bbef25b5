"""Reads for the records pages: the SP-11 note text, queues, progress, payment overview.

Nothing here writes. Callers fetch what the user may see through ``records.access`` first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from reservrutin.accounts.models import Organisation, Unit
from reservrutin.lib import clock
from reservrutin.outages.models import Outage
from reservrutin.records import payment
from reservrutin.records.models import (
    BackRegistration,
    DailyAmount,
    DischargeReport,
    DowntimeRecord,
    PaymentAgreement,
    RecordType,
)


def _when(instant: dt.datetime) -> str:
    local = clock.local(instant)
    return f"{local:%Y-%m-%d} kl. {local:%H:%M}"


def back_registration_note(record: DowntimeRecord, *, registered_at: dt.datetime) -> str:
    """The note to paste into the target system with the record (SP-11).

    It states both times, so the real system's entry time (``registered_at``, now or when it
    was done) is never mistaken for the event time, and says back-dating is not allowed.
    Kept in Swedish on purpose: it goes into a Swedish patient record whatever the UI
    language.
    """
    text = (
        f"Efterregistrering från reservrutin. Händelsen inträffade {_when(record.event_at)} "
        f"och dokumenterades på papper av {record.written_by_name}. "
        f"Registrerad i systemet {_when(registered_at)} "
        "(datum avviker från rapporterat datum på grund av driftstörning). "
        "Redatering är inte tillåten."
    )
    if record.corrects_id is not None:
        text = f"Rättelse av {record.corrects.number}. " + text
    return f"{text} Nummer: {record.number}."


def note_time(back_registration: BackRegistration) -> dt.datetime:
    """The registration time to show in the note: when it was done, else now."""
    return back_registration.done_at or clock.now()


def awaited_decisions(outage_ids: Iterable[int]) -> dict[int, str]:
    """Outages whose back-registration of times waits for a decision (TES-10: over 10 hours
    the administrations announce how it is handled): outage id → what is awaited.

    A resolution task of the routine with no due time ("when announced") that is not yet
    done is such a decision; time registrations of that outage wait until it is done.
    """
    from reservrutin.outages.models import Task

    rows = Task.objects.filter(
        outage_id__in=list(outage_ids),
        source=Task.Source.RESOLUTION,
        due_at__isnull=True,
        done_at__isnull=True,
    ).values_list("outage_id", "instruction")
    return dict(rows)


def waits_for_decision(back_registration: BackRegistration, decisions: dict[int, str]) -> bool:
    record = back_registration.record
    return record.record_type == RecordType.TIME_REGISTRATION and record.outage_id in decisions


def queue(records: QuerySet[DowntimeRecord]) -> QuerySet[BackRegistration]:
    return (
        BackRegistration.objects.filter(record__in=records)
        .select_related(
            "record__unit",
            "record__outage",
            "record__organisation",
            "responsible",
            "record__corrects",
        )
        .order_by("status", "due_at", "id")
    )


@dataclass(frozen=True)
class Progress:
    total: int
    done: int
    cannot: int
    overdue: int

    @property
    def open(self) -> int:
        return self.total - self.done - self.cannot


def progress(back_registrations: QuerySet[BackRegistration], *, now: dt.datetime) -> Progress:
    """Counts for "37 av 52 efterregistrerade", in one query."""
    Status = BackRegistration.Status
    counts = back_registrations.order_by().aggregate(
        total=Count("id"),
        done=Count("id", filter=Q(status=Status.DONE)),
        cannot=Count("id", filter=Q(status=Status.CANNOT_BE_DONE)),
        overdue=Count("id", filter=Q(status=Status.PENDING, due_at__lt=now)),
    )
    return Progress(**counts)


# --- payment responsibility (SP-06, SP-12) ------------------------------------------------


def payment_rule_for(organisation: Organisation, *, on: dt.date) -> payment.PaymentRule:
    """The agreement in force on ``on`` for ``organisation`` or a partner region; else the
    law's default (lag 2017:612)."""
    regions = Q(organisation=organisation) | Q(
        organisation__in=organisation.partners.filter(kind=Organisation.Kind.REGION)
    )
    agreement = (
        PaymentAgreement.objects.filter(regions, valid_from__lte=on).order_by("-valid_from").first()
    )
    if agreement is None:
        return payment.LAW_DEFAULT
    return payment.PaymentRule(
        name=agreement.name,
        grace_days=agreement.grace_days,
        counting=payment.DayCounting(agreement.counting),
        day_zero_counts=agreement.day_zero_counts,
        cut_off=agreement.cut_off,
        discharge_day_counts=agreement.discharge_day_counts,
        source=agreement.source,
    )


def daily_amounts() -> list[payment.DailyAmount]:
    return [
        payment.DailyAmount(row.year, row.amount_sek, row.regulation, row.source_url)
        for row in DailyAmount.objects.all()
    ]


@dataclass(frozen=True)
class PaymentRow:
    record: DowntimeRecord
    ready_at: dt.datetime
    starts_at: dt.datetime
    admitted_at: dt.datetime | None
    discharged_at: dt.datetime | None
    rule: payment.PaymentRule
    totals: payment.Totals | None
    error: str = ""

    @property
    def amount_text(self) -> str:
        """Known amount, and "belopp saknas för år N" for each year without a sourced amount."""
        if self.totals is None:
            return ""
        kronor = f"{self.totals.known_sek:,}".replace(",", " ")
        text = f"{kronor} kr"
        for year in self.totals.unknown_years:
            text += f" (belopp saknas för år {year})"
        return text


def payment_overview(unit: Unit, outage: Outage, *, now: dt.datetime) -> list[PaymentRow]:
    """Patients of ``unit`` reported ready for discharge during ``outage``, with when the
    municipality's payment responsibility starts and what has accrued by ``now``.

    The latest ready-for-discharge call per patient counts (SP-08: a change replaces the
    earlier time); a later discharge call ends accrual. Corrected reports are replaced by
    their corrections.
    """
    end = outage.resolved_at or now
    reports = DischargeReport.objects.filter(
        record__unit=unit, record__corrections__isnull=True
    ).select_related("record")
    ready = reports.filter(
        kind=DischargeReport.Kind.READY_FOR_DISCHARGE,
        call_at__gte=outage.started_at,
        call_at__lte=end,
    ).order_by("call_at", "id")
    latest: dict[tuple[str, str], DischargeReport] = {}
    for report in ready:
        latest[(report.record.subject_id_kind, report.record.subject_id_value)] = report
    others = list(
        reports.filter(
            kind__in=[DischargeReport.Kind.ADMISSION, DischargeReport.Kind.DISCHARGE],
            record__subject_id_value__in=[key[1] for key in latest],
        ).order_by("call_at", "id")
    )
    amounts = daily_amounts()
    rows: list[PaymentRow] = []
    for key, report in latest.items():
        same = [r for r in others if (r.record.subject_id_kind, r.record.subject_id_value) == key]
        admissions = [
            r.call_at for r in same if r.kind == "admission" and r.call_at <= report.call_at
        ]
        discharges = [
            r.call_at for r in same if r.kind == "discharge" and r.call_at >= report.call_at
        ]
        admitted_at = admissions[-1] if admissions else None
        discharged_at = discharges[0] if discharges else None
        rule = payment_rule_for(unit.organisation, on=clock.local(report.call_at).date())
        starts_at = payment.responsibility_starts_at(report.call_at, rule)
        try:
            days = payment.accrued(
                report.call_at, discharged_at, now, rule, amounts, admitted_at=admitted_at
            )
            totals, error = payment.totals(days), ""
        except payment.PaymentInputError as exc:
            totals, error = None, str(exc)
        rows.append(
            PaymentRow(
                record=report.record,
                ready_at=report.call_at,
                starts_at=starts_at,
                admitted_at=admitted_at,
                discharged_at=discharged_at,
                rule=rule,
                totals=totals,
                error=error,
            )
        )
    rows.sort(key=lambda row: row.ready_at)
    return rows
