"""Driftinfo: notices on the public status page, and the version that tells caches when the
page changed."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeQuerySet(models.QuerySet["Notice"]):
    def public(self) -> NoticeQuerySet:
        """Published notices that anyone may read: never drafts, never exercises."""
        return self.filter(
            status__in=[Notice.Status.PUBLISHED, Notice.Status.ENDED], is_exercise=False
        )

    def current(self) -> NoticeQuerySet:
        return self.filter(status=Notice.Status.PUBLISHED)


class Notice(models.Model):
    """A statement about an outage or a planned window, written by a publisher (LMN-02,
    S2-02) and shown on the organisation's status page, its feeds and widgets (LMN-03).

    The text is what the public sees: it never carries personal data. Edits keep the
    previous wording as a ``NoticeRevision``.
    """

    class Severity(models.TextChoices):
        DISTURBANCE = "disturbance", _("Störning")
        OUTAGE = "outage", _("Avbrott")
        MAINTENANCE = "maintenance", _("Planerat arbete")
        INFORMATION = "information", _("Information")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        PUBLISHED = "published", _("Publicerad")
        ENDED = "ended", _("Avslutad")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="notices"
    )
    outage = models.ForeignKey(
        "outages.Outage",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notices",
    )
    systems = models.ManyToManyField(
        "registry.System", related_name="notices", verbose_name=_("system")
    )
    title = models.CharField(_("rubrik"), max_length=200)
    body = models.TextField(_("text"))
    severity = models.CharField(
        _("allvarlighet"), max_length=20, choices=Severity.choices, default=Severity.DISTURBANCE
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    #: Which backup routine is in force, and per role what staff should do now (from the
    #: routine), copied when published so the public page needs no routine lookups.
    backup_routine = models.CharField(_("reservrutin som gäller"), max_length=300, blank=True)
    instructions = models.JSONField(_("gör så här"), default=list, blank=True)
    links = models.JSONField(_("länkar"), default=list, blank=True)
    template_key = models.CharField(max_length=80, blank=True)
    is_exercise = models.BooleanField(_("övning"), default=False)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("driftinfo")
        verbose_name_plural = _("driftinfo")
        ordering = ["-published_at", "-created_at"]
        indexes = [
            models.Index(
                fields=["organisation", "status", "-published_at"], name="notice_org_status"
            )
        ]

    def __str__(self) -> str:
        return self.title


class NoticeRevision(models.Model):
    """The wording of a notice before an edit: nothing published is lost. Append-only."""

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="revisions")
    title = models.CharField(max_length=200)
    body = models.TextField()
    severity = models.CharField(max_length=20, choices=Notice.Severity.choices)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("tidigare version av driftinfo")
        verbose_name_plural = _("tidigare versioner av driftinfo")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.notice} ({self.created_at:%Y-%m-%d %H:%M})"


class PageVersion(models.Model):
    """Bumped in the same transaction as anything that changes an organisation's public
    status page, so cached page bytes, ETags and the static mirror know to refresh."""

    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="page_version"
    )
    version = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField()
    mirrored_version = models.PositiveBigIntegerField(
        default=0, help_text="The version last written to the static mirror."
    )

    class Meta:
        verbose_name = _("sidversion")
        verbose_name_plural = _("sidversioner")

    def __str__(self) -> str:
        return f"{self.organisation} v{self.version}"
