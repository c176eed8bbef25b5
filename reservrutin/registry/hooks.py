"""Hooks: what apps above ``registry`` add to its pages without ``registry`` importing them
(docs/architecture.md, "Hooks").

The organisation and system pages show each system's true state right now, from the open
outages, whatever the public page says. Outages sit above the registry, so ``outages``
registers :func:`register_state_source` at app ready (``OutagesConfig.ready``); without it
every system shows no state.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reservrutin.registry.models import System


@dataclass(frozen=True)
class OutageLink:
    title: str
    url: str


@dataclass(frozen=True)
class StateNow:
    """A system's state for staff: ``level`` is ``outage``, ``reported`` or ``planned``
    (the CSS class), ``label`` the words, ``outages`` what causes it."""

    level: str
    label: str
    outages: list[OutageLink] = field(default_factory=list)


StateSource = Callable[[Iterable["System"], dt.datetime], dict[int, StateNow]]

_source: StateSource | None = None


def register_state_source(source: StateSource) -> None:
    global _source
    _source = source


def states_now(systems: Iterable[System], at: dt.datetime) -> dict[int, StateNow]:
    """System id → its state now; systems that work are absent."""
    return _source(systems, at) if _source is not None else {}
