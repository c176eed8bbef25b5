"""Worker step of the ``remindroutineexpiry`` loop: tell a routine's owner that the version in
force expires soon (issue 13: "Gäller t.o.m.", default 30 days before).

The due row is ``RoutineVersion.expiry_reminder_due_at`` (set when a version is put in
force); ``routines.actions.claim_expiry_reminder`` claims it and this module says what to
send, through the outbox like every other message.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from reservrutin.accounts.models import Membership, User
from reservrutin.notifications.actions import enqueue_message
from reservrutin.registry.models import RoleAssignment
from reservrutin.routines.actions import claim_expiry_reminder
from reservrutin.routines.models import RoutineVersion


def recipients(version: RoutineVersion) -> list[User]:
    """Whoever holds the routine's ``owner_role``; without one (or nobody holding it), the
    organisation's administrators. Only people with an e-mail address."""
    organisation = version.routine.organisation
    role = version.document().owner_role
    people: list[User] = []
    if role:
        org_key, _sep, key = role.rpartition(":")
        assignments = RoleAssignment.objects.filter(
            role__organisation__key=org_key or organisation.key,
            role__key=key,
            user__is_active=True,
        ).select_related("user")
        people = [a.user for a in assignments]
    if not people:
        admins = Membership.objects.active().filter(
            organisation=organisation, role=Membership.Role.ORG_ADMIN
        )
        people = [m.user for m in admins.select_related("user")]
    unique = {p.pk: p for p in people if p.email}
    return list(unique.values())


def _send(version: RoutineVersion) -> None:
    routine = version.routine
    organisation = routine.organisation
    url = settings.SITE_URL + reverse("routines:detail", args=[organisation.key, routine.key])
    ends = f"{version.valid_to:%Y-%m-%d}" if version.valid_to else ""
    for person in recipients(version):
        enqueue_message(
            kind="email",
            recipient=person.email,
            subject=f"Rutinen går ut {ends}: {routine.title}",
            body=(
                f"Hej {person.get_full_name()},\n\n"
                f"Rutinen ”{routine.title}” (version {version.document_version}) gäller t.o.m. "
                f"{ends}. Se över den och ladda upp en ny version med ett nytt slutdatum "
                f"innan dess:\n\n  {url}\n"
            ),
            dedupe_key=f"routines.expiry:{version.code}:{ends}:{person.code}",
            organisation=organisation,
            source="routines.expiry",
            reference=version,
        )


def remind_one() -> bool:
    """Send one due expiry reminder; True if one was due."""
    return claim_expiry_reminder(_send)
