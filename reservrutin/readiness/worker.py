"""Worker step of the ``remindreadiness`` loop: tell the people responsible when a unit's
preparedness item is overdue."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse

from reservrutin.accounts.models import Membership, User
from reservrutin.lib import clock
from reservrutin.lib.claim import compare_and_set, lock
from reservrutin.notifications.actions import enqueue_message
from reservrutin.readiness.access import responsible_people
from reservrutin.readiness.models import ReadinessItem


def _recipients(item: ReadinessItem) -> list[User]:
    """The responsible people; when nobody is named, the unit's managers (who answer for
    the unit's local routine, SOD-09)."""
    people = responsible_people(item)
    if not people:
        managers = Membership.objects.active().filter(
            unit_id=item.unit_id, role=Membership.Role.UNIT_MANAGER
        )
        people = [m.user for m in managers.select_related("user")]
    return [p for p in people if p.email]


def remind_overdue() -> bool:
    """Send one overdue item's reminder; True if an item was found.

    The claim protocol of ``lib/claim.py`` without a lease (the claim and the work share
    one transaction):

    1. Find an active item whose deadline has passed and that has not been reminded since
       (``reminded_at`` before ``next_due_at``), via the ``readiness_item_due`` index,
       skipping rows another worker has locked on PostgreSQL.
    2. Claim it with a compare-and-set on ``reminded_at`` (and ``next_due_at``, so a tick
       in between wins): only the worker whose UPDATE changed one row goes on.
    3. In the same transaction, enqueue an e-mail per recipient with a dedupe key made of
       the item and its deadline, so a retry never sends the same reminder twice. The
       outbox worker delivers it; nothing leaves this process here.
    """
    now = clock.now()
    due = ReadinessItem.objects.filter(
        active=True, next_due_at__isnull=False, next_due_at__lte=now
    ).filter(Q(reminded_at__isnull=True) | Q(reminded_at__lt=F("next_due_at")))
    with transaction.atomic():
        item = lock(due, order=("next_due_at", "id"), of=("self",)).first()
        if item is None:
            return False
        if not compare_and_set(
            ReadinessItem.objects.filter(
                pk=item.pk, reminded_at=item.reminded_at, next_due_at=item.next_due_at
            ),
            reminded_at=now,
        ):
            return True
        unit = item.unit
        organisation = unit.organisation
        url = settings.SITE_URL + reverse("readiness:unit", args=[organisation.key, unit.key])
        deadline = clock.local(item.next_due_at).strftime("%Y-%m-%d %H:%M")
        for person in _recipients(item):
            enqueue_message(
                kind="email",
                recipient=person.email,
                subject=f"Beredskap att göra: {unit.name}",
                body=(
                    f"Hej {person.get_full_name()},\n\n"
                    f"En beredskapspunkt på {unit.name} skulle ha varit gjord senast "
                    f"{deadline}:\n\n  {item.text}\n\n"
                    f"Bocka av den när den är gjord: {url}\n"
                ),
                dedupe_key=(
                    f"readiness.remind:{item.code}:{item.next_due_at:%Y%m%dT%H%M%S}:{person.code}"
                ),
                organisation=organisation,
                source="readiness.remind",
                reference=item,
            )
    return True
