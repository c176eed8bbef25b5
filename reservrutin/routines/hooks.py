"""What the routines app asks of apps above it (see ``lib/hooks.py``)."""

from __future__ import annotations

from reservrutin.lib.hooks import Hook

#: Called with the ``RoutineVersion`` that came into force, inside ``approve_version``'s
#: transaction. ``readiness`` registers: SOD-14's "on a new routine version" items fall due.
version_in_force = Hook(
    "routines.version_in_force",
    doc="A routine version came into force (called inside the approving transaction).",
)
