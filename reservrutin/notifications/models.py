"""The outbox: every message Reservrutin sends, and every attempt to deliver it.

The web process and the other apps only *write* rows here (``actions.enqueue_message``, inside
their own transaction); the ``sendoutbox`` worker (``worker.send_batch``) claims due rows and
hands them to a transport. See docs/notifications.md.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OutboxMessageQuerySet(models.QuerySet["OutboxMessage"]):
    def due(self, now: dt.datetime) -> OutboxMessageQuerySet:
        """Messages a worker may claim now: waiting ones whose time has come, and claimed ones
        whose lease ran out (a claim sets ``next_attempt_at`` to the lease end, so one
        indexed condition covers both)."""
        return self.filter(status__in=OutboxMessage.DUE_STATUSES, next_attempt_at__lte=now)

    def waiting(self) -> OutboxMessageQuerySet:
        """Messages not yet delivered nor given up: the outbox's depth (``/readyz``, metrics)."""
        return self.filter(status__in=OutboxMessage.DUE_STATUSES)

    def undelivered(self) -> OutboxMessageQuerySet:
        """Messages that need a person's attention: given up or still failing."""
        return self.filter(status__in=[OutboxMessage.Status.DEAD, OutboxMessage.Status.FAILED])

    def for_object(self, obj: models.Model) -> OutboxMessageQuerySet:
        """Messages another app enqueued about ``obj`` (via ``reference=``)."""
        return self.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


class OutboxMessage(models.Model):
    """One message to one recipient that Reservrutin has promised to deliver.

    A row is written in the same transaction as the change it announces and is delivered at
    least once by the ``sendoutbox`` worker: its ``dedupe_key`` is stable across retries and
    travels with the message (Message-ID, ``webhook-id``) so receivers can drop duplicates.
    A message that cannot be delivered ends ``dead`` and stays visible in the admin.
    """

    class Kind(models.TextChoices):
        EMAIL = "email", _("E-post")
        SMS = "sms", _("SMS")
        WEBHOOK = "webhook", _("Webhook")
        TEAMS = "teams", _("Teams")
        CONSOLE = "console", _("Konsol")

    class Status(models.TextChoices):
        #: Waiting for its first attempt (or for a retry a person asked for).
        PENDING = "pending", _("Väntar")
        #: Claimed by a worker whose lease runs until ``claimed_until``.
        SENDING = "sending", _("Skickas")
        #: Delivered to the provider; ``sent_at`` and ``provider_ref`` say when and as what.
        SENT = "sent", _("Skickat")
        #: The last attempt failed transiently; the next one is at ``next_attempt_at``.
        FAILED = "failed", _("Misslyckades, försöker igen")
        #: Given up: a permanent error, too many attempts or cancelled. Needs a person.
        DEAD = "dead", _("Gav upp")

    DUE_STATUSES = (Status.PENDING, Status.FAILED, Status.SENDING)

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("typ"), max_length=16, choices=Kind.choices)
    #: An e-mail address, a phone number or a URL, depending on ``kind``.
    recipient = models.CharField(_("mottagare"), max_length=2000)
    subject = models.CharField(_("ämne"), max_length=300, blank=True)
    body = models.TextField(_("text"), blank=True)
    body_html = models.TextField(_("HTML"), blank=True)
    #: Extra e-mail headers such as List-Unsubscribe, passed through by the e-mail transport.
    headers = models.JSONField(_("rubriker"), default=dict, blank=True)
    #: The JSON document webhook and Teams transports POST (empty: built from subject/body).
    payload = models.JSONField(_("innehåll"), default=dict, blank=True)
    dedupe_key = models.CharField(_("dedupliceringsnyckel"), max_length=255, unique=True)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    is_exercise = models.BooleanField(_("övning"), default=False)

    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    #: How many times a worker has claimed the message (never reset; see ``max_attempts``).
    attempts = models.PositiveIntegerField(_("försök"), default=0)
    #: A transient failure on this attempt number gives up; a manual retry raises it.
    max_attempts = models.PositiveIntegerField(_("högsta antal försök"), default=10)
    next_attempt_at = models.DateTimeField(_("nästa försök"), null=True, blank=True)
    claim_token = models.UUIDField(null=True, blank=True, editable=False)
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("skickat"), null=True, blank=True)
    provider_ref = models.CharField(_("leverantörens referens"), max_length=200, blank=True)
    last_error = models.TextField(_("senaste fel"), blank=True)
    created_at = models.DateTimeField(_("skapat"))

    #: Who asked for the message, e.g. ``outages.escalation``.
    source = models.CharField(_("källa"), max_length=100, blank=True)
    #: The object the message is about (``app_label.model`` and primary key) so the owning
    #: app can find its messages without a foreign key to every model.
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)

    objects = OutboxMessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("utgående meddelande")
        verbose_name_plural = _("utgående meddelanden")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The sendoutbox worker (notifications.worker.send_batch) finds due messages with
            # `status IN (...) AND next_attempt_at <= now ORDER BY next_attempt_at`.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=["pending", "failed", "sending"]),
                name="outbox_due_idx",
            ),
            models.Index(fields=["object_type", "object_id"], name="outbox_reference_idx"),
        ]
        constraints = [
            # A claim token exists exactly while a worker holds the message.
            models.CheckConstraint(
                condition=(
                    Q(status="sending", claim_token__isnull=False, claimed_until__isnull=False)
                    | (~Q(status="sending") & Q(claim_token__isnull=True))
                ),
                name="outbox_claim_only_while_sending",
            ),
            # A message the worker must still look at always has a time to do so.
            models.CheckConstraint(
                condition=(
                    ~Q(status__in=["pending", "failed", "sending"])
                    | Q(next_attempt_at__isnull=False)
                ),
                name="outbox_due_has_next_attempt",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient}: {self.subject or self.body[:40]}"


class DeliveryAttempt(models.Model):
    """One try by a worker to hand one message to its transport.

    Created when the claim succeeds and completed with the outcome when the transport returns.
    An attempt without ``finished_at`` belongs to a worker that stopped before it could record
    the result; its lease ran out and a later attempt took over.
    """

    class Outcome(models.TextChoices):
        SENT = "sent", _("Skickat")
        TRANSIENT = "transient", _("Tillfälligt fel")
        PERMANENT = "permanent", _("Bestående fel")

    message = models.ForeignKey(
        OutboxMessage, on_delete=models.CASCADE, related_name="delivery_attempts"
    )
    number = models.PositiveIntegerField(_("försök nr"))
    started_at = models.DateTimeField(_("började"))
    finished_at = models.DateTimeField(_("klart"), null=True, blank=True)
    outcome = models.CharField(_("utfall"), max_length=16, choices=Outcome.choices, blank=True)
    detail = models.TextField(_("detaljer"), blank=True)
    provider_ref = models.CharField(_("leverantörens referens"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("leveransförsök")
        verbose_name_plural = _("leveransförsök")
        ordering = ["message", "number", "id"]
        constraints = [
            # The number comes from the claim that incremented `attempts`, so it is unique.
            models.UniqueConstraint(fields=["message", "number"], name="attempt_unique_number")
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.outcome or '…'}"
