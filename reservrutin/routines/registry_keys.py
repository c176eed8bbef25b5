"""The registry keys a routine may reference, per organisation: a small protocol so that
validation runs without a database (tests, ``routine validate --offline``), and the
implementation that reads the registry tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


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
    """A :class:`RegistryKeys` reading the registry tables (a few queries, cached)."""

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
