"""Outages and their append-only timeline.

The engine around them (reports, timers, escalation, tasks, activations, review) builds on
these two rows; see docs/outages.md.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OutageQuerySet(models.QuerySet["Outage"]):
    def open(self) -> OutageQuerySet:
        """Outages that are not yet resolved (what staff must act on now)."""
        return self.exclude(
            status__in=[
                Outage.Status.RESOLVED,
                Outage.Status.BACK_REGISTRATION,
                Outage.Status.CLOSED,
            ]
        )

    def real(self) -> OutageQuerySet:
        """Everything except exercises (the public status page shows only these)."""
        return self.filter(is_exercise=False)


class Outage(models.Model):
    """One outage of one or more systems, from first report (or planned start) to closing.

    Planned outages (service windows, upgrades) use the same row with ``kind=planned``.
    ``started_at`` is when the fault began as far as known; every routine timer counts from
    it. An exercise is an outage with ``is_exercise`` set: it runs the same engine, and every
    message and notice it causes says ÖVNING.
    """

    class Kind(models.TextChoices):
        UNPLANNED = "unplanned", _("Oplanerat avbrott")
        PLANNED = "planned", _("Planerat avbrott")

    class Status(models.TextChoices):
        REPORTED = "reported", _("Anmält")
        CONFIRMED = "confirmed", _("Bekräftat")
        BACKUP_ACTIVE = "backup_active", _("Reservrutin aktiv")
        RESOLVED = "resolved", _("Åtgärdat")
        BACK_REGISTRATION = "back_registration", _("Efterregistrering")
        CLOSED = "closed", _("Avslutat")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="outages",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices, default=Kind.UNPLANNED)
    title = models.CharField(_("rubrik"), max_length=200)
    description = models.TextField(_("beskrivning"), blank=True)
    systems = models.ManyToManyField(
        "registry.System", related_name="outages", verbose_name=_("berörda system")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REPORTED
    )
    routine_key = models.SlugField(_("rutin"), max_length=80, blank=True)
    scenario_key = models.SlugField(_("scenario"), max_length=80, blank=True)
    started_at = models.DateTimeField(_("började"))
    confirmed_at = models.DateTimeField(_("bekräftat"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("åtgärdat"), null=True, blank=True)
    closed_at = models.DateTimeField(_("avslutat"), null=True, blank=True)
    planned_end_at = models.DateTimeField(_("planerat slut"), null=True, blank=True)
    prognosis_at = models.DateTimeField(_("prognos"), null=True, blank=True)
    ticket_ref = models.CharField(_("ärendenummer hos servicedesk"), max_length=100, blank=True)
    is_exercise = models.BooleanField(_("övning"), default=False)
    #: Exercises run on compressed time: routine durations are divided by this factor.
    time_factor = models.FloatField(_("tidsfaktor"), default=1.0)
    created_at = models.DateTimeField(_("skapat"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = OutageQuerySet.as_manager()

    class Meta:
        verbose_name = _("driftstörning")
        verbose_name_plural = _("driftstörningar")
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["organisation", "status"], name="outage_org_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | Q(resolved_at__gte=models.F("started_at")),
                name="outage_resolved_after_start",
            ),
            models.CheckConstraint(
                condition=Q(time_factor__gt=0), name="outage_time_factor_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class TimelineEntry(models.Model):
    """One thing that happened in an outage: a report, a status change, a prognosis, a
    message sent or acknowledged, a timer fired, a task done, a notice published.

    Append-only: entries are never updated or deleted. A correction is a new entry whose
    ``corrects`` points at the original, which stays visible.
    """

    class Kind(models.TextChoices):
        REPORT = "report", _("Felanmälan")
        STATUS = "status", _("Status")
        PROGNOSIS = "prognosis", _("Prognos")
        SCENARIO = "scenario", _("Scenario")
        ESCALATION = "escalation", _("Eskalering")
        ACKNOWLEDGED = "acknowledged", _("Kvitterad")
        TIMER = "timer", _("Tidsgräns")
        ACTIVATION = "activation", _("Reservrutin aktiverad")
        TASK = "task", _("Uppgift")
        NOTICE = "notice", _("Driftinfo")
        MESSAGE = "message", _("Meddelande")
        NOTE = "note", _("Anteckning")
        CORRECTION = "correction", _("Rättelse")

    outage = models.ForeignKey(Outage, on_delete=models.PROTECT, related_name="timeline")
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    text = models.TextField(_("text"))
    data = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vem"),
    )
    created_at = models.DateTimeField(_("när"), db_index=True)
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("rättar"),
    )

    class Meta:
        verbose_name = _("händelse")
        verbose_name_plural = _("tidslinje")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_kind_display()}"
