"""Every worker loop the project has: name → dotted path of its step function.

A step function takes no arguments, does at most one unit of work and returns True if it
found work (so the loop calls it again at once) or False (so the loop may idle). Each app
that owns a queue adds one line here; ``tests/test_loops.py`` checks every path imports.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.module_loading import import_string

from reservrutin.lib.logs import in_loop

LOOPS: dict[str, str] = {
    "sendoutbox": "reservrutin.notifications.worker.send_batch",
    "runtimers": "reservrutin.outages.worker.fire_one",
    "escalations": "reservrutin.outages.worker.escalate_one",
    "mirrorstatus": "reservrutin.statuspage.worker.mirror_one",
    "backregistration-reminders": "reservrutin.records.actions.remind_overdue",
    "plannedevents": "reservrutin.statuspage.worker.fire_planned_event",
    "remindreadiness": "reservrutin.readiness.worker.remind_overdue",
    "remindroutineexpiry": "reservrutin.workers.routine_expiry.remind_one",
}


def load(names: list[str] | None = None) -> dict[str, Callable[[], bool]]:
    chosen = names or list(LOOPS)
    unknown = [n for n in chosen if n not in LOOPS]
    if unknown:
        raise KeyError(f"unknown worker loop(s): {', '.join(unknown)}")
    # Each step logs with its loop name (lib/logs.py).
    return {name: in_loop(name, import_string(LOOPS[name])) for name in chosen}
