""" "Saknas i rutinen" (issue 13): what a valid routine lacks, against the registry — a
contact point to call without a phone number, a fax instruction without a fax number, a
link without an address, a role nobody holds, a unit without a manager, no end date. They
are warnings: they never block an import."""

from __future__ import annotations

from reservrutin.routines.registry_keys import ContactFacts, StaticFacts
from reservrutin.routines.validation import validate_document

ROUTINE = """\
schema: reservrutin/routine/v2
key: rutin-a
title: Rutin A
organisation: org-a
version: "1"
valid_to: 2030-01-01
systems: [system-a]
documents:
  - title: Lathund
scenarios:
  - key: nere
    title: System A nere
    scope: other
    steps:
      - kind: call_contact_point
        what: Ring servicedesk.
        contact_points:
          - key: servicedesk
          - key: labbet
            via: fax
      - kind: notify
        what: Meddela avdelningen.
        notify_roles: [kundservice]
        notify_unit_staff: [unit-a, unit-b]
"""


def _facts(*, phone: bool = False, held: bool = False, manager: bool = False) -> StaticFacts:
    return StaticFacts(
        orgs={
            "org-a": {
                "systems": {"system-a"},
                "roles": {"kundservice"},
                "contact_points": {"servicedesk", "labbet"},
            }
        },
        contacts={"org-a": {"servicedesk": ContactFacts(phone=phone), "labbet": ContactFacts()}},
        held={"org-a": {"kundservice"} if held else set()},
        unit_map={"org-a": {"unit-a", "unit-b"}},
        managed={"org-a": {"unit-a", "unit-b"} if manager else {"unit-a"}},
    )


def _missing(text: str, facts: StaticFacts) -> list[str]:
    result = validate_document(text, filename="a.yaml", registry=facts)
    assert result.errors == []
    return [str(p) for p in result.missing]


def test_it_flags_what_is_missing_at_its_line() -> None:
    assert _missing(ROUTINE, _facts()) == [
        "a.yaml:9:5: documents[0]: länken till ”Lathund” saknar adress; skriv ”url: https://…” "
        "så att dokumentet går att öppna",
        "a.yaml:18:13: scenarios[0].steps[0].contact_points[0]: steget säger att ringa "
        "”servicedesk”, men kontaktvägen har inget telefonnummer i registret; lägg till numret "
        "i registret",
        "a.yaml:19:13: scenarios[0].steps[0].contact_points[1]: steget säger att faxa till "
        "”labbet” men inget faxnummer står; skriv ”fax: 040-123 45” under kontaktvägen",
        "a.yaml:23:24: scenarios[0].steps[1].notify_roles[0]: ingen har rollen ”kundservice” i "
        "registret; ge rollen till någon så att den kan nås vid en störning",
        "a.yaml:24:37: scenarios[0].steps[1].notify_unit_staff[1]: enheten ”unit-b” har ingen "
        "enhetschef i registret; den som ska svara för enhetens beredskap saknas",
    ]


def test_a_contact_point_warning_goes_once_the_number_is_in_the_registry() -> None:
    before = _missing(ROUTINE, _facts())
    after = _missing(ROUTINE, _facts(phone=True))
    assert any("”servicedesk”" in line for line in before)
    assert not any("”servicedesk”" in line for line in after)


def test_nothing_is_missing_once_everything_is_there() -> None:
    text = ROUTINE.replace("  - title: Lathund\n", "  - title: Lathund\n    url: https://x.se/\n")
    text = text.replace(
        "            via: fax\n", "            via: fax\n            fax: 040-12 34\n"
    )
    assert _missing(text, _facts(phone=True, held=True, manager=True)) == []


def test_a_missing_end_date_is_flagged_even_without_the_registry() -> None:
    text = ROUTINE.replace("valid_to: 2030-01-01\n", "valid_from: 2024-01-01\n")
    result = validate_document(text, filename="a.yaml")
    assert result.ok
    assert str(result.missing[0]) == (
        "a.yaml:6:13: valid_from: rutinen saknar slutdatum (”Gäller t.o.m.”); skriv "
        "”valid_to: ÅÅÅÅ-MM-DD” så att ägaren påminns innan den går ut"
    )
