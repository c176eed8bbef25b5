"""Every change to a unit's readiness: keeping checklists in step with the routines in force,
ticking items, local additions (TES-03). Binder and exercise actions live in ``binder.py``
and ``exercises.py``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction

from reservrutin.accounts.models import Organisation, Unit, User
from reservrutin.audit.actions import record_event
from reservrutin.lib import clock
from reservrutin.readiness import access
from reservrutin.readiness.models import ReadinessCheck, ReadinessItem
from reservrutin.readiness.schedule import next_due
from reservrutin.routines.models import RoutineVersion

Recurrence = ReadinessItem.Recurrence


def _versions_in_force(organisation: Organisation) -> list[tuple[RoutineVersion, object]]:
    versions = RoutineVersion.objects.filter(
        routine__organisation=organisation, in_force=True
    ).select_related("routine")
    return [(v, v.document()) for v in versions.order_by("routine__key")]


def _applies(units: object, unit: Unit) -> bool:
    return units == "all" or (isinstance(units, list) and unit.key in units)


def _sync(unit: Unit, versions: list[tuple[RoutineVersion, object]], now: dt.datetime) -> None:
    # Lock the unit so two syncs cannot both create the same item (the unique constraint
    # would stop the second one, but with an error instead of a no-op).
    Unit.objects.select_for_update().filter(pk=unit.pk).first()
    existing = {
        (i.routine_id, i.item_key): i
        for i in ReadinessItem.objects.filter(unit=unit, routine__isnull=False)
    }
    seen: set[int] = set()
    for version, document in versions:
        for p in document.preparedness:  # type: ignore[attr-defined]
            if not _applies(p.units, unit):
                continue
            item = existing.get((version.routine_id, p.key))
            if item is None:
                item = ReadinessItem.objects.create(
                    unit=unit,
                    routine=version.routine,
                    routine_version=version,
                    item_key=p.key,
                    text=p.text,
                    responsible_role_key=p.responsible or "",
                    recurrence=p.recurrence,
                    # Nobody has confirmed it yet, so it is due at once.
                    next_due_at=now,
                    created_at=now,
                )
                seen.add(item.pk)
                continue
            seen.add(item.pk)
            changed: list[str] = []
            wanted = {
                "routine_version_id": version.pk,
                "text": p.text,
                "responsible_role_key": p.responsible or "",
                "recurrence": p.recurrence,
                "active": True,
            }
            for name, value in wanted.items():
                if getattr(item, name) != value:
                    setattr(item, name, value)
                    changed.append(name.removesuffix("_id"))
            if "recurrence" in changed or ("active" in changed and item.next_due_at is None):
                item.next_due_at = (
                    next_due(item.recurrence, item.last_done_at) if item.last_done_at else now
                )
                changed.append("next_due_at")
            if changed:
                item.save(update_fields=changed)
    # Items the routines in force no longer list stop counting (kept for their history).
    ReadinessItem.objects.filter(unit=unit, routine__isnull=False, active=True).exclude(
        pk__in=seen
    ).update(active=False)


def sync_unit_checklist(unit: Unit) -> list[ReadinessItem]:
    """Make ``unit``'s checklist match the preparedness items of every routine in force in
    its organisation (respecting each item's ``units``). Idempotent: running it again with
    nothing changed writes nothing. Local items are left alone."""
    now = clock.now()
    with transaction.atomic():
        _sync(unit, _versions_in_force(unit.organisation), now)
    return list(ReadinessItem.objects.filter(unit=unit, active=True))


def sync_organisation(organisation: Organisation) -> None:
    """:func:`sync_unit_checklist` for every unit of ``organisation``, reading each routine
    document once."""
    now = clock.now()
    with transaction.atomic():
        versions = _versions_in_force(organisation)
        for unit in organisation.units.all():
            _sync(unit, versions, now)


def on_routine_version_in_force(version: RoutineVersion) -> None:
    """A newer version of a routine came into force (called by
    ``routines.actions.approve_version`` inside its transaction).

    SOD-14: a current version of the routine is always on paper, so the items that recur
    "on a new routine version" (print the routine, know the local routine) become due at
    once in every unit, and the reminder worker will tell the people responsible.
    """
    now = clock.now()
    organisation = version.routine.organisation
    with transaction.atomic():
        sync_organisation(organisation)
        count = ReadinessItem.objects.filter(
            routine_id=version.routine_id,
            recurrence=Recurrence.ON_NEW_ROUTINE_VERSION,
            active=True,
        ).update(next_due_at=now)
        record_event(
            "readiness.new_routine_version",
            actor=None,
            obj=version,
            organisation=organisation,
            routine=version.routine.key,
            number=version.number,
            items_due=count,
        )


def tick_item(
    item: ReadinessItem, *, by: User, note: str = "", found_missing: bool = False
) -> ReadinessCheck:
    """Record that ``item`` was checked at the server's time.

    Done: the item is current until its next deadline (:func:`schedule.next_due`). Found
    missing: the check is recorded (an exercise report lists it) and the item is due now.
    Only the unit's manager, the responsible people and organisation admins may tick.
    """
    if not access.can_tick(by, item):
        raise PermissionDenied("Bara enhetschefen, den ansvarige eller en administratör.")
    now = clock.now()
    with transaction.atomic():
        item = ReadinessItem.objects.select_for_update().get(pk=item.pk)
        check = ReadinessCheck.objects.create(
            item=item, done_at=now, done_by=by, note=note.strip(), found_missing=found_missing
        )
        if found_missing:
            item.next_due_at = now
            item.save(update_fields=["next_due_at"])
        else:
            item.last_done_at = now
            item.last_done_by = by
            item.next_due_at = next_due(item.recurrence, now)
            fields = ["last_done_at", "last_done_by", "next_due_at"]
            if note.strip():
                item.note = note.strip()
                fields.append("note")
            item.save(update_fields=fields)
        record_event(
            "readiness.tick",
            actor=by,
            obj=item,
            organisation=item.unit.organisation,
            unit=item.unit.key,
            found_missing=found_missing,
        )
    return check


def add_local_item(
    unit: Unit,
    *,
    by: User,
    text: str,
    recurrence: str,
    responsible: str = "",
    responsible_person: User | None = None,
) -> ReadinessItem:
    """Add the unit's own preparedness item (TES-03: each provider has a local routine that
    follows the central one). Unit managers and organisation admins only."""
    if not access.can_manage_unit(by, unit):
        raise PermissionDenied("Bara enhetschefen eller en administratör.")
    if recurrence not in Recurrence.values:
        raise ValueError(f"unknown recurrence {recurrence!r}")
    now = clock.now()
    with transaction.atomic():
        item = ReadinessItem.objects.create(
            unit=unit,
            text=text.strip(),
            recurrence=recurrence,
            responsible_role_key=responsible.strip(),
            responsible_person=responsible_person,
            next_due_at=now,
            created_at=now,
            created_by=by,
        )
        record_event(
            "readiness.add_local_item",
            actor=by,
            obj=item,
            organisation=unit.organisation,
            unit=unit.key,
        )
    return item


@dataclass
class UnitScore:
    """A unit's readiness: how many active items are current (not overdue)."""

    unit: Unit
    total: int
    current: int
    worst: list[ReadinessItem]

    @property
    def share(self) -> float:
        return self.current / self.total if self.total else 1.0

    @property
    def percent(self) -> int:
        return round(self.share * 100)


def unit_scores(units: list[Unit], now: dt.datetime, *, worst: int = 3) -> list[UnitScore]:
    """The readiness score of each unit, with its ``worst`` most overdue items (oldest
    deadline first), from two queries whatever the number of units."""
    ids = [u.pk for u in units]
    totals: dict[int, int] = {}
    for unit_id in (
        ReadinessItem.objects.active()
        .filter(unit_id__in=ids)
        .order_by()
        .values_list("unit_id", flat=True)
    ):
        totals[unit_id] = totals.get(unit_id, 0) + 1
    overdue: dict[int, list[ReadinessItem]] = {}
    for item in (
        ReadinessItem.objects.overdue(now).filter(unit_id__in=ids).order_by("next_due_at", "id")
    ):
        overdue.setdefault(item.unit_id, []).append(item)
    return [
        UnitScore(
            unit=u,
            total=totals.get(u.pk, 0),
            current=totals.get(u.pk, 0) - len(overdue.get(u.pk, [])),
            worst=overdue.get(u.pk, [])[:worst],
        )
        for u in units
    ]
