"""Users, organisations, units and the memberships that give people roles in them."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reservrutin.lib.phone import parse_country_codes, validate_country_codes, validate_phone


class User(AbstractUser):
    """A person who signs in: staff, coordinators, publishers, managers and administrators.

    People who never sign in (an off-duty manager reached by phone) are still users, without a
    usable password, so that duty rotas and escalations can name them.
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    full_name = models.CharField(_("namn"), max_length=200)
    phone = models.CharField(_("telefon"), max_length=40, blank=True, validators=[validate_phone])
    title = models.CharField(_("befattning"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("användare")
        verbose_name_plural = _("användare")
        ordering = ["full_name", "username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name() or self.username


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def care(self) -> OrganisationQuerySet:
        """Organisations that give care (not suppliers)."""
        return self.exclude(kind=Organisation.Kind.SUPPLIER)


class Organisation(models.Model):
    """A region, a municipality, a private care provider or a supplier.

    ``key`` is the stable name routines and URLs use (``region-skane``). Partners are
    organisations that share routines and a status page with this one (SP-01: a region and
    the municipalities of its county).
    """

    class Kind(models.TextChoices):
        REGION = "region", _("Region")
        MUNICIPALITY = "municipality", _("Kommun")
        PRIVATE_PROVIDER = "private_provider", _("Privat vårdgivare")
        SUPPLIER = "supplier", _("Leverantör")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    key = models.SlugField(_("nyckel"), max_length=80, unique=True)
    name = models.CharField(_("namn"), max_length=200)
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("beskrivning"), blank=True)
    website = models.URLField(_("webbplats"), blank=True)
    partners = models.ManyToManyField(
        "self", blank=True, symmetrical=True, verbose_name=_("samverkar med")
    )
    allows_unauthenticated_reports = models.BooleanField(
        _("tillåt felanmälan utan inloggning"),
        default=False,
        help_text=_("För när inloggningen själv är det som inte fungerar (SOD-10)."),
    )
    sms_country_codes = models.CharField(
        _("SMS till fler länder"),
        max_length=200,
        blank=True,
        validators=[validate_country_codes],
        help_text=_(
            "Landsnummer, utöver Sverige, vars mobilnummer får prenumerera på driftinfo via "
            "SMS, till exempel 47, 45. Betalnummer och satellitnummer nekas alltid."
        ),
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def sms_countries(self) -> frozenset[int]:
        """The calling codes besides Sweden's that public SMS subscriptions may use."""
        return parse_country_codes(self.sms_country_codes)


class Unit(models.Model):
    """A care unit inside an organisation (enhet, avdelning, hemtjänstgrupp), as a tree."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="units", verbose_name=_("organisation")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("ingår i"),
    )
    key = models.SlugField(_("nyckel"), max_length=80)
    name = models.CharField(_("namn"), max_length=200)
    phone = models.CharField(_("telefon"), max_length=40, blank=True, validators=[validate_phone])
    address = models.CharField(_("adress"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("enhet")
        verbose_name_plural = _("enheter")
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "key"], name="unit_key_unique_in_org")
        ]

    def __str__(self) -> str:
        return self.name

    def ancestors(self) -> list[Unit]:
        """This unit's parents, nearest first (guards against a cycle typed in the admin)."""
        chain: list[Unit] = []
        seen = {self.pk}
        node = self.parent
        while node is not None and node.pk not in seen:
            chain.append(node)
            seen.add(node.pk)
            node = node.parent
        return chain


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        return self.filter(user__is_active=True)


class Membership(models.Model):
    """One role for one user in one organisation, optionally narrowed to a unit or a system.

    A publisher membership with a system may publish driftinfo for that system only
    (LMN-02, S2-02); without a system, for every system of the organisation.
    """

    class Role(models.TextChoices):
        """What a membership lets a person do in Reservrutin (not their job title)."""

        STAFF = "staff", _("Personal")
        REPORTER = "reporter", _("Felanmälare")
        COORDINATOR = "coordinator", _("Samordnare")
        PUBLISHER = "publisher", _("Publicerare av driftinfo")
        UNIT_MANAGER = "unit_manager", _("Enhetschef")
        ORG_ADMIN = "org_admin", _("Organisationsadministratör")

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("användare")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("enhet"),
    )
    system = models.ForeignKey(
        "registry.System",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("system"),
    )
    role = models.CharField(_("behörighet"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("medlemskap")
        verbose_name_plural = _("medlemskap")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                condition=Q(unit__isnull=True, system__isnull=True),
                name="membership_unique_org_role",
            ),
        ]

    def __str__(self) -> str:
        scope = self.unit or self.system or self.organisation
        return f"{self.user} — {self.get_role_display()} ({scope})"
