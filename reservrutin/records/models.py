"""Downtime records: work documented on paper during an outage, and getting it back in.

A paper note written during an outage becomes a ``DowntimeRecord`` when someone transcribes
it here; its ``BackRegistration`` tracks entering it into the real system afterwards.
Lifecare SP phone reports (SP-04…SP-09) are records too, with their structured fields in a
``DischargeReport``. Payment responsibility (SP-12) is computed by ``payment.py`` from those
times and the ``PaymentAgreement``/``DailyAmount`` rows here. See docs/records.md.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reservrutin.lib.identity import IdentifierKind, PatientIdentifier
from reservrutin.records.payment import DayCounting


class RecordType(models.TextChoices):
    """What kind of paper a record is; each has its own printable blank form."""

    JOURNAL_NOTE = "journal_note", _("Journalanteckning")
    DEVIATION = "deviation", _("Avvikelse")
    SIGNING_LIST = "signing_list", _("Signeringslista")
    TIME_REGISTRATION = "time_registration", _("Tider och insatser")
    PAPER_REFERRAL = "paper_referral", _("Pappersremiss")
    ACUTE_PRESCRIPTION = "acute_prescription", _("Akut förskrivning")
    DISCHARGE_PHONE_REPORT = "discharge_phone_report", _("Telefonrapport, utskrivningsklar")


class RecordNumberCounter(models.Model):
    """The last record number handed out in one calendar year (``RR-<year>-<n>``).

    One row per year; allocation increments it with a conditional UPDATE so two forms
    printed at the same moment never get the same number.
    """

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("nummerserie")
        verbose_name_plural = _("nummerserier")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class RecordNumber(models.Model):
    """A record number reserved for one printed blank form (and its QR code).

    When the paper is transcribed, the record takes this number, so paper and record can
    be matched. A number is used by at most one record (``DowntimeRecord.number`` is unique).
    """

    number = models.CharField(_("nummer"), max_length=20, unique=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, null=True, related_name="+")
    outage = models.ForeignKey(
        "outages.Outage", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    record_type = models.CharField(_("typ"), max_length=30, choices=RecordType.choices)
    reserved_at = models.DateTimeField(_("reserverat"))
    reserved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("reserverat nummer")
        verbose_name_plural = _("reserverade nummer")
        ordering = ["-reserved_at"]

    def __str__(self) -> str:
        return self.number


class DowntimeRecordQuerySet(models.QuerySet["DowntimeRecord"]):
    def for_outage(self, outage: models.Model) -> DowntimeRecordQuerySet:
        return self.filter(outage=outage)


class DowntimeRecord(models.Model):
    """One piece of work documented on paper (or offline) during an outage, as transcribed.

    ``event_at`` is the time written on the paper (when it happened); ``entered_at`` is when
    it was typed in here, set by the server and never editable (PDL 3 kap. 6 §: who and
    when). Append-only: a record is never changed; a correction is a new record whose
    ``corrects`` points at the original, and both stay visible (rättelse).

    The subject's identifier is stored normalised (kind + value) and shown masked except on
    the record page to people allowed to see it. URLs use ``code``, never the identifier.
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    outage = models.ForeignKey(
        "outages.Outage",
        on_delete=models.PROTECT,
        related_name="downtime_records",
        verbose_name=_("driftstörning"),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "accounts.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("enhet")
    )
    record_type = models.CharField(_("typ"), max_length=30, choices=RecordType.choices)
    number = models.CharField(_("nummer"), max_length=20, unique=True)
    event_at = models.DateTimeField(_("händelsetid"))
    written_by_name = models.CharField(_("skrivet av"), max_length=200)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("registrerad"), editable=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    subject_name = models.CharField(
        _("patientens eller brukarens namn"), max_length=200, blank=True
    )
    subject_id_kind = models.CharField(
        _("typ av identitet"), max_length=30, choices=IdentifierKind.choices, blank=True
    )
    #: Normalised 12 characters (lib/identity). Never logged or put in a URL.
    subject_id_value = models.CharField(_("identitet"), max_length=12, blank=True)
    content = models.TextField(_("innehåll"))
    target_system = models.ForeignKey(
        "registry.System",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("system att föra in i"),
    )
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("rättar"),
    )
    idempotency_key = models.CharField(max_length=64, unique=True, editable=False)

    objects = DowntimeRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("manuell dokumentation")
        verbose_name_plural = _("manuell dokumentation")
        ordering = ["event_at", "id"]
        indexes = [models.Index(fields=["organisation", "unit"], name="record_org_unit")]
        constraints = [
            models.CheckConstraint(
                condition=Q(event_at__lte=models.F("entered_at")),
                name="record_event_not_after_entry",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args: object, **kwargs: object) -> None:
        # Append-only is an invariant, not a business rule: refuse any update of a stored row.
        if self.pk is not None and not self._state.adding:
            raise ValueError("DowntimeRecord is append-only; write a correction instead.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def subject_identifier(self) -> PatientIdentifier | None:
        """The identifier, which prints itself masked; call ``.full()`` only where allowed."""
        if not self.subject_id_value:
            return None
        return PatientIdentifier(IdentifierKind(self.subject_id_kind), self.subject_id_value)


class BackRegistration(models.Model):
    """The job of entering one record into the real system, and who answers for it.

    ``done_at`` is always the server time when someone said it was done; nothing lets it be
    set earlier (SP-11: back-dating is not allowed). ``due_at`` comes from
    ``actions.back_registration_due_at`` (one rule, one place).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Ska efterregistreras")
        DONE = "done", _("Efterregistrerad")
        CANNOT_BE_DONE = "cannot_be_done", _("Kan inte efterregistreras")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    record = models.OneToOneField(
        DowntimeRecord, on_delete=models.PROTECT, related_name="back_registration"
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="back_registrations",
        verbose_name=_("ansvarig"),
    )
    due_at = models.DateTimeField(_("senast"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    done_at = models.DateTimeField(_("efterregistrerad"), null=True, blank=True, editable=False)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    target_system = models.ForeignKey(
        "registry.System", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    external_ref = models.CharField(_("referens i systemet"), max_length=200, blank=True)
    reason = models.TextField(_("skäl"), blank=True)
    #: When the last reminder was queued, so ``remind_overdue`` reminds once per day.
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(editable=False)

    class Meta:
        verbose_name = _("efterregistrering")
        verbose_name_plural = _("efterregistreringar")
        ordering = ["due_at", "id"]
        indexes = [
            # Used by records.actions.remind_overdue (the reminder worker step).
            models.Index(
                fields=["due_at"],
                condition=Q(status="pending"),
                name="backreg_pending_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="done", done_at__isnull=False)
                | ~Q(status="done") & Q(done_at__isnull=True),
                name="backreg_done_has_done_at",
            ),
            models.CheckConstraint(
                condition=Q(done_at__isnull=True) | Q(done_at__gte=models.F("created_at")),
                name="backreg_done_not_before_created",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.record.number}: {self.get_status_display()}"

    def is_overdue(self, now: object) -> bool:
        return self.status == self.Status.PENDING and self.due_at < now  # type: ignore[operator]


class Reassignment(models.Model):
    """One hand-over of a back-registration to another person, with the reason (TES-05,
    TES-10: the writer could not enter it, so someone else does). Append-only history."""

    back_registration = models.ForeignKey(
        BackRegistration, on_delete=models.PROTECT, related_name="reassignments"
    )
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("skäl"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("omfördelning")
        verbose_name_plural = _("omfördelningar")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_user} → {self.to_user}"


class DischargeReport(models.Model):
    """The structured part of one Lifecare SP phone report made during an outage (SP-04…SP-09).

    Always attached one-to-one to a ``DowntimeRecord`` of type ``discharge_phone_report``,
    which holds the patient, the summary note (SP-07), the writer, the number and the
    back-registration; this row holds what only a phone report has. ``call_at`` is the
    official time: admission time for an admission (SP-05), ready-for-discharge time for
    ``ready_for_discharge`` (SP-06), and the basis of payment responsibility.
    """

    class Kind(models.TextChoices):
        ADMISSION = "admission", _("Inskrivning")
        NEW_ESTIMATED_DATE = "new_estimated_date", _("Nytt beräknat utskrivningsdatum")
        READY_FOR_DISCHARGE = "ready_for_discharge", _("Utskrivningsklar")
        DISCHARGE = "discharge", _("Utskrivning")
        CARE_CONTACT_AND_SIP = "care_contact_and_sip", _("Fast vårdkontakt och SIP-möte")
        READY_TO_TAKE_HOME = "ready_to_take_home", _("Redo för hemtagning")

    record = models.OneToOneField(
        DowntimeRecord, on_delete=models.PROTECT, related_name="discharge_report"
    )
    kind = models.CharField(_("rapport"), max_length=30, choices=Kind.choices)
    ward = models.CharField(_("avdelning"), max_length=200)
    ward_phone = models.CharField(_("avdelningens telefon"), max_length=40)
    caller_name = models.CharField(_("vem ringde"), max_length=200)
    caller_organisation = models.CharField(_("organisation för den som ringde"), max_length=200)
    receiver_name = models.CharField(_("till/från vem"), max_length=200)
    receiver_organisation = models.CharField(_("mottagarens organisation"), max_length=200)
    call_at = models.DateTimeField(_("tid för samtalet"))
    estimated_discharge_date = models.DateField(
        _("beräknat utskrivningsdatum"), null=True, blank=True
    )
    assessing_doctor = models.CharField(_("bedömande läkare"), max_length=200, blank=True)
    care_contact = models.CharField(_("fast vårdkontakt"), max_length=200, blank=True)
    sip_meeting_date = models.DateField(_("datum för SIP-möte"), null=True, blank=True)

    class Meta:
        verbose_name = _("telefonrapport")
        verbose_name_plural = _("telefonrapporter")
        ordering = ["call_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.call_at:%Y-%m-%d %H:%M}"


class PaymentAgreement(models.Model):
    """A region's agreement on when payment responsibility starts, from ``valid_from`` on.

    The fields are those of ``payment.PaymentRule``; a new version is a new row with a later
    ``valid_from``. Without a row, the law's default (lag 2017:612) applies.
    """

    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="payment_agreements",
        verbose_name=_("region"),
    )
    name = models.CharField(_("namn"), max_length=200)
    valid_from = models.DateField(_("gäller från"))
    grace_days = models.PositiveSmallIntegerField(_("antal dagar"))
    counting = models.CharField(
        _("räknas i"),
        max_length=10,
        choices=[
            (DayCounting.CALENDAR.value, _("kalenderdagar")),
            (DayCounting.WORKING.value, _("vardagar")),
        ],
        default=DayCounting.CALENDAR.value,
    )
    day_zero_counts = models.BooleanField(_("meddelandedagen räknas"), default=False)
    cut_off = models.TimeField(_("brytpunkt"), null=True, blank=True)
    discharge_day_counts = models.BooleanField(_("utskrivningsdagen räknas"), default=True)
    source = models.TextField(_("källa"), blank=True)

    class Meta:
        verbose_name = _("överenskommelse om betalningsansvar")
        verbose_name_plural = _("överenskommelser om betalningsansvar")
        ordering = ["organisation", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "valid_from"], name="payment_agreement_version_unique"
            ),
            models.CheckConstraint(condition=Q(grace_days__gte=1), name="payment_grace_days_min"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.valid_from})"


class DailyAmount(models.Model):
    """Socialstyrelsen's amount per vårddygn for one year (förordning 2017:617), with source."""

    year = models.PositiveSmallIntegerField(_("år"), unique=True)
    amount_sek = models.PositiveIntegerField(_("belopp (kr)"))
    regulation = models.CharField(_("föreskrift"), max_length=50, blank=True)
    source_url = models.URLField(_("källa"), max_length=500)

    class Meta:
        verbose_name = _("belopp per dygn")
        verbose_name_plural = _("belopp per dygn")
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year}: {self.amount_sek} kr"
