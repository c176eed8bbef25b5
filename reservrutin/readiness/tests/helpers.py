"""Small helpers for readiness tests: a routine of organisation A with preparedness items."""

from __future__ import annotations

from reservrutin.accounts.models import Organisation, User
from reservrutin.registry.models import Role
from reservrutin.routines.actions import approve_version, import_routine
from reservrutin.routines.models import RoutineVersion

PREPAREDNESS = """\
preparedness:
  - key: rutin-pa-papper
    text: En aktuell version av rutinen finns alltid utskriven på papper.
    responsible: enhetschef
    recurrence: on_new_routine_version
  - key: insatsschema-helger
    text: Inför helger och storhelger skrivs insatsschemat ut för alla dagar.
    responsible: planerare
    recurrence: before_weekends_and_holidays
  - key: datorer-laddade
    text: Bärbara datorer och iPads är laddade.
    recurrence: daily
  - key: ups-a2
    text: Läkemedelsskåpets UPS är laddad.
    units: [unit-a2]
    responsible: enhetschef
    recurrence: weekly
"""


def routine_text(version: str = "1", extra: str = "", preparedness: str = PREPAREDNESS) -> str:
    return (
        "schema: reservrutin/routine/v1\n"
        "key: rutin-a\n"
        "title: Rutin A\n"
        "organisation: org-a\n"
        f'version: "{version}"\n'
        "systems: [system-a]\n"
        "roles:\n  - key: enhetschef\n    title: Enhetschef\n"
        "  - key: planerare\n    title: Planerare\n"
        "record_types:\n  - type: journal_note\n    description: Journalanteckning på papper.\n"
        "scenarios:\n"
        "  - key: nere\n    title: System A nere\n    scope: system_unreachable_for_all\n"
        "    steps:\n      - kind: task\n        what: Ring Servicedesk.\n" + preparedness + extra
    )


def make_roles(organisation: Organisation) -> dict[str, Role]:
    return {
        key: Role.objects.get_or_create(organisation=organisation, key=key, defaults={"name": key})[
            0
        ]
        for key in ("enhetschef", "planerare")
    }


def import_and_approve(
    version: str = "1",
    *,
    by: User | None = None,
    extra: str = "",
    preparedness: str = PREPAREDNESS,
) -> RoutineVersion:
    text = routine_text(version, extra, preparedness)
    imported = import_routine(text, filename="rutin-a.yaml", by=by)
    return approve_version(imported.version, by=by)
