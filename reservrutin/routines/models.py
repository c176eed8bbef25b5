"""Routines and their versions: the organisation's routine documents as imported YAML."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reservrutin.accounts.models import Organisation


class RoutineQuerySet(models.QuerySet["Routine"]):
    def of(self, organisation: Organisation) -> RoutineQuerySet:
        return self.filter(organisation=organisation)


class Routine(models.Model):
    """One routine document of an organisation (``sesam-lmn``), across all its versions.

    ``key`` and ``title`` follow the latest imported version; what applies is the version
    that is ``in_force``.
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="routines",
        verbose_name=_("organisation"),
    )
    key = models.SlugField(_("nyckel"), max_length=80)
    title = models.CharField(_("titel"), max_length=300)
    created_at = models.DateTimeField(_("skapad"))

    objects = RoutineQuerySet.as_manager()

    class Meta:
        verbose_name = _("rutin")
        verbose_name_plural = _("rutiner")
        ordering = ["organisation__name", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "key"], name="routine_key_unique_in_org"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def version_in_force(self) -> RoutineVersion | None:
        return self.versions.filter(in_force=True).first()

    def latest_version(self) -> RoutineVersion | None:
        return self.versions.order_by("-number").first()


_DOCUMENT_CACHE_SIZE = 64
#: Parsed documents by (version id, text hash). Versions are immutable once imported (a new
#: text is a new version), so an entry never goes stale; the size cap bounds memory.
_DOCUMENTS: dict[tuple[int, str], Any] = {}


def _remember(key: tuple[int, str], document: Any) -> None:
    if len(_DOCUMENTS) >= _DOCUMENT_CACHE_SIZE:
        _DOCUMENTS.pop(next(iter(_DOCUMENTS)))
    _DOCUMENTS[key] = document


class RoutineVersion(models.Model):
    """One imported text of a routine, never changed after import.

    ``parsed`` is the validated document as JSON; ``approved_by``/``approved_on`` are what
    the document itself says (``Godkänd av``), while ``approved_in_app_by``/``_at`` record
    who put this version in force here. Exactly one version per routine is in force (a
    partial unique constraint); older versions stay readable.
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    routine = models.ForeignKey(
        Routine, on_delete=models.CASCADE, related_name="versions", verbose_name=_("rutin")
    )
    number = models.PositiveIntegerField(_("versionsnummer"))
    document_version = models.CharField(_("dokumentets version"), max_length=300, blank=True)
    source = models.TextField(_("källtext"))
    parsed = models.JSONField(_("tolkat dokument"))
    sha256 = models.CharField(max_length=64, db_index=True)
    filename = models.CharField(_("filnamn"), max_length=300, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("importerad av"),
    )
    imported_at = models.DateTimeField(_("importerad"))
    approved_by = models.CharField(_("godkänd av (enligt dokumentet)"), max_length=300, blank=True)
    approved_on = models.DateField(_("godkänd datum (enligt dokumentet)"), null=True, blank=True)
    approved_in_app_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("satt i kraft av"),
    )
    approved_in_app_at = models.DateTimeField(_("satt i kraft"), null=True, blank=True)
    in_force = models.BooleanField(_("gäller"), default=False)
    #: "Gäller t.o.m." of the document (copied from it so overviews can query it).
    valid_to = models.DateField(_("gäller t.o.m."), null=True, blank=True)
    #: When the owner is to be reminded that the version expires (a due row for the
    #: ``remindroutineexpiry`` loop); set while the version is in force and has an end date.
    expiry_reminder_due_at = models.DateTimeField(null=True, blank=True)
    #: When that reminder was claimed (compare-and-set, so it is sent once).
    expiry_reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("rutinversion")
        verbose_name_plural = _("rutinversioner")
        ordering = ["routine", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["routine", "number"], name="routine_version_number_unique"
            ),
            models.UniqueConstraint(
                fields=["routine"],
                condition=Q(in_force=True),
                name="routine_one_version_in_force",
            ),
        ]
        indexes = [
            models.Index(
                fields=["expiry_reminder_due_at"],
                condition=Q(expiry_reminded_at__isnull=True, expiry_reminder_due_at__isnull=False),
                name="routine_expiry_reminder_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.routine} v{self.number}"

    def document(self) -> Any:
        """The parsed document as a schema object.

        A version never changes once imported, so the parsed object is cached per process by
        (id, hash): the timer worker reads the routine on every firing, and validating it again each
        time cost about 10 ms. Callers treat the object as read-only.
        """
        from reservrutin.routines.schema import routine_from_json

        key = (self.pk, self.sha256)
        document = _DOCUMENTS.get(key) if self.pk is not None else None
        if document is None:
            document = routine_from_json(self.parsed)
            if self.pk is not None:
                _remember(key, document)
        return document

    @classmethod
    def document_by_id(cls, pk: int) -> Any:
        """The parsed document of version ``pk``, reading only its hash when it is cached
        (the hash guards against a reused id, e.g. after a rolled-back test transaction)."""
        sha256 = cls.objects.filter(pk=pk).values_list("sha256", flat=True).get()
        document = _DOCUMENTS.get((pk, sha256))
        if document is None:
            document = cls.objects.get(pk=pk).document()
        return document
