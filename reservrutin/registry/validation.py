"""Validation of registry input that spans several rows: opening hours that overlap or run
backwards, dependency cycles. Forms and the admin call these; they return messages, never
raise a database error."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from reservrutin.accounts.models import Unit
from reservrutin.registry.models import Dependency, OpeningHours, System

_WEEKDAYS = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}


@dataclass(frozen=True)
class Span:
    days: str
    opens: dt.time
    closes: dt.time | None

    def start(self) -> int:
        return self.opens.hour * 60 + self.opens.minute

    def end(self) -> int:
        return 24 * 60 if self.closes is None else self.closes.hour * 60 + self.closes.minute


def _days_can_meet(a: str, b: str) -> bool:
    """Whether two day kinds can fall on the same date."""
    if a == b or "every_day" in (a, b):
        return True
    kinds = {a, b}
    if kinds == {"workdays", "non_workdays"}:
        return False
    if kinds <= _WEEKDAYS:
        return False  # two different weekdays
    weekday = (kinds & _WEEKDAYS or {""}).pop()
    other = (kinds - {weekday}).pop() if weekday else ""
    return not (other == "workdays" and weekday in {"sat", "sun"})


def opening_hours_errors(spans: Iterable[Span]) -> list[str]:
    """Messages for spans that end before they start or overlap another span."""
    spans = list(spans)
    errors: list[str] = []
    labels = dict(OpeningHours.Days.choices)
    for span in spans:
        if span.end() <= span.start():
            errors.append(
                _(
                    "%(days)s: stängningstiden %(closes)s är före eller samma som öppningstiden "
                    "%(opens)s. Dela upp tider över midnatt i två rader (t.ex. 16:00–24:00 och "
                    "00:00–08:00)."
                )
                % {
                    "days": labels.get(span.days, span.days),
                    "opens": span.opens.strftime("%H:%M"),
                    "closes": span.closes.strftime("%H:%M") if span.closes else "24:00",
                }
            )
    valid = [s for s in spans if s.end() > s.start()]
    for i, a in enumerate(valid):
        for b in valid[i + 1 :]:
            if _days_can_meet(a.days, b.days) and a.start() < b.end() and b.start() < a.end():
                errors.append(
                    _("Tiderna överlappar: %(a)s och %(b)s.")
                    % {"a": _describe(a, labels), "b": _describe(b, labels)}
                )
    return errors


def _describe(span: Span, labels: dict[str, str]) -> str:
    closes = span.closes.strftime("%H:%M") if span.closes else "24:00"
    return f"{labels.get(span.days, span.days)} {span.opens:%H:%M}–{closes}"


def dependency_cycle(system: System, depends_on: System) -> list[System] | None:
    """The existing path from ``depends_on`` back to ``system`` that a new dependency
    ``system → depends_on`` would close into a cycle, or None."""
    if system.pk == depends_on.pk:
        return [system]
    edges: dict[int, list[int]] = {}
    for a, b in Dependency.objects.values_list("system_id", "depends_on_id"):
        edges.setdefault(a, []).append(b)
    parent: dict[int, int | None] = {depends_on.pk: None}
    frontier = [depends_on.pk]
    while frontier:
        node = frontier.pop(0)
        if node == system.pk:
            path = []
            step: int | None = node
            while step is not None:
                path.append(step)
                step = parent[step]
            systems = System.objects.in_bulk(path)
            return [systems[pk] for pk in reversed(path)]
        for nxt in edges.get(node, []):
            if nxt not in parent:
                parent[nxt] = node
                frontier.append(nxt)
    return None


def dependency_cycle_message(system: System, depends_on: System) -> str | None:
    path = dependency_cycle(system, depends_on)
    if path is None:
        return None
    chain = " → ".join(s.name for s in [system, *path])
    return _("Beroendet skulle ge en cirkel: %(chain)s.") % {"chain": chain}


def unit_system_error(unit: Unit, system: System) -> str | None:
    """Why ``unit`` cannot be linked to ``system``, or None.

    Only the unit's own organisation's systems: a unit's subscription belongs to that
    organisation and hears only its notices, so a partner's system would be linked in vain.
    """
    if system.organisation_id != unit.organisation_id:
        return _(
            "%(system)s tillhör %(owner)s. En enhet kan bara kopplas till system i sin egen "
            "organisation (%(organisation)s)."
        ) % {
            "system": system.name,
            "owner": system.organisation.name,
            "organisation": unit.organisation.name,
        }
    return None
