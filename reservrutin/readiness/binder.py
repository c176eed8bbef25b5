"""The downtime binder (driftstoppspärm): one PDF per unit with everything the unit needs on
paper when the systems are down (SOD-14, TES-04, SP-10).

Its content is gathered as plain data first; the SHA-256 of that data decides whether the
binder changed, and every change gets a new ``Binder`` version, so the unit page can say
whether the copy on the shelf is older than the current one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from reservrutin.accounts.models import Unit, User
from reservrutin.audit.actions import record_event
from reservrutin.lib import clock
from reservrutin.readiness.models import Binder, BinderPrint, ReadinessItem
from reservrutin.registry.models import ContactPoint
from reservrutin.registry.queries import directory
from reservrutin.routines import presenting
from reservrutin.routines.models import RoutineVersion


def _hours(point: ContactPoint) -> list[str]:
    if point.schedule is None:
        return []
    return [str(rule) for rule in point.schedule.rules.all()]


def _record_types(document: Any) -> list[str]:
    """Every record type the routine uses, in order of first mention."""
    keys = [r.type for r in document.record_types]
    for backup in document.backup_routines:
        keys.extend(backup.record_types)
    return list(dict.fromkeys(keys))


def binder_content(unit: Unit) -> dict[str, Any]:
    """What goes in ``unit``'s binder, as JSON-able data without the time of printing (so
    that the hash changes only when the content does)."""
    organisation = unit.organisation
    versions = (
        RoutineVersion.objects.filter(routine__organisation=organisation, in_force=True)
        .select_related("routine")
        .order_by("routine__title")
    )
    routines = []
    for v in versions:
        document = v.document()
        routines.append(
            {
                "id": v.pk,
                "key": v.routine.key,
                "title": document.title,
                "number": v.number,
                "document_version": v.document_version,
                "sha256": v.sha256,
                "record_types": _record_types(document),
            }
        )
    points = (
        ContactPoint.objects.filter(organisation=organisation)
        .select_related("schedule")
        .prefetch_related("schedule__rules")
        .order_by("name")
    )
    items = ReadinessItem.objects.filter(unit=unit, active=True).order_by("routine_id", "id")
    return {
        "organisation": organisation.name,
        "unit": unit.name,
        "routines": routines,
        "local_items": [
            {"text": i.text, "recurrence": i.recurrence, "responsible": i.responsible_role_key}
            for i in items
            if i.is_local
        ],
        "contact_points": [
            {
                "name": p.name,
                "kind": p.kind,
                "phone": p.phone,
                "email": p.email,
                "url": p.url,
                "note": p.note,
                "hours": _hours(p),
            }
            for p in points
        ],
        "directory": _directory_rows(unit),
        "checklist": [
            {
                "text": i.text,
                "recurrence": i.recurrence,
                "responsible": i.responsible_role_key,
                "person": i.responsible_person.get_full_name() if i.responsible_person else "",
            }
            for i in items.select_related("responsible_person")
        ],
    }


def _directory_rows(unit: Unit) -> list[dict[str, Any]]:
    # The directory's open/closed flags depend on the moment; only the numbers go in.
    data = directory(unit.organisation, at=clock.now())
    rows = []
    for group in data["groups"]:
        for now in group["points"]:
            p = now.point
            rows.append(
                {"organisation": group["organisation"].name, "name": p.name, "phone": p.phone}
            )
        for u in group["units"]:
            rows.append(
                {"organisation": group["organisation"].name, "name": u.name, "phone": u.phone}
            )
    return rows


def content_hash(content: dict[str, Any]) -> str:
    return hashlib.sha256(
        json.dumps(content, sort_keys=True, ensure_ascii=False).encode("utf-8")
    ).hexdigest()


def current_binder(unit: Unit) -> Binder:
    """The binder version matching ``unit``'s content now: the latest one if nothing
    changed, otherwise a new version (numbered one up)."""
    digest = content_hash(binder_content(unit))
    with transaction.atomic():
        # Serialise per unit so two requests cannot both add the same version number.
        Unit.objects.select_for_update().filter(pk=unit.pk).first()
        latest = Binder.objects.filter(unit=unit).order_by("-version").first()
        if latest is not None and latest.content_hash == digest:
            return latest
        return Binder.objects.create(
            unit=unit,
            version=(latest.version + 1) if latest else 1,
            content_hash=digest,
            created_at=clock.now(),
        )


def mark_printed(binder: Binder, *, by: User) -> BinderPrint:
    """Someone printed ``binder`` and put it on the shelf."""
    with transaction.atomic():
        printed = BinderPrint.objects.create(binder=binder, printed_at=clock.now(), printed_by=by)
        record_event(
            "readiness.binder_printed",
            actor=by,
            obj=binder,
            organisation=binder.unit.organisation,
            unit=binder.unit.key,
            version=binder.version,
        )
    return printed


@dataclass
class BinderStatus:
    """The current binder and the one last printed, if any."""

    current: Binder
    printed: BinderPrint | None

    @property
    def printed_is_outdated(self) -> bool:
        return self.printed is None or self.printed.binder.version < self.current.version


def binder_status(unit: Unit) -> BinderStatus:
    current = current_binder(unit)
    printed = (
        BinderPrint.objects.filter(binder__unit=unit)
        .select_related("binder", "printed_by")
        .order_by("-printed_at", "-id")
        .first()
    )
    return BinderStatus(current=current, printed=printed)


def render_binder_pdf(unit: Unit, binder: Binder, *, at: dt.datetime | None = None) -> bytes:
    """The binder as PDF bytes (WeasyPrint), dated and with its version on every page."""
    from reservrutin.printouts.pdf import css_string, html_to_pdf

    at = at or clock.now()
    content = binder_content(unit)
    versions = RoutineVersion.objects.filter(
        pk__in=[r["id"] for r in content["routines"]]
    ).select_related("routine__organisation")
    bodies = []
    for v in sorted(versions, key=lambda v: v.routine.title):
        page = presenting.build_page(v, at=at)
        bodies.append(
            {
                "page": page,
                "meta": mark_safe(render_to_string("routines/_meta.html", page)),
                "body": mark_safe(render_to_string("routines/_routine_body.html", page)),
                "forms": [presenting.RECORD_TYPES[t] for t in _record_types(page["doc"])],
            }
        )
    printed = clock.local(at).strftime("%Y-%m-%d %H:%M")
    margins = {
        "top_left": css_string(f"{unit.organisation.name} – {unit.name}"),
        "top_right": css_string(f"Driftstoppspärm version {binder.version}"),
        "bottom_left": css_string(f"Utskriven {printed}"),
    }
    html = render_to_string(
        "readiness/binder_pdf.html",
        {
            "unit": unit,
            "organisation": unit.organisation,
            "binder": binder,
            "content": content,
            "routines": bodies,
            "items": ReadinessItem.objects.filter(unit=unit, active=True)
            .select_related("responsible_person")
            .order_by("routine_id", "id"),
            "printed": printed,
            "margins": margins,
            "directory": directory(unit.organisation, at=at),
        },
    )
    return html_to_pdf(html)
