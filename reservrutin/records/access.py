"""Who may see and handle downtime records: the one place these rules live.

Records carry personal data, so visibility is narrower than the organisation catalogue
(accounts.access): only the staff of the record's own unit, the managers of that unit or of
a unit above it, the organisation's administrators and the person currently responsible
for entering it.
Everyone else gets a 404, so they cannot even learn that a record exists.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from reservrutin.accounts.models import Membership, Organisation, Unit, User
from reservrutin.records.models import BackRegistration, DowntimeRecord

Role = Membership.Role

#: Roles that give a need to read the records of the unit the membership is narrowed to.
UNIT_READ_ROLES = (Role.STAFF, Role.UNIT_MANAGER)


def _memberships(user: User) -> list[Membership]:
    cached = getattr(user, "_records_memberships", None)
    if cached is None:
        cached = list(user.memberships.all())
        user._records_memberships = cached
    return cached


def admin_organisation_ids(user: User) -> set[int]:
    return {m.organisation_id for m in _memberships(user) if m.role == Role.ORG_ADMIN}


def unit_ids_with_role(user: User, *roles: str) -> set[int]:
    """Units ``user`` holds one of ``roles`` in through a membership narrowed to that unit."""
    return {m.unit_id for m in _memberships(user) if m.unit_id is not None and m.role in roles}


def with_sub_units(unit_ids: set[int]) -> set[int]:
    """``unit_ids`` and every unit below them in the unit tree."""
    found = set(unit_ids)
    frontier = set(unit_ids)
    while frontier:
        frontier = set(Unit.objects.filter(parent_id__in=frontier).values_list("id", flat=True))
        frontier -= found
        found |= frontier
    return found


def managed_unit_ids(user: User) -> set[int]:
    """Units a unit manager manages: their own and the units under them."""
    cached = getattr(user, "_records_managed_units", None)
    if cached is None:
        cached = with_sub_units(unit_ids_with_role(user, Role.UNIT_MANAGER))
        user._records_managed_units = cached
    return cached


def visible_records(user: User) -> QuerySet[DowntimeRecord]:
    """Records whose personal data ``user`` may see."""
    if not user.is_authenticated or not user.is_active:
        return DowntimeRecord.objects.none()
    if user.is_superuser:
        return DowntimeRecord.objects.all()
    return DowntimeRecord.objects.filter(
        Q(unit_id__in=unit_ids_with_role(user, *UNIT_READ_ROLES))
        | Q(unit_id__in=managed_unit_ids(user))
        | Q(organisation_id__in=admin_organisation_ids(user))
        | Q(back_registration__responsible=user)
    ).distinct()


def get_record_for_user(user: User, organisation: Organisation, code: str) -> DowntimeRecord:
    """The record ``code`` in ``organisation`` if ``user`` may see it, else 404."""
    try:
        return (
            visible_records(user)
            .select_related(
                "unit", "outage", "organisation", "target_system", "corrects", "entered_by"
            )
            .get(organisation=organisation, code=code)
        )
    except (DowntimeRecord.DoesNotExist, ValueError):
        raise Http404("Record not found") from None


def capture_units(user: User, organisation: Organisation) -> QuerySet[Unit]:
    """Units in which ``user`` may transcribe paper records: their own, or all as org admin."""
    units = organisation.units.all()
    if user.is_superuser or organisation.pk in admin_organisation_ids(user):
        return units
    return units.filter(id__in=unit_ids_with_role(user, *UNIT_READ_ROLES))


def can_capture(user: User, unit: Unit) -> bool:
    return capture_units(user, unit.organisation).filter(pk=unit.pk).exists()


def managed_units(user: User, organisation: Organisation) -> QuerySet[Unit]:
    """Units whose whole queue ``user`` may see and hand out: unit managers, org admins."""
    units = organisation.units.all()
    if user.is_superuser or organisation.pk in admin_organisation_ids(user):
        return units
    return units.filter(id__in=managed_unit_ids(user))


def get_managed_unit_for_user(user: User, organisation: Organisation, key: str) -> Unit:
    try:
        return managed_units(user, organisation).get(key=key)
    except Unit.DoesNotExist:
        raise Http404("Unit not found") from None


def can_manage(user: User, back_registration: BackRegistration) -> bool:
    """May reassign or close a back-registration: its responsible, the unit manager, admins."""
    record = back_registration.record
    return back_registration.responsible_id == user.pk or (
        managed_units(user, record.organisation).filter(pk=record.unit_id).exists()
    )


def can_register(user: User, back_registration: BackRegistration) -> bool:
    """May mark it done: anyone who may see the record (TES-05: "or by another person")."""
    return visible_records(user).filter(pk=back_registration.record_id).exists()
