"""A small routine for the lifecycle tests (on the persona organisation of BaseTestCase):
two notify steps reaching the same person, a 4-hour timer that activates a backup routine
which brings another (``then_activate``), and TES-10-like resolution rules by duration."""

from __future__ import annotations

import itertools
from typing import Any

from reservrutin.accounts.models import Organisation, User
from reservrutin.outages import actions
from reservrutin.outages.models import Outage
from reservrutin.outages.tests.helpers import at
from reservrutin.registry.models import Role, RoleAssignment
from reservrutin.routines.actions import approve_version, import_routine
from reservrutin.test import BaseTestCase

_keys = itertools.count()

ROUTINE = """\
schema: reservrutin/routine/v1
key: rutin-livscykel
title: Rutin för livscykeln
organisation: org-a
version: "1"
systems: [system-a]
owner_role: systemansvarig
roles:
  - key: systemansvarig
    title: Systemansvarig
  - key: enhetschef
    title: Enhetschef
scenarios:
  - key: nere
    title: System A nere för alla
    scope: system_unreachable_for_all
    steps:
      - id: meddela
        kind: notify
        what: System A är nere.
        notify_roles: [systemansvarig]
      - id: meddela-fler
        kind: notify
        what: System A är nere, alla berörda meddelas.
        notify_roles: [systemansvarig, enhetschef]
      - id: parm
        kind: task
        who: enhetschef
        what: Ta fram driftstoppspärmen.
        due: same_day
    timers:
      - key: papper-4h
        after: 4h
        description: Efter 4 timmar.
        actions:
          - activate_backup_routine: papper
          - notify: [enhetschef, systemansvarig]
backup_routines:
  - key: papper
    title: Pappersrutin
    steps:
      - id: journal
        kind: task
        who: enhetschef
        what: Dokumentera på papper.
      - id: hjalp
        kind: task
        who: systemansvarig
        what: Hjälp enheterna.
    then_activate: telefon
  - key: telefon
    title: Telefonrutin
    steps:
      - id: ring
        kind: task
        who: enhetschef
        what: Ring in beställningar.
resolution:
  - title: Upp till 10 timmar
    max_duration: 10h
    tasks:
      - {who: enhetschef, what: Var och en efterregistrerar., due: next_day}
  - title: Längre än 10 timmar
    min_duration: 10h
    tasks:
      - {who: enhetschef, what: Förvaltningen bestämmer hur.}
"""


def make_lifecycle_routine(organisation: Organisation, *, owner: User, manager: User) -> None:
    """Import and approve the routine; ``owner`` holds systemansvarig, ``manager``
    enhetschef (both always on duty)."""
    for key, name, holder in (
        ("systemansvarig", "Systemansvarig", owner),
        ("enhetschef", "Enhetschef", manager),
    ):
        role, _ = Role.objects.get_or_create(
            organisation=organisation, key=key, defaults={"name": name}
        )
        RoleAssignment.objects.create(role=role, user=holder, order=1)
    imported = import_routine(ROUTINE, filename="rutin-livscykel.yaml", by=None)
    approve_version(imported.version, by=None)


def report_system_a(case: BaseTestCase, **extra: Any) -> Outage:
    """Alice reports System A unreachable for everyone; the outage it joined or opened."""
    return actions.submit_report(
        case.org_a,
        systems=[case.system_a],
        fault_type="unreachable",
        extent="everyone",
        idempotency_key=f"lifecycle-{next(_keys)}",
        reporter=case.alice,
        **extra,
    ).outage


class LifecycleCase(BaseTestCase):
    """The persona organisations with the lifecycle routine in force: Adam holds
    systemansvarig, Maria enhetschef."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        with at(6):
            make_lifecycle_routine(cls.org_a, owner=cls.adam, manager=cls.maria)

    def report(self, **extra: Any) -> Outage:
        return report_system_a(self, **extra)
