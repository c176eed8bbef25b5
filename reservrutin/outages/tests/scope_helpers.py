"""Set-up for the scope tests: a small routine for the persona organisation A with parts,
self-check questions, a one-device rule, suggested scenarios and a notify step, and role
holders for two units."""

from __future__ import annotations

from typing import Any

from reservrutin.accounts.models import Organisation
from reservrutin.outages import actions
from reservrutin.registry.models import ContactPoint, Role, RoleAssignment, System, SystemPart
from reservrutin.routines.actions import approve_version, import_routine
from reservrutin.routines.models import RoutineVersion
from reservrutin.test import make_user

ROUTINE = """\
schema: reservrutin/routine/v1
key: system-a-rutin
title: Reservrutin för System A
organisation: org-a
version: "1"
systems: [system-a]
reporting:
  self_check:
    - Fungerar det på en annan dator eller mobil?
    - Har dina kollegor samma problem?
  contact_points:
    - key: anvandarstod
  device:
    self_check:
      - {question: 1, answer: ja}
    advice: Starta om datorn och logga in igen.
scenarios:
  - key: hela-systemet
    title: System A nere för alla
    scope: system_unreachable_for_all
    suggest_when:
      extent: [several_units, everyone]
    steps:
      - id: meddela
        who: enhetschef
        kind: notify
        what: System A fungerar inte.
        notify_roles: [enhetschef, systemagare]
  - key: lokalt-journal
    title: Journalmodulen nere på en enhet
    scope: local_loss_of_contact
    suggest_when:
      parts: [journal]
      extent: [my_unit]
      self_check:
        - {question: 2, answer: ja}
    steps:
      - id: meddela
        who: enhetschef
        kind: notify
        what: Journalmodulen fungerar inte på enheten.
        notify_roles: [enhetschef, systemagare]
"""


def install_scope_world(cls: Any) -> None:
    """On a ``BaseTestCase`` class: parts of System A, roles, holders per unit and the
    routine in force."""
    org: Organisation = cls.org_a
    system: System = cls.system_a
    cls.journal = SystemPart.objects.create(system=system, key="journal", name="Journal")
    cls.app = SystemPart.objects.create(
        system=system,
        key="app",
        name="Mobilappen",
        kind=SystemPart.Kind.APP,
        when_down="Fungerar offline",
    )
    cls.booking = SystemPart.objects.create(system=system, key="bokning", name="Bokning")
    cls.support = ContactPoint.objects.create(
        organisation=org,
        key="anvandarstod",
        name="Användarstödet",
        kind=ContactPoint.Kind.USER_SUPPORT,
        phone="010-123 45 67",
    )
    manager = Role.objects.create(organisation=org, key="enhetschef", name="Enhetschef")
    owner = Role.objects.create(organisation=org, key="systemagare", name="Systemägare")
    cls.chief_a = make_user("chef.a", "Chef A", phone="+46701111111")
    cls.chief_a2 = make_user("chef.a2", "Chef A2", phone="+46702222222")
    cls.owner = make_user("agare", "Ägare Org")
    RoleAssignment.objects.create(role=manager, user=cls.chief_a, unit=cls.unit_a)
    RoleAssignment.objects.create(role=manager, user=cls.chief_a2, unit=cls.unit_a2)
    RoleAssignment.objects.create(role=owner, user=cls.owner)
    cls.version = install_routine(ROUTINE)


def install_routine(text: str) -> RoutineVersion:
    imported = import_routine(text, filename="system-a-rutin.yaml", by=None)
    return approve_version(imported.version, by=None)


def submit(case: Any, key: str, **extra: Any) -> actions.Submitted:
    """A report on System A by Alice (override anything), "everyone" unless said."""
    fields: dict[str, Any] = {
        "systems": [case.system_a],
        "fault_type": "unreachable",
        "extent": "everyone",
        "reporter": case.alice,
        "idempotency_key": key,
    }
    fields.update(extra)
    return actions.submit_report(case.org_a, **fields)
