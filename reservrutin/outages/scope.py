"""Which units and system parts an outage concerns, and what a report's answers mean.

Read-only rules (docs/outages.md, "Scope"):

- ``is_single_device``: a report about the reporter's own device opens no outage;
- ``report_units``: the units a report's extent limits an outage to;
- ``suggest_scenario``: the scenario the routine's ``suggest_when`` picks from the answers;
- ``part_states``: the state of each system part an outage (or a notice) concerns;
- ``duty_units``: the units whose role holders an outage of limited scope reaches.

The writes are in ``actions.reports`` (a new report) and ``actions.scope`` (a report added
to later, the coordinator's scope).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from reservrutin.accounts.models import Organisation, Unit
from reservrutin.outages import routing
from reservrutin.outages.models import Outage, Report
from reservrutin.registry.models import ContactPoint, System, SystemPart
from reservrutin.routines import schema

#: Extents that say more than one unit has the problem: the outage is not limited to units.
WIDE_EXTENTS = {Report.Extent.SEVERAL_UNITS, Report.Extent.EVERYONE}
#: A part that is down: internal pages say "Avbrott"; the public page gives it the severity
#: of the notice that names it.
DOWN = "down"
#: A part that still works in a limited way while it is down (``SystemPart.when_down``).
AFFECTED = "affected"

DEFAULT_DEVICE_ADVICE = (
    "Det verkar vara fel på din dator, mobil eller surfplatta, inte på systemet. "
    "Starta om enheten och försök igen. Prova att logga in på en annan enhet. "
    "Fungerar det ändå inte: kontakta användarstödet."
)


def _answer(self_check: list[dict[str, str]], question: str) -> str:
    for item in self_check:
        if item.get("question") == question:
            return item.get("answer", "")
    return ""


def _answered(
    doc: schema.Routine | None,
    self_check: list[dict[str, str]],
    wanted: schema.SelfCheckAnswer,
) -> bool:
    """Whether the report answered question ``wanted.question`` (its number in the routine's
    ``reporting.self_check``) with ``wanted.answer``. Answers are matched by the question's
    text, as the report stores them."""
    questions = doc.reporting.self_check if doc is not None and doc.reporting else []
    if not 1 <= wanted.question <= len(questions):
        return False
    return _answer(self_check, questions[wanted.question - 1]) == wanted.answer


def is_single_device(
    doc: schema.Routine | None, *, fault_type: str, extent: str, self_check: list[dict[str, str]]
) -> bool:
    """A report about the reporter's own computer, phone or tablet (SOD-11), which opens no
    outage. The rule:

    1. fault type "device" with extent "only me" or "do not know"; or
    2. extent "only me" and one of the routine's ``reporting.device.self_check`` answers
       among the report's answers (SOD-11: "it works on another device" → it is the device).

    Any other extent says others have the problem too: that is an outage.
    """
    if fault_type == Report.FaultType.DEVICE and extent in (
        Report.Extent.ONLY_ME,
        Report.Extent.UNKNOWN,
    ):
        return True
    if extent != Report.Extent.ONLY_ME or doc is None or doc.reporting is None:
        return False
    device = doc.reporting.device
    return device is not None and any(_answered(doc, self_check, a) for a in device.self_check)


@dataclass
class DeviceAdvice:
    """What a reporter with a one-device problem should try, and where to turn now."""

    advice: str
    point: ContactPoint | None
    note: str = ""


def device_advice(
    organisation: Organisation, doc: schema.Routine | None, at: dt.datetime
) -> DeviceAdvice:
    """The routine's advice for one-device reports and the contact point open at ``at``:
    the routine's ``reporting.device.contact_points``, else its ``reporting.contact_points``,
    else the organisation's user support (or what answers in its place), else its service
    desk."""
    reporting = doc.reporting if doc is not None else None
    device = reporting.device if reporting is not None else None
    advice = (device.advice if device and device.advice else "") or DEFAULT_DEVICE_ADVICE
    choices = (device.contact_points if device else []) or (
        reporting.contact_points if reporting else []
    )
    point, choice = (
        routing.choose_contact_point(organisation, choices, at) if choices else (None, None)
    )
    if point is None:
        for kind in (ContactPoint.Kind.USER_SUPPORT, ContactPoint.Kind.SERVICE_DESK):
            candidate = (
                ContactPoint.objects.filter(organisation=organisation, kind=kind)
                .select_related("schedule", "instead")
                .order_by("name")
                .first()
            )
            point = candidate.answering(at) if candidate is not None else None
            if point is not None:
                break
    return DeviceAdvice(advice, point, (choice.note or "") if choice else "")


def report_units(extent: str, unit: Unit | None) -> list[Unit] | None:
    """The units a report limits its outage to; None: the whole organisation.

    "Only me", "my unit" and "do not know" limit it to the reporter's unit; "the whole
    workplace" to the site the unit sits at (the unit above it in the tree, or the unit
    itself at the top); "several units" and "everyone" do not limit it. Without a unit
    (nobody said which), the whole organisation.
    """
    if unit is None or extent in WIDE_EXTENTS:
        return None
    if extent == Report.Extent.MY_SITE:
        return [unit.parent or unit]
    return [unit]


def suggest_scenario(
    doc: schema.Routine | None,
    systems: Iterable[System],
    *,
    part: SystemPart | None,
    extent: str,
    self_check: list[dict[str, str]],
) -> schema.Scenario | None:
    """The first scenario for ``systems`` whose ``suggest_when`` the answers match: the part
    is among its ``parts``, the extent among its ``extent`` and every one of its
    ``self_check`` answers was given (each list only when the routine writes it)."""
    for item in routing.scenarios_for(doc, systems):
        rule = item.suggest_when
        if rule is None:
            continue
        if rule.parts and (part is None or part.key not in rule.parts):
            continue
        if rule.extent and extent not in rule.extent:
            continue
        if not all(_answered(doc, self_check, a) for a in rule.self_check):
            continue
        return item
    return None


@dataclass
class PartState:
    """One system part with trouble: ``state`` is ``down`` or ``affected`` (it works in a
    limited way, ``note`` says how: "fungerar offline cirka 8 timmar")."""

    system: str
    system_name: str
    part: str
    name: str
    state: str
    note: str = ""

    def as_json(self) -> dict[str, str]:
        return {
            "system": self.system,
            "system_name": self.system_name,
            "part": self.part,
            "name": self.name,
            "state": self.state,
            "note": self.note,
        }


def part_states(
    systems: Iterable[System], named: Iterable[SystemPart], parts: Iterable[SystemPart], state: str
) -> list[PartState]:
    """The parts of ``systems`` with trouble, given the parts an outage names.

    A system with named parts has trouble in those only (its other parts work); a system
    with none named has trouble in every part. A part in trouble has ``state``, unless the
    registry says what it still does when down (``when_down``): then it is ``affected``
    with that note ("Lifecare HSL: Avbrott · LMO-appen: fungerar offline").
    ``parts`` are all parts of ``systems`` (passed in so callers read them once).
    """
    named_ids = {p.pk for p in named}
    by_system: dict[int, list[SystemPart]] = {}
    for part in parts:
        by_system.setdefault(part.system_id, []).append(part)
    found: list[PartState] = []
    for system in sorted(systems, key=lambda s: s.name):
        own = sorted(by_system.get(system.pk, []), key=lambda p: p.name)
        restricted = any(p.pk in named_ids for p in own)
        for part in own:
            if restricted and part.pk not in named_ids:
                continue
            down = not part.when_down
            found.append(
                PartState(
                    system=system.key,
                    system_name=system.name,
                    part=part.key,
                    name=part.name,
                    state=state if down else AFFECTED,
                    note="" if down else part.when_down,
                )
            )
    return found


def outage_part_states(outage: Outage, state: str = DOWN) -> list[PartState]:
    """``part_states`` of an outage (two queries)."""
    systems = list(outage.systems.all())
    parts = list(SystemPart.objects.filter(system__in=systems))
    return part_states(systems, outage.parts.all(), parts, state)


def unit_tree(organisation_id: int) -> dict[int, int | None]:
    """Every unit of the organisation → its parent (one query)."""
    return dict(Unit.objects.filter(organisation_id=organisation_id).values_list("pk", "parent_id"))


def covered_units(
    tree: dict[int, int | None], unit_ids: Iterable[int], *, up: bool = True
) -> set[int]:
    """``unit_ids``, the units under them (an outage at a site is an outage at each unit
    there) and, with ``up``, the units above them (a manager of the site answers for its
    units)."""
    chosen = set(unit_ids)
    found = set(chosen)
    for pk in chosen if up else ():
        seen: set[int] = set()
        node = tree.get(pk)
        while node is not None and node not in seen:
            found.add(node)
            seen.add(node)
            node = tree.get(node)
    children: dict[int, list[int]] = {}
    for pk, parent in tree.items():
        if parent is not None:
            children.setdefault(parent, []).append(pk)
    stack = list(chosen)
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def duty_units(outage: Outage) -> set[int] | None:
    """The units whose role holders an outage reaches; None: every unit (the outage is not
    limited). Role holders for the whole organisation are always reached."""
    unit_ids = list(outage.units.values_list("pk", flat=True))
    if not unit_ids:
        return None
    return covered_units(unit_tree(outage.organisation_id), unit_ids)


def scope_text(outage: Outage) -> dict[str, Any]:
    """The outage's units and parts for pages: names only."""
    return {
        "units": [u.name for u in outage.units.order_by("name")],
        "parts": [str(p) for p in outage.parts.select_related("system").order_by("name")],
    }
