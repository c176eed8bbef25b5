"""References to registry objects as routines write them, parsed once into a typed value.

A routine names a role, system or contact point by key; a key of a partner organisation is
qualified as ``org:key`` (SP-01). Code never splits such strings itself: it calls
:meth:`Ref.parse` (or :meth:`RoleRef.parse`) and reads the fields. No models here, so every
app from ``registry`` up (routines, outages, statuspage, readiness) can import it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Self

SEPARATOR = ":"


@dataclass(frozen=True)
class Ref:
    """``organisation_key`` is empty when the reference means the routine's (or outage's)
    own organisation; ``key`` is the object's key within its organisation."""

    organisation_key: str
    key: str

    @classmethod
    def parse(cls, text: str) -> Self:
        """``"kundservice"`` → (``""``, ``"kundservice"``); ``"lulea-kommun:kommun"`` →
        (``"lulea-kommun"``, ``"kommun"``). Raises ValueError on an empty key."""
        organisation_key, _sep, key = text.strip().rpartition(SEPARATOR)
        if not key:
            raise ValueError(f"empty registry key in {text!r}")
        return cls(organisation_key, key)

    def __str__(self) -> str:
        if self.organisation_key:
            return f"{self.organisation_key}{SEPARATOR}{self.key}"
        return self.key

    def qualified(self, own_organisation_key: str) -> Self:
        """The same reference with the organisation written out (own one when unqualified)."""
        if self.organisation_key:
            return self
        return type(self)(own_organisation_key, self.key)

    def belongs_to(self, organisation_key: str) -> bool:
        """Whether the reference names an object of ``organisation_key`` when read in a
        document of that organisation (an unqualified key is the own organisation's)."""
        return self.organisation_key in ("", organisation_key)


@dataclass(frozen=True)
class RoleRef(Ref):
    """A reference to an ``ansvarsroll`` (``registry.Role``)."""

    @property
    def role_key(self) -> str:
        return self.key
