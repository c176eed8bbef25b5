"""Sign-in with lockout after repeated failures; memberships."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest

from reservrutin.accounts.models import LoginAttempt, Membership, Organisation, Unit, User
from reservrutin.audit.actions import record_event
from reservrutin.lib import clock


class LockedOut(Exception):
    """Too many failed sign-ins for this account or address; try again later."""

    def __init__(self, until: dt.datetime) -> None:
        super().__init__(f"locked until {until.isoformat()}")
        self.until = until


def _window_start() -> dt.datetime:
    return clock.now() - dt.timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)


def locked_until(username: str, address: str | None) -> dt.datetime | None:
    """When the lock on ``username`` or ``address`` lifts, or None if not locked."""
    criteria = Q(username__iexact=username)
    if address:
        criteria |= Q(address=address)
    recent = LoginAttempt.objects.filter(criteria, attempted_at__gte=_window_start())
    by_user = recent.filter(username__iexact=username)
    # An address gets more tries than an account: a ward's shared computer has many users.
    limit = settings.LOGIN_FAILURE_LIMIT
    for failures, allowed in ((by_user, limit), (recent, limit * 4)):
        times = list(failures.order_by("-attempted_at").values_list("attempted_at", flat=True))
        if len(times) >= allowed:
            return times[allowed - 1] + dt.timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)
    return None


def sign_in(request: HttpRequest, *, username: str, password: str) -> User | None:
    """Authenticate ``username``; record a failure; refuse while locked out.

    Returns the user, or None for wrong credentials. Raises :class:`LockedOut`.
    """
    address = request.META.get("REMOTE_ADDR")
    until = locked_until(username, address)
    if until is not None:
        raise LockedOut(until)
    user = authenticate(request, username=username, password=password)
    if user is None:
        with transaction.atomic():
            LoginAttempt.objects.create(
                username=username[:150], address=address, attempted_at=clock.now()
            )
            record_event("accounts.login_failed", actor=None, address=address, username=username)
        return None
    LoginAttempt.objects.filter(username__iexact=username).delete()
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
