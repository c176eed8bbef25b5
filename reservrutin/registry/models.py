"""The registry: systems, their parts and dependencies, suppliers and SLAs, the roles that
answer for them, contact points, and when each of them is on duty."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reservrutin.accounts.models import Organisation, Unit
from reservrutin.lib import clock
from reservrutin.lib.holidays import is_workday
from reservrutin.lib.phone import validate_phone


class DutySchedule(models.Model):
    """Recurring hours when someone or something answers: office hours, evenings and
    weekends, the 07–22 of a municipality's care desks (SP-10), a supplier's service hours.

    A schedule with no rules is never open; ``always`` makes it open around the clock.
    Swedish public holidays and the eves follow lag 1930:173 (see ``lib/holidays.py``).
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="schedules"
    )
    key = models.SlugField(_("nyckel"), max_length=80)
    name = models.CharField(_("namn"), max_length=200)
    always = models.BooleanField(_("dygnet runt, alla dagar"), default=False)
    note = models.CharField(_("anteckning"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("tider")
        verbose_name_plural = _("tider")
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "key"], name="schedule_key_unique_in_org"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def is_open(self, at: dt.datetime) -> bool:
        """Whether the schedule answers at the instant ``at``."""
        if self.always:
            return True
        local = clock.local(at)
        return any(rule.covers(local) for rule in self.rules.all())

    def next_change(self, at: dt.datetime, *, horizon_days: int = 14) -> dt.datetime | None:
        """The next instant after ``at`` when the schedule opens or closes, or None if it
        does not change within the horizon (used for "stängt — öppnar mån 08:00")."""
        if self.always:
            return None
        state = self.is_open(at)
        start = clock.local(at).date()
        rules = list(self.rules.all())
        edges: set[dt.datetime] = set()
        for offset in range(horizon_days + 1):
            day = start + dt.timedelta(days=offset)
            edges.add(clock.at_local(day, dt.time(0)))
            for rule in rules:
                edges.add(clock.at_local(day, rule.opens))
                if rule.closes is not None:
                    edges.add(clock.at_local(day, rule.closes))
        for instant in sorted(edges):
            if instant > at and self.is_open(instant) != state:
                return instant
        return None


class OpeningHours(models.Model):
    """One span of a schedule: on which days, from when to when (Swedish local time)."""

    class Days(models.TextChoices):
        EVERY_DAY = "every_day", _("Alla dagar")
        WORKDAYS = "workdays", _("Vardagar (ej helgdagar och aftnar)")
        NON_WORKDAYS = "non_workdays", _("Helger, helgdagar och aftnar")
        MONDAY = "mon", _("Måndag")
        TUESDAY = "tue", _("Tisdag")
        WEDNESDAY = "wed", _("Onsdag")
        THURSDAY = "thu", _("Torsdag")
        FRIDAY = "fri", _("Fredag")
        SATURDAY = "sat", _("Lördag")
        SUNDAY = "sun", _("Söndag")

    WEEKDAY_INDEX = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}

    schedule = models.ForeignKey(DutySchedule, on_delete=models.CASCADE, related_name="rules")
    days = models.CharField(_("dagar"), max_length=20, choices=Days.choices)
    opens = models.TimeField(_("öppnar"))
    closes = models.TimeField(_("stänger"), null=True, blank=True, help_text=_("Tomt = midnatt."))

    class Meta:
        verbose_name = _("öppettid")
        verbose_name_plural = _("öppettider")
        ordering = ["days", "opens"]

    def __str__(self) -> str:
        closes = self.closes.strftime("%H:%M") if self.closes else "24:00"
        return f"{self.get_days_display()} {self.opens:%H:%M}–{closes}"

    def applies_on(self, day: dt.date) -> bool:
        if self.days == self.Days.EVERY_DAY:
            return True
        if self.days == self.Days.WORKDAYS:
            return is_workday(day)
        if self.days == self.Days.NON_WORKDAYS:
            return not is_workday(day)
        return day.weekday() == self.WEEKDAY_INDEX[self.days]

    def covers(self, local: dt.datetime) -> bool:
        if not self.applies_on(local.date()):
            return False
        moment = local.time().replace(tzinfo=None)
        return self.opens <= moment and (self.closes is None or moment < self.closes)

    def end_minute(self) -> int:
        return 24 * 60 if self.closes is None else self.closes.hour * 60 + self.closes.minute

    def start_minute(self) -> int:
        return self.opens.hour * 60 + self.opens.minute


