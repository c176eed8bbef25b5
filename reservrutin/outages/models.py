"""Outages, their append-only timeline, and the engine rows around them: reports, timers,
tasks, escalations, activations of backup routines and the history of prognoses.

State changes live in the ``actions`` package and pass the state machine in ``states.py``; the ``runtimers`` worker (``worker.py``) fires due
timers and escalations. See docs/outages.md.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OutageQuerySet(models.QuerySet["Outage"]):
    def open(self) -> OutageQuerySet:
        """Outages happening now (``states.CURRENT``): what "Pågående" lists, what staff act
        on and what a new report may join. A planned occurrence is here only once started."""
        return self.filter(status__in=Outage.CURRENT)

    def upcoming(self) -> OutageQuerySet:
        """Planned occurrences that have not started (``states.UPCOMING``)."""
        return self.filter(status__in=Outage.UPCOMING)

    def ended(self) -> OutageQuerySet:
        """Outages that are over: resolved, closed, completed or cancelled."""
        return self.exclude(status__in=Outage.CURRENT | Outage.UPCOMING)

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
        # Planned occurrences (kind=planned): see outages/states.py.
        SCHEDULED = "scheduled", _("Schemalagt")
        ANNOUNCED = "announced", _("Aviserat")
        IN_PROGRESS = "in_progress", _("Pågår")
        COMPLETED = "completed", _("Genomfört")
        CANCELLED = "cancelled", _("Inställt")

    #: Statuses of an outage happening now (the state machine in ``outages/states.py``).
    CURRENT = frozenset({"reported", "confirmed", "backup_active", "in_progress"})
    #: Planned occurrences not yet started.
    UPCOMING = frozenset({"scheduled", "announced"})

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
    #: The units the outage is limited to (a site is a unit higher in the tree: it covers
    #: the units under it). Empty: the whole organisation.
    units = models.ManyToManyField(
        "accounts.Unit", blank=True, related_name="outages", verbose_name=_("berörda enheter")
    )
    #: The system parts the outage is limited to (SOD-01). Empty: the whole systems.
    parts = models.ManyToManyField(
        "registry.SystemPart",
        blank=True,
        related_name="outages",
        verbose_name=_("berörda systemdelar"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REPORTED
    )
    routine_key = models.SlugField(_("rutin"), max_length=80, blank=True)
    scenario_key = models.SlugField(_("scenario"), max_length=80, blank=True)
    #: The scenario the routine suggests from the reports' answers (``suggest_when``); the
    #: coordinator confirms it or chooses another.
    suggested_scenario_key = models.SlugField(_("föreslaget scenario"), max_length=80, blank=True)
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
    #: The routine version the steps and timers were taken from, so a later version of the
    #: routine cannot change what an outage already did (and the review can say which applied).
    routine_version = models.ForeignKey(
        "routines.RoutineVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rutinversion"),
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

    @property
    def is_open(self) -> bool:
        """Happening now (``states.CURRENT``): not over, and if planned, started."""
        return self.status in self.CURRENT

    @property
    def is_upcoming(self) -> bool:
        return self.status in self.UPCOMING


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
        SCOPE = "scope", _("Omfattning")
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


class ReportQuerySet(models.QuerySet["Report"]):
    def unverified(self) -> ReportQuerySet:
        return self.filter(is_verified=False)


class Report(models.Model):
    """One person's fault report (felanmälan), attached to an outage.

    A signed-in reporter is ``reporter``; a report made without signing in (SOD-10: the
    login itself is what is broken) carries only ``reporter_name`` and ``reporter_phone``
    and stays unverified until a coordinator confirms it. ``on_behalf_of_caller`` marks a
    report customer service makes for someone who phoned in (LMN-04). ``idempotency_key``
    comes from the form, so a double submission creates one report.

    ``part`` is the system part the reporter names (SOD-01). A report about the reporter's
    own device (``is_single_device``, see ``outages.scope.is_single_device``) opens no
    outage: ``outage`` stays empty and the reporter is told what to try and where to turn.
    """

    class FaultType(models.TextChoices):
        CANNOT_LOG_IN = "cannot_log_in", _("Det går inte att logga in")
        UNREACHABLE = "unreachable", _("Systemet går inte att nå")
        FUNCTION_BROKEN = "function_broken", _("En funktion fungerar inte")
        SLOW = "slow", _("Systemet är mycket långsamt")
        DEVICE = "device", _("Fel på dator, mobil eller surfplatta")
        OTHER = "other", _("Annat")

    class Extent(models.TextChoices):
        ONLY_ME = "only_me", _("Bara jag")
        MY_UNIT = "my_unit", _("Min enhet")
        MY_SITE = "my_site", _("Hela arbetsplatsen")
        SEVERAL_UNITS = "several_units", _("Flera enheter")
        EVERYONE = "everyone", _("Alla användare")
        UNKNOWN = "unknown", _("Vet inte")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    outage = models.ForeignKey(
        Outage,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("driftstörning"),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("anmälare"),
    )
    reporter_name = models.CharField(_("namn på felanmälare"), max_length=200)
    reporter_phone = models.CharField(_("telefon"), max_length=40, blank=True)
    unit = models.ForeignKey(
        "accounts.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enhet"),
    )
    systems = models.ManyToManyField("registry.System", related_name="+")
    part = models.ForeignKey(
        "registry.SystemPart",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("systemdel"),
    )
    is_single_device = models.BooleanField(_("gäller en enskild enhet"), default=False)
    fault_type = models.CharField(_("typ av fel"), max_length=20, choices=FaultType.choices)
    extent = models.CharField(_("omfattning"), max_length=20, choices=Extent.choices)
    description = models.TextField(_("beskrivning"), blank=True)
    #: The answers to the routine's self-check questions (SOD-11): [{"question", "answer"}].
    self_check = models.JSONField(_("kontrollfrågor"), default=list, blank=True)
    on_behalf_of_caller = models.BooleanField(_("för någon som ringt in"), default=False)
    is_verified = models.BooleanField(_("verifierad"), default=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=100, unique=True)
    #: Where an unauthenticated report came from; the rate limit counts rows by it.
    source_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(_("anmäld"))

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("felanmälan")
        verbose_name_plural = _("felanmälningar")
        ordering = ["created_at", "id"]
        indexes = [
            # The rate limit for reports without login counts recent rows per address.
            models.Index(fields=["source_address", "created_at"], name="report_address_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.reporter_name} {self.created_at:%Y-%m-%d %H:%M}"


class ReportAddition(models.Model):
    """Something a reporter adds to their report later ("nu hela enheten"): a wider extent,
    another unit or part, a line of text. Append-only; the outage's scope grows with it."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="additions")
    extent = models.CharField(
        _("omfattning"), max_length=20, choices=Report.Extent.choices, blank=True
    )
    unit = models.ForeignKey(
        "accounts.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enhet"),
    )
    part = models.ForeignKey(
        "registry.SystemPart",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("systemdel"),
    )
    text = models.TextField(_("tillägg"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("av"),
    )
    created_at = models.DateTimeField(_("tillagt"))

    class Meta:
        verbose_name = _("tillägg till felanmälan")
        verbose_name_plural = _("tillägg till felanmälningar")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.report} + {self.created_at:%Y-%m-%d %H:%M}"


