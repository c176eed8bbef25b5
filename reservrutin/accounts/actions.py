"""Sign-in (lockout after repeated failures is django-axes', see ``lockout.py``); memberships."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import authenticate
from django.db import transaction
from django.http import HttpRequest

from reservrutin.accounts import lockout
from reservrutin.accounts.models import Membership, Organisation, Unit, User
from reservrutin.audit.actions import record_event


class LockedOut(Exception):
    """Too many failed sign-ins for this username from this client; try again later."""

    def __init__(self, until: dt.datetime | None) -> None:
        super().__init__(f"locked until {until.isoformat() if until else 'later'}")
        self.until = until


def sign_in(request: HttpRequest, *, username: str, password: str) -> User | None:
    """Authenticate ``username``; refuse while the (username, client address) pair is locked.

    Counting failures and locking is django-axes' (``accounts/lockout.py``), inside
    ``authenticate()``, so the admin and every other path count the same way. Returns the
    user, or None for wrong credentials. Raises :class:`LockedOut`.
    """
    user = authenticate(request, username=username, password=password)
    if user is None and getattr(request, "axes_locked_out", False):
        raise LockedOut(lockout.locked_until(request))
    return user


@transaction.atomic
def add_membership(
    user: User,
    organisation: Organisation,
    role: str,
    *,
    unit: Unit | None = None,
    system: object | None = None,
    by: User | None = None,
) -> Membership:
    """Give ``user`` a role in ``organisation`` (idempotent) and audit it."""
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=role, unit=unit, system=system
    )
    if created:
        record_event(
            "accounts.membership_added",
            actor=by,
            obj=membership,
            organisation=organisation,
            role=role,
        )
    return membership