class SystemQuerySet(models.QuerySet["System"]):
    def used_by(self, unit: Unit) -> SystemQuerySet:
        """The systems linked to ``unit`` itself (``UnitSystem``); the units under it are
        added by ``queries.unit_system_ids``."""
        return self.filter(unit_links__unit=unit)


class System(models.Model):
    """An IT system, app or piece of infrastructure whose outage someone must handle.

    Infrastructure (AD/SAML login, BankID, WiFi, the mobile network, power) is a system of
    kind ``infrastructure`` so that dependencies answer "what is affected if X is down".
    """

    class Kind(models.TextChoices):
        APPLICATION = "application", _("Verksamhetssystem")
        MOBILE_APP = "mobile_app", _("Mobilapp")
        INFRASTRUCTURE = "infrastructure", _("Infrastruktur")
        DEVICE = "device", _("Utrustning")

    class Criticality(models.TextChoices):
        LOW = "low", _("Låg")
        MEDIUM = "medium", _("Medel")
        HIGH = "high", _("Hög")
        CRITICAL = "critical", _("Kritisk")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="systems",
        verbose_name=_("ägande organisation"),
    )
    key = models.SlugField(_("nyckel"), max_length=80)
    name = models.CharField(_("namn"), max_length=200)
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices, default=Kind.APPLICATION)
    description = models.TextField(_("beskrivning"), blank=True)
    criticality = models.CharField(
        _("kritikalitet"), max_length=10, choices=Criticality.choices, default=Criticality.HIGH
    )
    sla = models.ForeignKey(
        "ServiceLevel",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="systems",
        verbose_name=_("SLA"),
    )
    public = models.BooleanField(
        _("visas på driftinfo"), default=True, help_text=_("Visas på den publika driftinfosidan.")
    )
    #: The units that use this system; ``unit.systems`` from the other side.
    units = models.ManyToManyField(
        Unit,
        through="UnitSystem",
        blank=True,
        related_name="systems",
        verbose_name=_("används av enheter"),
    )

    objects = SystemQuerySet.as_manager()

    class Meta:
        verbose_name = _("system")
        verbose_name_plural = _("system")
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "key"], name="system_key_unique_in_org")
        ]

    def __str__(self) -> str:
        return self.name


class UnitSystem(models.Model):
    """``unit`` uses ``system`` in its daily work: a home-care group uses Treserva and TES,
    a care home Lifecare and Phoniro.

    A subscription for a unit reads these links each time a notice or planned event is sent,
    so a system linked after subscribing is covered; a unit's subscription also covers what
    the units under it use (``queries.unit_system_ids``). The system is one of the unit's
    own organisation, because a subscription hears only its own organisation's notices.
    Links change through ``registry.actions`` (validated and audited).
    """

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="system_links", verbose_name=_("enhet")
    )
    system = models.ForeignKey(
        System, on_delete=models.CASCADE, related_name="unit_links", verbose_name=_("system")
    )
    created_at = models.DateTimeField(_("kopplad"))

    class Meta:
        verbose_name = _("system som enheten använder")
        verbose_name_plural = _("system som enheter använder")
        ordering = ["unit__name", "system__name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "system"], name="unit_system_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit} → {self.system}"


class SystemPart(models.Model):
    """A part of a system that can fail or be affected on its own (SOD-01): a module, an app,
    a login method, digital locks, medicine cabinets, alarms."""

    class Kind(models.TextChoices):
        MODULE = "module", _("Modul")
        APP = "app", _("App")
        LOGIN = "login", _("Inloggning")
        LOCK = "lock", _("Lås")
        MEDICINE_CABINET = "medicine_cabinet", _("Läkemedelsskåp")
        ALARM = "alarm", _("Larm")
        CAMERA = "camera", _("Kamera")
        OTHER = "other", _("Övrigt")

    system = models.ForeignKey(System, on_delete=models.CASCADE, related_name="parts")
    key = models.SlugField(_("nyckel"), max_length=80)
    name = models.CharField(_("namn"), max_length=200)
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices, default=Kind.MODULE)
    description = models.TextField(_("beskrivning"), blank=True)
    #: What the part still does when it is down with its system (SOD-04: "fungerar offline
    #: cirka 8 timmar"); shown as the part's state instead of "Avbrott".
    when_down = models.CharField(
        _("när systemet ligger nere"),
        max_length=300,
        blank=True,
        help_text=_("Till exempel: fungerar offline cirka 8 timmar."),
    )

    class Meta:
        verbose_name = _("systemdel")
        verbose_name_plural = _("systemdelar")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["system", "key"], name="part_key_unique_in_system")
        ]

    def __str__(self) -> str:
        return f"{self.system}: {self.name}"