class ClaimFields(models.Model):
    """A row a worker claims by compare-and-set with a lease (docs/architecture.md "The claim protocol")."""

    claim_token = models.UUIDField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        abstract = True


class TimerQuerySet(models.QuerySet["Timer"]):
    def pending(self) -> TimerQuerySet:
        return self.filter(fired_at__isnull=True, skipped_at__isnull=True)

    def due(self, now: dt.datetime) -> TimerQuerySet:
        """Timers a worker may take now: pending, due, and not held by a live lease."""
        return self.pending().filter(
            Q(claimed_until__isnull=True) | Q(claimed_until__lte=now), due_at__lte=now
        )


class Timer(ClaimFields):
    """A routine timer of one outage (LMN-09, S2-06, SP-03): at ``due_at`` the ``runtimers``
    worker runs ``actions`` (copied from the routine version when the timer was created).

    ``without_prognosis`` timers are skipped when a prognosis lies ahead at the due time;
    the worker then inserts a new row (``rearmed_from``) due when that prognosis passes
    (plus ``rearm``). A row ends either ``fired_at`` or ``skipped_at``, never both.
    """

    class Condition(models.TextChoices):
        ALWAYS = "always", _("Alltid")
        WITHOUT_PROGNOSIS = "without_prognosis", _("Om prognos saknas")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    outage = models.ForeignKey(Outage, on_delete=models.PROTECT, related_name="timers")
    key = models.SlugField(_("tidsgräns"), max_length=80)
    description = models.TextField(_("beskrivning"), blank=True)
    due_at = models.DateTimeField(_("förfaller"))
    condition = models.CharField(
        _("villkor"), max_length=20, choices=Condition.choices, default=Condition.ALWAYS
    )
    #: How long after a passed prognosis the timer fires again (zero: at once).
    rearm = models.DurationField(_("väntar igen"), null=True, blank=True)
    actions = models.JSONField(_("åtgärder"), default=list, blank=True)
    fired_at = models.DateTimeField(_("utlöst"), null=True, blank=True)
    skipped_at = models.DateTimeField(_("hoppades över"), null=True, blank=True)
    skip_reason = models.CharField(max_length=300, blank=True)
    rearmed_from = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()

    objects = TimerQuerySet.as_manager()

    class Meta:
        verbose_name = _("tidsgräns")
        verbose_name_plural = _("tidsgränser")
        ordering = ["due_at", "id"]
        indexes = [
            # The due-timer query of the ``runtimers`` worker (worker.fire_one): only pending
            # rows are in the index, so it stays small however many timers have fired; rows
            # come in (due_at, id) order, so ties fire by id without a sort.
            models.Index(
                fields=["due_at", "id"],
                condition=Q(fired_at__isnull=True, skipped_at__isnull=True),
                name="timer_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(fired_at__isnull=True) | Q(skipped_at__isnull=True),
                name="timer_fired_or_skipped",
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.due_at:%Y-%m-%d %H:%M}"


class TaskQuerySet(models.QuerySet["Task"]):
    def open(self) -> TaskQuerySet:
        """Tasks someone still has to do: not done and not handed over to a fallback."""
        return self.filter(done_at__isnull=True, handed_over_at__isnull=True)


class Task(models.Model):
    """Something a role or a person must do during or after an outage: from a routine step,
    a timer, a resolution rule (TES-10) or an activated backup routine. ``script`` is what
    to say or put on the phone queue (LMN-08, LMN-10, LMN-11).

    ``role_key`` is the role the routine gives the step to (a ``registry.refs.RoleRef`` as
    written, ``org:key`` for a partner's role); only its holders may tick it. A step the
    routine addresses to each person (``each``) becomes one row per person, with
    ``assignee`` set: only that person ticks it. ``assignee`` is also set when a coordinator
    takes a step over (``taken_over_at``, with the reason on the timeline).

    A person who cannot do their own task hands it over: ``handed_over_at`` is set and a new
    row for ``fallback_role_key`` names them in ``on_behalf_of`` and points back through
    ``replaces`` (TES-10: one with a day off tells an administrator).

    ``done_at`` is when the tick was entered and can never be changed; ``performed_at`` is
    when the work was really done, when that was earlier (work done on paper, signed
    afterwards: "utfört 10:10", entered 11:00).
    """

    class Source(models.TextChoices):
        STEP = "step", _("Steg i scenariot")
        TIMER = "timer", _("Tidsgräns")
        RESOLUTION = "resolution", _("Efter åtgärd")
        BACKUP_ROUTINE = "backup_routine", _("Reservrutin")
        ESCALATION = "escalation", _("Eskalering")
        FALLBACK = "fallback", _("I stället för någon som inte kan")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    outage = models.ForeignKey(Outage, on_delete=models.PROTECT, related_name="tasks")
    role_key = models.CharField(_("roll"), max_length=161, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    instruction = models.TextField(_("uppgift"))
    script = models.TextField(_("text att läsa upp eller lägga ut"), blank=True)
    source = models.CharField(_("källa"), max_length=20, choices=Source.choices)
    source_key = models.CharField(max_length=200, blank=True)
    due_at = models.DateTimeField(_("senast"), null=True, blank=True)
    due = models.CharField(_("när"), max_length=20, blank=True)
    #: The routine's fallback for a personal task: the role that does it for a person who
    #: cannot, and what that role does (copied from the routine version at creation).
    fallback_role_key = models.CharField(_("annars"), max_length=161, blank=True)
    fallback_instruction = models.TextField(_("uppgift för den som tar över"), blank=True)
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("för"),
    )
    replaces = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fallbacks",
        verbose_name=_("i stället för"),
    )
    handed_over_at = models.DateTimeField(_("lämnad över"), null=True, blank=True)
    taken_over_at = models.DateTimeField(_("tagen över"), null=True, blank=True)
    done_at = models.DateTimeField(_("klar"), null=True, blank=True)
    performed_at = models.DateTimeField(_("utfört"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("klar av"),
    )
    created_at = models.DateTimeField()

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("uppgift")
        verbose_name_plural = _("uppgifter")
        ordering = ["done_at", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(performed_at__isnull=True) | Q(done_at__isnull=False),
                name="task_performed_only_when_done",
            ),
            models.CheckConstraint(
                condition=Q(done_at__isnull=True) | Q(handed_over_at__isnull=True),
                name="task_done_or_handed_over",
            ),
        ]

    def __str__(self) -> str:
        return self.instruction[:80]

    @property
    def is_open(self) -> bool:
        return self.done_at is None and self.handed_over_at is None


