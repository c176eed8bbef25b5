"""Permission-checked getters: the only way views and APIs fetch protected objects.

Visibility rules (docs/accounts.md):
* a member of an organisation sees its catalogue, and so do members of its partner
  organisations (SP-01: a region and its county's municipalities work together);
* supplier organisations are visible to every signed-in member;
* writes need the role the action names; organisation admins hold every role in their
  organisation, and superusers hold every role everywhere.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from reservrutin.accounts.models import Membership, Organisation, User

Role = Membership.Role


def member_organisation_ids(user: User) -> set[int]:
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_member_org_ids", None)
    if cached is None:
        cached = set(user.memberships.values_list("organisation_id", flat=True))
        user._member_org_ids = cached
    return cached


def visible_organisations(user: User) -> QuerySet[Organisation]:
    """Organisations whose internal pages ``user`` may read."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    if user.is_superuser:
        return Organisation.objects.all()
    own = member_organisation_ids(user)
    if not own:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        Q(id__in=own) | Q(partners__id__in=own) | Q(kind=Organisation.Kind.SUPPLIER)
    ).distinct()


def has_role(
    user: User,
    organisation: Organisation,
    *roles: str,
    system_id: int | None = None,
    unit_id: int | None = None,
) -> bool:
    """Whether ``user`` holds one of ``roles`` in ``organisation`` (org admins hold all).

    A membership narrowed to a system counts only for that system, and one narrowed to a
    unit only for that unit (or when no unit is asked about).
    """
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    memberships = user.memberships.filter(organisation=organisation)
    for m in memberships:
        if m.role != Role.ORG_ADMIN and m.role not in roles:
            continue
        if m.role == Role.ORG_ADMIN:
            return True
        if m.system_id is not None and m.system_id != system_id:
            continue
        if m.unit_id is not None and unit_id is not None and m.unit_id != unit_id:
            continue
        return True
    return False


def get_organisation_for_user(user: User, key: str, *, write: bool = False) -> Organisation:
    """The organisation ``key`` if ``user`` may see it (404 otherwise, so an outsider cannot
    even learn that it exists); with ``write``, only for its organisation admins."""
    try:
        organisation = visible_organisations(user).get(key=key)
    except Organisation.DoesNotExist:
        raise Http404("Organisation not found") from None
    if write and not has_role(user, organisation, Role.ORG_ADMIN):
        raise PermissionDenied("Only the organisation's administrators may change this.")
    return organisation
