"""Changes to the registry that others depend on: which systems a unit uses.

Most registry rows are edited in the admin as plain data. A unit's systems decide who is
told about an outage (unit-scoped subscriptions read them when a message is sent), so a
change goes through here, validated and with an audit event saying who changed it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from reservrutin.accounts.models import Unit, User
from reservrutin.audit.actions import record_event
from reservrutin.lib import clock
from reservrutin.registry.models import System, UnitSystem
from reservrutin.registry.validation import unit_system_error


@transaction.atomic
def link_system_to_unit(unit: Unit, system: System, *, by: User | None) -> UnitSystem:
    """Record that ``unit`` uses ``system``. Subscriptions for the unit (or a unit above
    it) cover the system from the next message on. Linking twice changes nothing."""
    error = unit_system_error(unit, system)
    if error:
        raise ValidationError({"system": error})
    link, created = UnitSystem.objects.get_or_create(
        unit=unit, system=system, defaults={"created_at": clock.now()}
    )
    if created:
        record_event(
            "registry.unit_system_linked",
            actor=by,
            obj=link,
            organisation=unit.organisation,
            unit=unit.key,
            system=system.key,
        )
    return link


@transaction.atomic
def unlink_system_from_unit(unit: Unit, system: System, *, by: User | None) -> bool:
    """``unit`` no longer uses ``system``; True if there was a link to remove."""
    link = UnitSystem.objects.filter(unit=unit, system=system).first()
    if link is None:
        return False
    record_event(
        "registry.unit_system_unlinked",
        actor=by,
        obj=link,
        organisation=unit.organisation,
        unit=unit.key,
        system=system.key,
    )
    link.delete()
    return True


@transaction.atomic
def set_unit_systems(unit: Unit, systems: list[System], *, by: User | None) -> tuple[int, int]:
    """Make ``systems`` exactly the systems ``unit`` uses (the unit page's form): links what
    is new, unlinks what is gone, each audited. Returns (linked, unlinked)."""
    wanted = {s.pk: s for s in systems}
    current = {link.system_id: link.system for link in unit.system_links.select_related("system")}
    for pk, system in wanted.items():
        if pk not in current:
            link_system_to_unit(unit, system, by=by)
    for pk, system in current.items():
        if pk not in wanted:
            unlink_system_from_unit(unit, system, by=by)
    return len(wanted.keys() - current.keys()), len(current.keys() - wanted.keys())
