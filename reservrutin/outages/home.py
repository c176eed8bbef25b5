"""The outage sections of the signed-in home page ("what is down for me now").

Registered on ``accounts.hooks.home_sections`` in ``OutagesConfig.ready()``. Reads only:
the outages come from ``queries.current_for_user``, what my role does from the routine's
role view (``routines.presenting.for_role``) for the outage's scenario, and my open tasks
from ``queries.task_board``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reservrutin.accounts.hooks import ORDER_OUTAGES, ORDER_TASKS, HomeSection
from reservrutin.accounts.models import User
from reservrutin.outages import queries, scope
from reservrutin.outages.models import Outage, Task
from reservrutin.routines import presenting


@dataclass
class RoleNow:
    """What one of my roles does now in an outage: the steps of the outage's scenario and
    the standing instructions, with a link to the routine's whole role view."""

    role: str
    label: str
    steps: list[dict[str, Any]] = field(default_factory=list)
    instructions: list[str] = field(default_factory=list)
    routine_org: str = ""
    routine_key: str = ""


@dataclass
class OutageNow:
    outage: Outage
    roles: list[RoleNow]
    tasks: list[Task]
    units: list[str]


def _roles_now(outage: Outage, user: User) -> list[RoleNow]:
    version = outage.routine_version
    if version is None:
        return []
    refs = queries.my_role_refs(user, outage.organisation, scope.duty_units(outage))
    mine = {r.role_key for r in refs if r.organisation_key in ("", outage.organisation.key)}
    if not mine:
        return []
    page = presenting.build_page(version)
    routine = version.routine
    found = []
    for role in sorted(mine):
        view = presenting.for_role(page, role)
        scenario = next((s for s in view["scenarios"] if s["key"] == outage.scenario_key), None)
        steps = scenario["steps"] if scenario else []
        instructions = [
            text
            for item in (scenario["instructions"] if scenario else []) + view["instructions"]
            for text in item["instructions"]
        ]
        if steps or instructions:
            found.append(
                RoleNow(
                    role=role,
                    label=view["role_label"],
                    steps=steps,
                    instructions=instructions,
                    routine_org=routine.organisation.key,
                    routine_key=routine.key,
                )
            )
    return found


def current(user: User) -> list[OutageNow]:
    """The open outages that concern ``user``, each with my roles' part and my open tasks."""
    found = []
    for outage in queries.current_for_user(user):
        board = queries.task_board(outage, user, mine_only=True)
        tasks = [t for group in board for t in group.tasks if t.mine and t.is_open]
        found.append(
            OutageNow(
                outage=outage,
                roles=_roles_now(outage, user),
                tasks=tasks,
                units=scope.scope_text(outage)["units"],
            )
        )
    return found


def sections(user: User) -> list[HomeSection]:
    outages = current(user)
    tasks = [(o.outage, t) for o in outages for t in o.tasks]
    return [
        HomeSection(ORDER_OUTAGES, "outages/_home_outages.html", {"outages": outages}),
        HomeSection(ORDER_TASKS, "outages/_home_tasks.html", {"tasks": tasks}),
    ]
