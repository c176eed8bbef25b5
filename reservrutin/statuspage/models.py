"""Driftinfo: notices on the public status page, and the version that tells caches when the
page changed."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
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
    #: The state of each system part the notice speaks of, copied from the outage when
    #: published (``outages.scope.part_states``): [{"system", "part", "name", "state",
    #: "note"}]. Empty: the notice is about whole systems.
    part_states = models.JSONField(_("systemdelar"), default=list, blank=True)
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


def validate_embed_origin(value: str) -> None:
    """An origin as ``frame-ancestors`` takes it: scheme and host (``*.`` allowed first), an
    optional port, nothing else, so nothing typed here can add to the header."""
    from reservrutin.statuspage.policy import ORIGIN

    if not ORIGIN.fullmatch(value):
        raise ValidationError(
            _("Ange en adress som https://intranat.example.se, utan sökväg."), code="origin"
        )


class EmbedOrigin(models.Model):
    """A site that may show the organisation's widget in a frame (LMN-03): the intranet's
    start page, the care-provider web, a Hemvist's home page. The widget's
    ``frame-ancestors`` lists the organisation's rows; no other page may be framed at all."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="embed_origins"
    )
    origin = models.CharField(
        _("webbplats"),
        max_length=200,
        validators=[validate_embed_origin],
        help_text=_("Till exempel https://intranat.example.se eller https://*.hemvist.example.se"),
    )
    label = models.CharField(_("beskrivning"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("webbplats som får visa widgeten")
        verbose_name_plural = _("webbplatser som får visa widgeten")
        ordering = ["organisation", "origin"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "origin"], name="statuspage_embed_origin_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.origin}"


# --- Subscriptions (issue 5) --------------------------------------------------------------


class SubscriptionQuerySet(models.QuerySet["Subscription"]):
    def active(self) -> SubscriptionQuerySet:
        return self.filter(status=Subscription.Status.ACTIVE)


class Subscription(models.Model):
    """Someone who wants driftinfo delivered: an e-mail address, a mobile number, a webhook
    or a Teams channel, for a whole organisation, one system or one unit's systems (LMN-03,
    SOD-03, SOD-06).

    Public subscribers confirm first (double opt-in by e-mail link or SMS code); persons a
    coordinator registers (``registered_by``) are active at once. Unsubscribing keeps the row
    with status ``unsubscribed`` so the audit trail and old links still make sense. The
    address is contact data, never patient data.
    """

    class Scope(models.TextChoices):
        ORGANISATION = "organisation", _("Hela organisationen")
        SYSTEM = "system", _("Ett system")
        UNIT = "unit", _("En enhets system")

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-post")
        SMS = "sms", _("SMS")
        WEBHOOK = "webhook", _("Webhook")
        TEAMS = "teams", _("Teams")

    class Trigger(models.TextChoices):
        NEW_OUTAGE = "new_outage", _("Ny driftstörning")
        EVERY_UPDATE = "every_update", _("Varje uppdatering")
        BACKUP_ACTIVATED = "backup_activated", _("Reservrutin aktiverad")
        RESOLVED = "resolved", _("Åtgärdat")
        PLANNED_ANNOUNCED = "planned_announced", _("Planerat avbrott aviseras")
        PLANNED_REMINDER = "planned_reminder", _("Påminnelse om planerat avbrott")
        PLANNED_START = "planned_start", _("Planerat avbrott börjar")
        PLANNED_END = "planned_end", _("Planerat avbrott slut")

    class Status(models.TextChoices):
        PENDING = "pending", _("Väntar på bekräftelse")
        ACTIVE = "active", _("Aktiv")
        UNSUBSCRIBED = "unsubscribed", _("Avslutad")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="subscriptions"
    )
    scope = models.CharField(
        _("omfattning"), max_length=20, choices=Scope.choices, default=Scope.ORGANISATION
    )
    system = models.ForeignKey(
        "registry.System",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="subscriptions",
        verbose_name=_("system"),
    )
    #: For scope ``unit``: the systems are those the registry links to the unit (and to
    #: the units under it) when a message is sent (``registry.UnitSystem``), so a system
    #: the unit starts using later is covered without a new subscription.
    unit = models.ForeignKey(
        "accounts.Unit",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="subscriptions",
        verbose_name=_("enhet"),
    )
    channel = models.CharField(_("kanal"), max_length=16, choices=Channel.choices)
    #: An e-mail address, a phone number in E.164, or an https URL, depending on ``channel``.
    address = models.CharField(_("adress"), max_length=2000)
    label = models.CharField(
        _("beskrivning"), max_length=200, blank=True, help_text=_("T.ex. funktionsbrevlåda.")
    )
    #: Per-subscription Standard Webhooks secret (``whsec_…``), shown once when made.
    webhook_secret = models.CharField(max_length=100, blank=True)
    triggers = models.JSONField(_("händelser"), default=list)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    #: HMAC of the SMS confirmation code (never the code itself), its expiry and tries.
    confirm_code_hash = models.CharField(max_length=128, blank=True)
    confirm_code_expires_at = models.DateTimeField(null=True, blank=True)
    confirm_attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(_("skapad"))
    confirmed_at = models.DateTimeField(_("bekräftad"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("avslutad"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registrerad av"),
    )

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("prenumeration")
        verbose_name_plural = _("prenumerationer")
        ordering = ["organisation", "channel", "address"]
        indexes = [
            # notify_subscribers reads an organisation's active subscriptions on every notice.
            models.Index(
                fields=["organisation"],
                condition=models.Q(status="active"),
                name="subscription_active_idx",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(scope="organisation", system__isnull=True, unit__isnull=True)
                    | models.Q(scope="system", system__isnull=False, unit__isnull=True)
                    | models.Q(scope="unit", system__isnull=True, unit__isnull=False)
                ),
                name="subscription_scope_matches_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.address}"


class SubscribeAttempt(models.Model):
    """One submitted public subscribe form and what became of it: a confirmation sent, no
    message needed, or refused and why. Counted to limit per client, per target mailbox or
    number and per organisation without a cache (every web process agrees), and listed in
    the admin so an administrator sees floods and refused numbers. Kept 30 days."""

    class Outcome(models.TextChoices):
        SENT = "sent", _("bekräftelse skickad")
        NO_MESSAGE = "no_message", _("inget meddelande behövdes")
        LIMITED = "limited", _("för många försök")
        COOLDOWN = "cooldown", _("väntetid mellan bekräftelser")
        REFUSED = "refused", _("nekad")

    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organisation"),
    )
    channel = models.CharField(_("kanal"), max_length=10, blank=True)
    address = models.CharField(_("adress"), max_length=2000)
    #: The mailbox or number the address reaches (``lib/mailbox.py``, E.164), for limits.
    target = models.CharField(_("mottagare"), max_length=2000, blank=True)
    ip = models.GenericIPAddressField(_("klientadress"), null=True, blank=True)
    outcome = models.CharField(
        _("utfall"), max_length=12, choices=Outcome.choices, default=Outcome.SENT
    )
    reason = models.CharField(_("skäl"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("tid"), db_index=True)

    class Meta:
        verbose_name = _("prenumerationsförsök")
        verbose_name_plural = _("prenumerationsförsök")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["address", "created_at"], name="subscribe_attempt_addr"),
            models.Index(fields=["ip", "created_at"], name="subscribe_attempt_ip"),
            # The per-target cooldown and limit count recent confirmations per target.
            models.Index(fields=["target", "created_at"], name="subscribe_attempt_target"),
        ]

    def __str__(self) -> str:
        return f"{self.address} {self.created_at:%Y-%m-%d %H:%M}"


# --- Planned outages (issue 5, TES-01, TES-02, TES-06, SOD-03, SOD-05) --------------------


class NoticeRule(models.Model):
    """The organisation's own notice rule for planned outages, on top of its routines.

    The routines in force carry most rules (``planned_outages.notices``: TES-01 7 days,
    SOD-03 14 days in the system and 2–3 days to managers). This row is for a rule the
    organisation keeps outside its routines; ``statuspage.notice_rules`` combines both (the
    longest minimum notice wins, reminders are the union). With neither, the default
    ``notice_rules.DEFAULT_RULE`` applies.
    """

    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="notice_rule"
    )
    minimum_notice = models.DurationField(_("minsta framförhållning"))
    #: Lead times in hours before start at which reminders go out, e.g. [72].
    reminder_hours = models.JSONField(_("påminnelser (timmar före)"), default=list, blank=True)
    source = models.CharField(_("källa"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("aviseringsregel")
        verbose_name_plural = _("aviseringsregler")

    def __str__(self) -> str:
        return f"{self.organisation}: {self.minimum_notice}"


class PlannedWindow(models.Model):
    """A planned outage or service window as scheduled, possibly recurring (RRULE).

    Each occurrence within the display horizon is materialised as a ``PlannedOccurrence``
    with its own ``Outage(kind=planned)``, so each has a timeline and its own reminder,
    start and end events; the window keeps the rule so later occurrences can be added as
    earlier ones end (an RRULE without end has no last occurrence to create).
    """

    class OutageType(models.TextChoices):
        """The planned kinds of TES-02's outage types."""

        SERVICE_WINDOW = "service_window", _("Servicefönster")
        VERSION_UPGRADE = "version_upgrade", _("Planerat avbrott / versionsuppgradering")
        IT_ENVIRONMENT = "it_environment", _("Planerad uppgradering av IT-miljön")
        EXTERNAL_PROVIDER = "external_provider", _("Planerad uppgradering hos extern leverantör")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="planned_windows"
    )
    systems = models.ManyToManyField("registry.System", related_name="planned_windows")
    title = models.CharField(_("rubrik"), max_length=200)
    outage_type = models.CharField(_("typ"), max_length=30, choices=OutageType.choices)
    impact = models.TextField(_("påverkan"))
    staff_instructions = models.TextField(_("gör så här"), blank=True)
    #: The first occurrence; a recurrence repeats its Europe/Stockholm wall-clock times.
    starts_at = models.DateTimeField(_("börjar"))
    ends_at = models.DateTimeField(_("slutar"))
    rrule = models.CharField(_("upprepning (RRULE)"), max_length=500, blank=True)
    reason_for_short_notice = models.TextField(_("skäl till kort varsel"), blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("planerat avbrott")
        verbose_name_plural = _("planerade avbrott")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="planned_window_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title


class PlannedOccurrenceQuerySet(models.QuerySet["PlannedOccurrence"]):
    def upcoming(self, now: object) -> PlannedOccurrenceQuerySet:
        """Occurrences not yet over, soonest first (the status page's "planerat")."""
        return self.filter(ends_at__gt=now).order_by("starts_at")


class PlannedOccurrence(models.Model):
    """One occurrence of a planned window, with the outage row that carries its timeline."""

    window = models.ForeignKey(PlannedWindow, on_delete=models.PROTECT, related_name="occurrences")
    outage = models.OneToOneField(
        "outages.Outage", on_delete=models.PROTECT, related_name="planned_occurrence"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    objects = PlannedOccurrenceQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["window", "starts_at"], name="planned_occurrence_unique_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.window} {self.starts_at:%Y-%m-%d %H:%M}"


class PlannedEventQuerySet(models.QuerySet["PlannedEvent"]):
    def due(self, now: object) -> PlannedEventQuerySet:
        """Events a worker may claim: not sent, due, and not held by a live lease."""
        return self.filter(sent_at__isnull=True, due_at__lte=now).filter(
            models.Q(claimed_until__isnull=True) | models.Q(claimed_until__lt=now)
        )


class PlannedEvent(models.Model):
    """A timer for one occurrence: a reminder at a lead time, the start or the end.

    The ``plannedevents`` worker (``statuspage.worker.fire_planned_event``) claims due rows
    with compare-and-set, notifies subscribers and bumps the page version in one transaction.
    """

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("Påminnelse")
        START = "start", _("Start")
        END = "end", _("Slut")

    occurrence = models.ForeignKey(
        PlannedOccurrence, on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    #: For reminders: how long before the start (0 for start and end).
    lead = models.DurationField(default=dt.timedelta)
    due_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.UUIDField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    objects = PlannedEventQuerySet.as_manager()

    class Meta:
        ordering = ["due_at"]
        indexes = [
            # The plannedevents worker (statuspage.worker.fire_planned_event) finds due
            # events with `sent_at IS NULL AND due_at <= now ORDER BY due_at`.
            models.Index(
                fields=["due_at"],
                condition=models.Q(sent_at__isnull=True),
                name="planned_event_due_idx",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["occurrence", "kind", "lead"], name="planned_event_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.occurrence} {self.kind}"
