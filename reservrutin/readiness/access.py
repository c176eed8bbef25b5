"""Who may see and change readiness: the getters views use (docs/readiness.md).

* Reading a unit's checklist: anyone with a membership in the organisation that covers
  the unit (staff of the unit, its manager, organisation-wide roles).
* Ticking an item: the unit's manager, the item's responsible person, the holders of its
  responsible role who belong to the unit, and organisation admins.
* Adding local items (TES-03): the unit's manager and organisation admins.
* The organisation overview: coordinators and organisation admins see every unit; a unit
  manager sees the units they manage.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404

from reservrutin.accounts.access import get_organisation_for_user, has_role
from reservrutin.accounts.models import Membership, Organisation, Unit, User
from reservrutin.readiness.models import ReadinessItem
from reservrutin.registry.models import RoleAssignment
from reservrutin.registry.refs import RoleRef

Role = Membership.Role


def can_view_unit(user: User, unit: Unit) -> bool:
    return has_role(user, unit.organisation, *Role.values, unit_id=unit.id)


def can_manage_unit(user: User, unit: Unit) -> bool:
    return has_role(user, unit.organisation, Role.UNIT_MANAGER, unit_id=unit.id)


def can_see_overview(user: User, organisation: Organisation) -> bool:
    return has_role(user, organisation, Role.COORDINATOR, Role.UNIT_MANAGER)


def overview_units(user: User, organisation: Organisation) -> list[Unit]:
    """The units whose readiness ``user`` sees on the organisation overview."""
    units = list(organisation.units.order_by("name"))
    if has_role(user, organisation, Role.COORDINATOR):
        return units
    return [u for u in units if can_manage_unit(user, u)]


def role_holders(item: ReadinessItem) -> list[User]:
    """People holding the item's responsible role (registry) who belong to its unit."""
    if not item.responsible_role_key:
        return []
    ref = RoleRef.parse(item.responsible_role_key).qualified(item.unit.organisation.key)
    assignments = RoleAssignment.objects.filter(
        role__organisation__key=ref.organisation_key,
        role__key=ref.role_key,
        user__memberships__unit_id=item.unit_id,
        user__is_active=True,
    ).select_related("user")
    people: dict[int, User] = {}
    for a in assignments:
        people.setdefault(a.user_id, a.user)
    return list(people.values())


def responsible_people(item: ReadinessItem) -> list[User]:
    """The named responsible person and the unit's holders of the responsible role."""
    people = role_holders(item)
    person = item.responsible_person
    if person is not None and person.is_active and person.pk not in {p.pk for p in people}:
        people.insert(0, person)
    return people


def can_tick(user: User, item: ReadinessItem) -> bool:
    if not user.is_authenticated:
        return False
    if can_manage_unit(user, item.unit):
        return True
    if not can_view_unit(user, item.unit):
        return False
    return any(p.pk == user.pk for p in responsible_people(item))


def get_unit_for_user(user: User, org: str, unit_key: str) -> Unit:
    """The unit ``unit_key`` of organisation ``org`` if ``user`` may read it; 404 otherwise,
    so outsiders cannot learn that it exists."""
    organisation = get_organisation_for_user(user, org)
    unit = get_object_or_404(
        Unit.objects.select_related("organisation"), organisation=organisation, key=unit_key
    )
    if not can_view_unit(user, unit):
        raise Http404("Unit not found")
    return unit


def get_item_for_user(user: User, unit: Unit, code: str) -> ReadinessItem:
    try:
        return ReadinessItem.objects.select_related("unit__organisation").get(unit=unit, code=code)
    except (ReadinessItem.DoesNotExist, ValidationError, ValueError) as exc:  # bad UUIDs too
        raise Http404("Item not found") from exc
