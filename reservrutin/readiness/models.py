"""Readiness: each unit's checklist of things to have ready before an outage (beredskap),
the ticks that prove them done, the printed downtime binder, and exercises (övningar)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reservrutin.accounts.models import Organisation, Unit


class ReadinessItemQuerySet(models.QuerySet["ReadinessItem"]):
    def active(self) -> ReadinessItemQuerySet:
        return self.filter(active=True)

    def overdue(self, now: dt.datetime) -> ReadinessItemQuerySet:
        """Active items whose deadline has passed (what lowers a unit's readiness score)."""
        return self.filter(active=True, next_due_at__isnull=False, next_due_at__lte=now)


class ReadinessItem(models.Model):
    """One thing a unit must have ready before an outage (beredskapspunkt).

    It comes either from a preparedness item of a routine in force (``routine`` and
    ``item_key`` set, kept in step by ``actions.sync_unit_checklist``) or is the unit's own
    local addition (TES-03: the central routine is a template local routines follow).
    ``next_due_at`` is the deadline by which it must be done again; empty means it is
    current until something changes (``on_change`` and ``on_new_routine_version`` items).
    """

    class Recurrence(models.TextChoices):
        DAILY = "daily", _("Varje dag")
        BEFORE_WEEKENDS_AND_HOLIDAYS = (
            "before_weekends_and_holidays",
            _("Inför helger och helgdagar"),
        )
        WEEKLY = "weekly", _("Varje vecka")
        MONTHLY = "monthly", _("Varje månad")
        ON_CHANGE = "on_change", _("Vid ändring")
        ON_NEW_ROUTINE_VERSION = "on_new_routine_version", _("Vid ny version av rutinen")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="readiness_items", verbose_name=_("enhet")
    )
    routine = models.ForeignKey(
        "routines.Routine",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rutin"),
    )
    routine_version = models.ForeignKey(
        "routines.RoutineVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rutinversion"),
    )
    item_key = models.SlugField(_("nyckel i rutinen"), max_length=80, blank=True)
    text = models.TextField(_("text"))
    responsible_role_key = models.CharField(_("ansvarig roll"), max_length=161, blank=True)
    responsible_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ansvarig person"),
    )
    recurrence = models.CharField(_("återkommer"), max_length=40, choices=Recurrence.choices)
    next_due_at = models.DateTimeField(_("ska vara gjort senast"), null=True, blank=True)
    last_done_at = models.DateTimeField(_("senast gjort"), null=True, blank=True)
    last_done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("senast gjort av"),
    )
    note = models.TextField(_("anteckning"), blank=True)
    active = models.BooleanField(_("aktiv"), default=True)
    #: When the reminder worker last took this item; a reminder is sent once per deadline.
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("skapad"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ReadinessItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("beredskapspunkt")
        verbose_name_plural = _("beredskapspunkter")
        ordering = ["unit", "routine_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "routine", "item_key"],
                condition=Q(routine__isnull=False),
                name="readiness_item_once_per_unit",
            ),
        ]
        indexes = [
            # Used by the "remindreadiness" worker (readiness.worker.remind_overdue) to find
            # active items whose deadline has passed with one indexed query.
            models.Index(
                fields=["next_due_at"],
                condition=Q(active=True, next_due_at__isnull=False),
                name="readiness_item_due",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def is_local(self) -> bool:
        return self.routine_id is None

    def is_overdue(self, now: dt.datetime) -> bool:
        return self.active and self.next_due_at is not None and self.next_due_at <= now


class ReadinessCheck(models.Model):
    """One tick of an item: who confirmed it done, when (server time), and whether the thing
    was found missing (an exercise or a check showed it was not in place). Append-only."""

    item = models.ForeignKey(ReadinessItem, on_delete=models.CASCADE, related_name="checks")
    done_at = models.DateTimeField(_("gjort"), db_index=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("gjort av"),
    )
    note = models.TextField(_("anteckning"), blank=True)
    found_missing = models.BooleanField(_("saknades"), default=False)

    class Meta:
        verbose_name = _("kontroll")
        verbose_name_plural = _("kontroller")
        ordering = ["-done_at", "-id"]

    def __str__(self) -> str:
        return f"{self.item} {self.done_at:%Y-%m-%d %H:%M}"


class Binder(models.Model):
    """One version of a unit's downtime binder (driftstoppspärm) as a PDF: a new version is
    stored whenever its content (``content_hash``) changes, so a printed copy can be told
    apart from the current one."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="binders")
    version = models.PositiveIntegerField(_("version"))
    content_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("skapad"))

    class Meta:
        verbose_name = _("driftstoppspärm")
        verbose_name_plural = _("driftstoppspärmar")
        ordering = ["unit", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "version"], name="binder_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} v{self.version}"


class BinderPrint(models.Model):
    """Someone printed ``binder`` and put it in the unit's binder (append-only)."""

    binder = models.ForeignKey(Binder, on_delete=models.CASCADE, related_name="prints")
    printed_at = models.DateTimeField(_("utskriven"))
    printed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("utskrift av pärm")
        verbose_name_plural = _("utskrifter av pärm")
        ordering = ["-printed_at"]

    def __str__(self) -> str:
        return f"{self.binder} {self.printed_at:%Y-%m-%d}"


class Exercise(models.Model):
    """A rehearsal of a routine (övning): an outage with ``is_exercise`` set on compressed
    time; only ``participants`` get its messages, and everything says ÖVNING."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="exercises"
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="exercises"
    )
    outage = models.OneToOneField(
        "outages.Outage", on_delete=models.PROTECT, related_name="exercise"
    )
    routine_key = models.SlugField(_("rutin"), max_length=80)
    scenario_key = models.SlugField(_("scenario"), max_length=80)
    speed = models.FloatField(_("tidsfaktor"))
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="exercises", verbose_name=_("deltagare")
    )
    started_at = models.DateTimeField(_("startad"))
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(_("avslutad"), null=True, blank=True)

    class Meta:
        verbose_name = _("övning")
        verbose_name_plural = _("övningar")
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(condition=Q(speed__gt=0), name="exercise_speed_positive"),
        ]

    def __str__(self) -> str:
        return f"Övning {self.routine_key}/{self.scenario_key} {self.started_at:%Y-%m-%d}"
