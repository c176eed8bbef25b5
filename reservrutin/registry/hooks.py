"""What the registry asks of apps above it (see ``lib/hooks.py``).

The organisation and system pages show each system's true state right now, from the open
outages, whatever the public page says. Outages sit above the registry, so ``outages``
registers with :data:`system_states` at app ready (``OutagesConfig.ready``); without it
every system shows no state.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from reservrutin.lib.hooks import Hook

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


#: ``(systems, at) -> dict[system id, StateNow]``: the true state of each of ``systems``
#: at ``at``; systems that work are absent. ``outages`` registers.
system_states = Hook(
    "registry.system_states",
    doc="Each system's true state now, from the open outages.",
)


def states_now(systems: Iterable[System], at: dt.datetime) -> dict[int, StateNow]:
    """System id → its state now; systems that work are absent."""
    systems = list(systems)
    found: dict[int, StateNow] = {}
    for answer in system_states.call_all(systems, at):
        found.update(answer)
    return found
