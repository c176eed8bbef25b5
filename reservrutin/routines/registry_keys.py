"""The registry keys a routine may reference, per organisation: a small protocol so that
validation runs without a database (tests, ``routine validate --offline``), and the
implementation that reads the registry tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable


class RegistryKeys(Protocol):
    """The registry keys a routine may reference, per organisation key."""

    def organisations(self) -> set[str]: ...

    def partners(self, organisation: str) -> set[str]: ...

    def systems(self, organisation: str) -> set[str]: ...

    def roles(self, organisation: str) -> set[str]: ...

    def contact_points(self, organisation: str) -> set[str]: ...


@dataclass
class StaticRegistry:
    """A :class:`RegistryKeys` from plain sets, for tests and offline validation."""

    orgs: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    partner_map: dict[str, set[str]] = field(default_factory=dict)

    def organisations(self) -> set[str]:
        return set(self.orgs)

    def partners(self, organisation: str) -> set[str]:
        return set(self.partner_map.get(organisation, set()))

    def systems(self, organisation: str) -> set[str]:
        return set(self.orgs.get(organisation, {}).get("systems", set()))

    def roles(self, organisation: str) -> set[str]:
        return set(self.orgs.get(organisation, {}).get("roles", set()))

    def contact_points(self, organisation: str) -> set[str]:
        return set(self.orgs.get(organisation, {}).get("contact_points", set()))


class DatabaseRegistry:
    """A :class:`RegistryKeys` and :class:`RegistryFacts` reading the registry tables (a few
    queries, cached for the life of the object: one validation)."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, str], set[str]] = {}

    def _keys(self, model: str, organisation: str) -> set[str]:
        from reservrutin.registry import models as registry

        cache_key = (model, organisation)
        if cache_key not in self._cache:
            manager = getattr(registry, model).objects
            self._cache[cache_key] = set(
                manager.filter(organisation__key=organisation).values_list("key", flat=True)
            )
        return self._cache[cache_key]

    def organisations(self) -> set[str]:
        from reservrutin.accounts.models import Organisation

        if ("org", "") not in self._cache:
            self._cache[("org", "")] = set(Organisation.objects.values_list("key", flat=True))
        return self._cache[("org", "")]

    def partners(self, organisation: str) -> set[str]:
        from reservrutin.accounts.models import Organisation

        if ("partners", organisation) not in self._cache:
            self._cache[("partners", organisation)] = set(
                Organisation.objects.filter(partners__key=organisation).values_list(
                    "key", flat=True
                )
            )
        return self._cache[("partners", organisation)]

    def systems(self, organisation: str) -> set[str]:
        return self._keys("System", organisation)

    def roles(self, organisation: str) -> set[str]:
        return self._keys("Role", organisation)

    def contact_points(self, organisation: str) -> set[str]:
        return self._keys("ContactPoint", organisation)

    def contact_facts(self, organisation: str) -> dict[str, ContactFacts]:
        from reservrutin.registry.models import ContactPoint

        rows = ContactPoint.objects.filter(organisation__key=organisation)
        return {
            key: ContactFacts(phone=bool(phone), email=bool(email), url=bool(url))
            for key, phone, email, url in rows.values_list("key", "phone", "email", "url")
        }

    def held_roles(self, organisation: str) -> set[str]:
        from reservrutin.registry.models import RoleAssignment

        return set(
            RoleAssignment.objects.filter(
                role__organisation__key=organisation, user__is_active=True
            ).values_list("role__key", flat=True)
        )

    def units(self, organisation: str) -> set[str]:
        from reservrutin.accounts.models import Unit

        return set(
            Unit.objects.filter(organisation__key=organisation).values_list("key", flat=True)
        )

    def managed_units(self, organisation: str) -> set[str]:
        from reservrutin.accounts.models import Membership

        return set(
            Membership.objects.active()
            .filter(
                organisation__key=organisation,
                role=Membership.Role.UNIT_MANAGER,
                unit__isnull=False,
            )
            .values_list("unit__key", flat=True)
        )


@dataclass(frozen=True)
class ContactFacts:
    """How a contact point can be reached, as the registry has it."""

    phone: bool = False
    email: bool = False
    url: bool = False


@runtime_checkable
class RegistryFacts(Protocol):
    """What the completeness checks read besides keys (issue 13): how contact points are
    reached, which roles somebody holds, which units exist and which have a manager."""

    def roles(self, organisation: str) -> set[str]: ...

    def contact_facts(self, organisation: str) -> dict[str, ContactFacts]: ...

    def held_roles(self, organisation: str) -> set[str]: ...

    def units(self, organisation: str) -> set[str]: ...

    def managed_units(self, organisation: str) -> set[str]: ...


@dataclass
class StaticFacts(StaticRegistry):
    """A :class:`StaticRegistry` that also knows the facts the completeness checks read."""

    contacts: dict[str, dict[str, ContactFacts]] = field(default_factory=dict)
    held: dict[str, set[str]] = field(default_factory=dict)
    unit_map: dict[str, set[str]] = field(default_factory=dict)
    managed: dict[str, set[str]] = field(default_factory=dict)

    def contact_facts(self, organisation: str) -> dict[str, ContactFacts]:
        return dict(self.contacts.get(organisation, {}))

    def held_roles(self, organisation: str) -> set[str]:
        return set(self.held.get(organisation, set()))

    def units(self, organisation: str) -> set[str]:
        return set(self.unit_map.get(organisation, set()))

    def managed_units(self, organisation: str) -> set[str]:
        return set(self.managed.get(organisation, set()))
