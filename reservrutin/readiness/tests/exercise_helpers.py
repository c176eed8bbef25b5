"""A routine for exercise tests: a scenario with a notification, a task and a 4-hour timer
that publishes driftinfo and creates a task."""

from __future__ import annotations

from reservrutin.accounts.models import Organisation, User
from reservrutin.registry.models import Role, RoleAssignment
from reservrutin.routines.actions import approve_version, import_routine

ROUTINE = """\
schema: reservrutin/routine/v1
key: rutin-ovning
title: Rutin för övning
organisation: org-a
version: "1"
systems: [system-a]
roles:
  - key: enhetschef
    title: Enhetschef
scenarios:
  - key: nere
    title: System A nere för alla
    scope: system_unreachable_for_all
    # The routine's holding line, so no publish reminder competes with the timer below.
    public: {show: holding_line}
    steps:
      - kind: notify
        what: Meddela enhetschefen att System A är nere.
        notify_roles: [enhetschef]
      - kind: task
        who: enhetschef
        what: Ta fram driftstoppspärmen.
        due: immediately
    timers:
      - key: reservrutin-4h
        after: 4h
        actions:
          - publish_notice: reservrutin-galler
          - create_tasks:
              - who: enhetschef
                what: Gå över till pappersjournal.
                due: immediately
templates:
  - key: reservrutin-galler
    kind: notice
    title: Reservrutin gäller
    text: Reservrutinen för System A gäller.
"""


def make_exercise_routine(organisation: Organisation, holders: list[User]) -> Role:
    role, _ = Role.objects.get_or_create(
        organisation=organisation, key="enhetschef", defaults={"name": "Enhetschef"}
    )
    for n, user in enumerate(holders, 1):
        RoleAssignment.objects.create(role=role, user=user, order=n)
    imported = import_routine(ROUTINE, filename="rutin-ovning.yaml", by=None)
    approve_version(imported.version, by=None)
    return role