class DependencyQuerySet(models.QuerySet["Dependency"]):
    pass


class Dependency(models.Model):
    """``system`` needs ``depends_on`` to work: when ``depends_on`` is down, ``system`` is
    affected (SOD-07 power, SOD-08 WiFi and mobile network, SOD-10 login)."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("Inloggning")
        NETWORK = "network", _("Nätverk")
        POWER = "power", _("Ström")
        HOSTING = "hosting", _("Drift och server")
        INTEGRATION = "integration", _("Integration")

    system = models.ForeignKey(System, on_delete=models.CASCADE, related_name="dependencies")
    depends_on = models.ForeignKey(System, on_delete=models.CASCADE, related_name="dependants")
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    note = models.CharField(
        _("vad händer"),
        max_length=500,
        blank=True,
        help_text=_("Till exempel: appen fungerar offline cirka 8 timmar."),
    )

    objects = DependencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("beroende")
        verbose_name_plural = _("beroenden")
        constraints = [
            models.UniqueConstraint(fields=["system", "depends_on"], name="dependency_unique"),
            models.CheckConstraint(
                condition=~Q(system=models.F("depends_on")), name="dependency_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.system} → {self.depends_on}"


class ServiceLevel(models.Model):
    """A service-level agreement with a supplier: name (``silver B``), service hours and the
    response and restore targets counted within them (S2-03, S2-04)."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    supplier = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="service_levels",
        limit_choices_to={"kind": Organisation.Kind.SUPPLIER},
        verbose_name=_("leverantör"),
    )
    name = models.CharField(_("namn"), max_length=100)
    service_hours = models.ForeignKey(
        DutySchedule,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("servicetid"),
    )
    response_time = models.DurationField(_("inställelsetid"), null=True, blank=True)
    restore_time = models.DurationField(_("åtgärdstid"), null=True, blank=True)
    description = models.TextField(_("beskrivning"), blank=True)

    class Meta:
        verbose_name = _("SLA")
        verbose_name_plural = _("SLA")
        ordering = ["supplier__name", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.supplier})"


class SystemParty(models.Model):
    """An organisation with a duty towards a system: IT supplier, system supplier, the
    aids organisation, ordering units (S2-03)."""

    class Kind(models.TextChoices):
        IT_SUPPLIER = "it_supplier", _("IT-leverantör")
        SYSTEM_SUPPLIER = "system_supplier", _("Systemleverantör")
        BUSINESS = "business", _("Verksamhet")
        OTHER = "other", _("Annan part")

    system = models.ForeignKey(System, on_delete=models.CASCADE, related_name="parties")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="duties", verbose_name=_("part")
    )
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    duties = models.TextField(_("åtagande"), blank=True)
    contact_point = models.ForeignKey(
        "ContactPoint",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kontaktväg"),
    )

    class Meta:
        verbose_name = _("part")
        verbose_name_plural = _("parter")
        constraints = [
            models.UniqueConstraint(
                fields=["system", "organisation", "kind"], name="party_unique_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_kind_display()})"


class ContactPoint(models.Model):
    """Where to turn: a service desk, user support, an on-call line, a ticket portal, a
    switchboard, a supplier's support, a care neighbour's desk (TES-07, SOD-12, SOD-13,
    SP-02, SP-10). When closed, ``instead`` says where to turn in its place."""

    class Kind(models.TextChoices):
        SERVICE_DESK = "service_desk", _("Servicedesk")
        USER_SUPPORT = "user_support", _("Användarstöd")
        ON_CALL = "on_call", _("Beredskap/jour")
        TICKET_PORTAL = "ticket_portal", _("Ärendeportal")
        SWITCHBOARD = "switchboard", _("Växel")
        SUPPLIER_SUPPORT = "supplier_support", _("Leverantörssupport")
        CARE_NEIGHBOUR = "care_neighbour", _("Vårdgranne")
        FUNCTION = "function", _("Funktion")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="contact_points"
    )
    key = models.SlugField(_("nyckel"), max_length=80)
    name = models.CharField(_("namn"), max_length=200)
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    phone = models.CharField(_("telefon"), max_length=40, blank=True, validators=[validate_phone])
    email = models.EmailField(_("e-post"), blank=True)
    url = models.URLField(_("webbadress"), blank=True)
    schedule = models.ForeignKey(
        DutySchedule,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact_points",
        verbose_name=_("öppettider"),
        help_text=_("Tomt = alltid öppet."),
    )
    instead = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("när stängt, vänd dig till"),
    )
    note = models.TextField(_("att tänka på"), blank=True)
    systems = models.ManyToManyField(
        System, blank=True, related_name="contact_points", verbose_name=_("system")
    )
    in_directory = models.BooleanField(
        _("med i telefonlistan"), default=True, help_text=_("Visas i telefonlistan (SP-10).")
    )

    class Meta:
        verbose_name = _("kontaktväg")
        verbose_name_plural = _("kontaktvägar")
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "key"], name="contact_key_unique_in_org"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def is_open(self, at: dt.datetime) -> bool:
        return self.schedule is None or self.schedule.is_open(at)

    def answering(self, at: dt.datetime) -> ContactPoint | None:
        """This contact point if open at ``at``, else the first open one along ``instead``."""
        seen: set[int] = set()
        point: ContactPoint | None = self
        while point is not None and point.pk not in seen:
            if point.is_open(at):
                return point
            seen.add(point.pk)
            point = point.instead
        return None