class EscalationQuerySet(models.QuerySet["Escalation"]):
    def unacknowledged(self) -> EscalationQuerySet:
        return self.filter(acknowledged_at__isnull=True)

    def due(self, now: dt.datetime) -> EscalationQuerySet:
        return self.filter(
            Q(claimed_until__isnull=True) | Q(claimed_until__lte=now),
            acknowledged_at__isnull=True,
            escalated_at__isnull=True,
            due_at__lte=now,
        )


class Escalation(ClaimFields):
    """One notification of one person (or contact point) for a role, at a level of the duty
    chain (LMN-07: the owner, then the owner's manager and a service-desk ticket).

    Rows created together share ``group``; acknowledging one acknowledges the group. If
    nobody in the group acknowledges by ``due_at``, the ``runtimers`` worker notifies the
    next level (``registry.duty.who_answers`` of the role's manager role) and sets
    ``escalated_at``. The acknowledge link carries a token signed with the salt
    ``outages.ack`` over ``code``: the link itself is the credential.
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    group = models.UUIDField(default=uuid.uuid4, db_index=True)
    outage = models.ForeignKey(Outage, on_delete=models.PROTECT, related_name="escalations")
    role_key = models.CharField(_("roll"), max_length=161)
    #: Why the person was told (a scenario step, a backup routine, a timer, a report): one
    #: message per outage, person and purpose, however many roles or steps reach them.
    purpose = models.CharField(_("anledning"), max_length=200, blank=True)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    contact_point = models.ForeignKey(
        "registry.ContactPoint",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kontaktväg"),
    )
    level = models.PositiveSmallIntegerField(_("nivå"), default=0)
    text = models.TextField(_("meddelande"))
    notified_at = models.DateTimeField(_("meddelad"))
    acknowledged_at = models.DateTimeField(_("kvitterad"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kvitterad av"),
    )
    #: When to notify the next level if nobody acknowledged (null: no further escalation).
    due_at = models.DateTimeField(_("eskaleras"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("eskalerad"), null=True, blank=True)

    objects = EscalationQuerySet.as_manager()

    class Meta:
        verbose_name = _("eskalering")
        verbose_name_plural = _("eskaleringar")
        ordering = ["notified_at", "level", "id"]
        indexes = [
            # The due-escalation query of the ``runtimers`` worker (worker.escalate_one),
            # in (due_at, id) order.
            models.Index(
                fields=["due_at", "id"],
                condition=Q(
                    acknowledged_at__isnull=True,
                    escalated_at__isnull=True,
                    due_at__isnull=False,
                ),
                name="escalation_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role_key} ({self.person or self.contact_point})"


class Activation(models.Model):
    """A backup routine put into force for an outage, by a timer or a person (LMN-09,
    S2-06, SP-03). At most one per backup routine and outage."""

    outage = models.ForeignKey(Outage, on_delete=models.PROTECT, related_name="activations")
    backup_key = models.SlugField(_("reservrutin"), max_length=80)
    title = models.CharField(_("rubrik"), max_length=300, blank=True)
    activated_at = models.DateTimeField(_("aktiverad"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("av"),
    )
    reason = models.TextField(_("anledning"))
    timer = models.ForeignKey(
        Timer, on_delete=models.PROTECT, null=True, blank=True, related_name="activations"
    )

    class Meta:
        verbose_name = _("aktivering")
        verbose_name_plural = _("aktiveringar")
        ordering = ["activated_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["outage", "backup_key"], name="activation_once_per_backup"
            )
        ]

    def __str__(self) -> str:
        return self.title or self.backup_key


class PrognosisChange(models.Model):
    """One change of an outage's prognosis, kept as history (``prognosis_at`` null: the
    prognosis was withdrawn)."""

    outage = models.ForeignKey(Outage, on_delete=models.PROTECT, related_name="prognoses")
    prognosis_at = models.DateTimeField(_("prognos"), null=True, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("satt av"),
    )
    set_at = models.DateTimeField(_("satt"))

    class Meta:
        verbose_name = _("prognosändring")
        verbose_name_plural = _("prognoshistorik")
        ordering = ["set_at", "id"]

    def __str__(self) -> str:
        return f"{self.prognosis_at} ({self.set_at})"