class Role(models.Model):
    """A responsibility in an organisation (LMN-05): Kundservice, Systemansvarig,
    Verksamhetsansvarig, Telefoniansvarig… Routines name roles by ``key``.

    When nobody holding the role is on duty, escalation goes to ``manager_role`` (the
    owner's manager, LMN-07) and, at the same time, to ``fallback_contact_point`` (a
    service-desk ticket).
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="roles")
    key = models.SlugField(_("nyckel"), max_length=80)
    name = models.CharField(_("namn"), max_length=200)
    description = models.TextField(_("beskrivning"), blank=True)
    manager_role = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("chef att kontakta om ingen är i tjänst"),
    )
    fallback_contact_point = models.ForeignKey(
        ContactPoint,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("och samtidigt till"),
    )

    class Meta:
        verbose_name = _("ansvarsroll")
        verbose_name_plural = _("ansvarsroller")
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "key"], name="role_key_unique_in_org")
        ]

    def __str__(self) -> str:
        return self.name


class RoleAssignment(models.Model):
    """``user`` holds ``role``, for one system or (without a system) for all, and is on duty
    during ``schedule`` (empty: always reachable). Lower ``order`` is asked first.

    With ``unit`` the person holds the role for that unit (and the units under it) only: an
    outage limited to other units does not reach them. Without, for the whole organisation.
    """

    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="assignments")
    system = models.ForeignKey(
        System,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("system"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="role_assignments",
        verbose_name=_("person"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("enhet"),
        help_text=_("Tomt = hela organisationen."),
    )
    schedule = models.ForeignKey(
        DutySchedule,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("i tjänst"),
        help_text=_("Tomt = alltid nåbar."),
    )
    order = models.PositiveSmallIntegerField(_("ordning"), default=1)

    class Meta:
        verbose_name = _("rollinnehavare")
        verbose_name_plural = _("rollinnehavare")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.user} — {self.role}"


class OnCallShiftQuerySet(models.QuerySet["OnCallShift"]):
    def covering(self, at: dt.datetime) -> OnCallShiftQuerySet:
        return self.filter(starts_at__lte=at, ends_at__gt=at)


class OnCallShift(models.Model):
    """A rota entry: ``user`` answers for ``role`` from ``starts_at`` to ``ends_at``.
    An override shift wins over the ordinary rota and over office-hour assignments."""

    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="shifts")
    system = models.ForeignKey(
        System, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shifts"
    )
    starts_at = models.DateTimeField(_("från"))
    ends_at = models.DateTimeField(_("till"))
    is_override = models.BooleanField(_("ersätter schemat"), default=False)
    note = models.CharField(_("anteckning"), max_length=300, blank=True)

    objects = OnCallShiftQuerySet.as_manager()

    class Meta:
        verbose_name = _("beredskapspass")
        verbose_name_plural = _("beredskapspass")
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["role", "starts_at", "ends_at"], name="shift_role_span")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="shift_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.role}"
