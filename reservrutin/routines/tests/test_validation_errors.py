"""Malformed routine files give clean errors with file, line, column and field path.

The messages are plain Swedish (the default language); test_validation_messages.py covers
every message family and the English translation.
"""

from __future__ import annotations

import textwrap

from reservrutin.routines.tests.helpers import seed_texts
from reservrutin.routines.tests.keys import DEMO
from reservrutin.routines.validation import validate_document

HEAD = """\
schema: reservrutin/routine/v1
key: test
title: Test
organisation: region-skane
version: "1"
systems: [sesam-lmn]
"""


def check(body: str, *, registry: object = None) -> list[str]:
    text = HEAD + textwrap.dedent(body)
    result = validate_document(text, filename="t.yaml", registry=registry)  # type: ignore[arg-type]
    return [str(p) for p in result.errors]


def warnings(body: str) -> list[str]:
    result = validate_document(HEAD + textwrap.dedent(body), filename="t.yaml")
    assert result.errors == []
    return [str(p) for p in result.warnings]


def test_it_accepts_the_minimal_document() -> None:
    assert check("") == []


def test_it_reports_wrong_types_with_line_column_and_path() -> None:
    errors = check(
        """\
        scenarios:
          - key: a
            title: A
            scope: other
            wait_for_instructions: yes
            steps:
              - kind: task
                what: 12
        """
    )
    assert errors == [
        "t.yaml:11:28: scenarios[0].wait_for_instructions: ska vara true eller false, men är texten ”yes”",
        "t.yaml:14:15: scenarios[0].steps[0].what: ska vara text, men är ett tal (12); sätt citattecken runt värdet",
    ]


def test_it_asks_to_quote_a_numeric_version() -> None:
    text = HEAD.replace('version: "1"', "version: 1.0")
    (error,) = validate_document(text, filename="t.yaml").errors
    assert (error.line, error.column, error.path) == (5, 10, "version")
    assert error.message == "ska vara text, men är ett tal (1.0); sätt citattecken runt värdet"


def test_it_lists_the_allowed_fields_for_an_unknown_field() -> None:
    (error,) = check("sytems: []\n")
    assert error.startswith(
        "t.yaml:7:1: sytems: okänt fält ”sytems” – menade du ”systems”? Tillåtna fält: schema, key,"
    )


def test_it_points_at_the_mapping_of_a_missing_field() -> None:
    errors = check(
        """\
        scenarios:
          - key: a
            title: A
            scope: other
            steps:
              - kind: notify
                what: Ring
        """
    )
    assert errors == [
        "t.yaml:12:9: scenarios[0].steps[0].notify_roles: fältet ”notify_roles” saknas"
    ]


def test_it_rejects_duplicate_keys() -> None:
    errors = check("title: Again\n")
    assert errors == [
        "t.yaml:7:1: title: fältet ”title” står redan på rad 3; varje fält får bara stå en gång"
    ]


def test_it_rejects_duplicate_ids() -> None:
    errors = check(
        """\
        scenarios:
          - {key: a, title: A, scope: other, steps: [{kind: task, what: x, id: s}, {kind: task, what: y, id: s}]}
          - {key: a, title: B, scope: other, wait_for_instructions: true}
        templates:
          - {key: n, kind: notice, text: x}
          - {key: n, kind: notice, text: y}
        """
    )
    assert errors == [
        "t.yaml:9:11: scenarios[1].key: nyckeln ”a” används redan på rad 8; varje scenario behöver en egen nyckel",
        "t.yaml:12:11: templates[1].key: nyckeln ”n” används redan på rad 11; varje mall behöver en egen nyckel",
        "t.yaml:8:102: scenarios[0].steps[1].id: id ”s” används redan på rad 8; varje steg i samma scenario eller reservrutin behöver ett eget id",
    ]


def test_it_rejects_unknown_references_to_the_registry() -> None:
    errors = check(
        """\
        scenarios:
          - key: a
            title: A
            scope: other
            steps:
              - kind: notify
                who: kundtjanst
                what: Ring
                notify_roles: [systemansvarig]
                if_off_duty: {ticket_contact_point: helpdesk}
              - kind: contact_supplier
                what: Ring
                supplier: nobody
        """,
        registry=DEMO,
    )
    assert errors[0].startswith(
        "t.yaml:13:14: scenarios[0].steps[0].who: okänd roll ”kundtjanst” i region-skane; i registret finns: forskrivare,"
    )
    assert any(
        "if_off_duty.ticket_contact_point: okänd kontaktväg ”helpdesk” i region-skane" in e
        for e in errors
    )
    assert any(
        "steps[1].supplier: okänd organisation ”nobody”; använd en nyckel ur registret" in e
        for e in errors
    )


def test_it_rejects_unknown_systems_and_organisations() -> None:
    text = HEAD.replace("[sesam-lmn]", "[sesam-xyz]").replace("region-skane", "region-nowhere")
    (error,) = validate_document(text, filename="t.yaml", registry=DEMO).errors
    assert error.message == "okänd organisation ”region-nowhere”; använd en nyckel ur registret"
    text = HEAD.replace("[sesam-lmn]", "[sesam-xyz]")
    (error,) = validate_document(text, filename="t.yaml", registry=DEMO).errors
    assert (error.line, error.path) == (6, "systems[0]")


def test_it_accepts_qualified_keys_of_partner_organisations_sp_01() -> None:
    registry = DEMO
    registry.orgs["lulea-kommun"]["roles"].add("socialtjanst")
    try:
        text = (
            HEAD.replace("region-skane", "region-norrbotten").replace(
                "[sesam-lmn]", "[lifecare-sp]"
            )
            + "roles: [{key: 'lulea-kommun:socialtjanst'}, {key: 'linkoping:medarbetare'}]\n"
        )
        errors = validate_document(text, filename="t.yaml", registry=registry).errors
    finally:
        registry.orgs["lulea-kommun"]["roles"].discard("socialtjanst")
    assert [e.path for e in errors] == ["roles[1].key"]
    assert errors[0].message.startswith(
        "”linkoping” är ingen samverkande organisation till ”region-norrbotten”; använd en "
        "nyckel från region-norrbotten eller från en samverkande organisation ("
    )


def test_it_rejects_unknown_backup_routines_and_templates() -> None:
    errors = check(
        """\
        scenarios:
          - key: a
            title: A
            scope: other
            steps: [{kind: publish_notice, what: x, template: nope}]
            timers:
              - key: t
                after: 4h
                actions: [{activate_backup_routine: missing}]
        """
    )
    assert any(
        "steps[0].template: okänd mall ”nope”; rutinen har inga mallar (templates)" in e
        for e in errors
    )
    assert any(
        "actions[0].activate_backup_routine: okänd reservrutin ”missing”; rutinen har inga "
        "reservrutiner (backup_routines)" in e
        for e in errors
    )


def test_it_rejects_a_cycle_of_backup_routines() -> None:
    errors = check(
        """\
        backup_routines:
          - {key: a, title: A, then_activate: b}
          - {key: b, title: B, then_activate: c}
          - {key: c, title: C, then_activate: a}
          - {key: d, title: D, then_activate: a}
        """
    )
    assert errors == [
        "t.yaml:10:39: backup_routines[2].then_activate: reservrutinerna startar varandra i en cirkel (a → b → c → a); en kedja av then_activate måste ta slut"
    ]


def test_it_warns_about_a_timer_without_action() -> None:
    found = warnings(
        """\
        scenarios:
          - key: a
            title: A
            scope: other
            steps: [{kind: task, what: x}]
            timers: [{key: t, after: 30min}]
        """
    )
    assert found == [
        "t.yaml:12:14: scenarios[0].timers[0]: tidsgränsen ”t” har inga åtgärder; den löser ut utan att något händer"
    ]


def test_it_warns_about_a_scenario_without_steps_unless_waiting_lmn_06() -> None:
    found = warnings(
        """\
        scenarios:
          - {key: a, title: A, scope: other}
          - {key: b, title: B, scope: region_wide_it_collapse, wait_for_instructions: true}
        """
    )
    assert found == ["t.yaml:8:5: scenarios[0]: scenariot ”a” har inga steg"]


def test_it_rejects_tabs() -> None:
    (error,) = validate_document(HEAD + "title:\tx\n", filename="t.yaml").errors
    assert str(error) == "t.yaml:7:7: tabbtecken; använd mellanslag för indrag och mellan värden"


def test_it_rejects_an_empty_file() -> None:
    for text in ("", "   \n", "# only a comment\n", b""):
        (error,) = validate_document(text, filename="t.yaml").errors
        assert str(error) == "t.yaml:1:1: filen är tom; den ska innehålla en rutin"


def test_it_rejects_bytes_that_are_not_utf8() -> None:
    data = HEAD.encode() + "title: Sjukvård\n".encode("latin-1")
    (error,) = validate_document(data, filename="t.yaml").errors
    assert str(error) == (
        "t.yaml:7:13: filen innehåller ett tecken som inte är UTF-8 (byte 0xe5); "
        "spara filen med teckenkodningen UTF-8"
    )


def test_it_rejects_a_5_mb_file_before_parsing() -> None:
    data = HEAD.encode() + b"notes:\n" + b"  - " + b"x" * (5 * 1024 * 1024) + b"\n"
    (error,) = validate_document(data, filename="big.yaml").errors
    assert (error.line, error.column, error.path) == (1, 1, "")
    assert error.message.startswith("filen är för stor (")
    assert error.message.endswith("en rutinfil får vara högst 1048576 byte (1 MB)")


def test_it_rejects_aliases() -> None:
    errors = check("notes: &a [x]\nrefs: *a\n")
    # An alias is the anchored node itself, so the place shown is the anchor's.
    assert (
        "t.yaml:7:8: refs: ankare och alias (&, *) stöds inte; skriv ut värdet i stället" in errors
    )


def test_it_reports_yaml_syntax_errors_with_their_place() -> None:
    (error,) = validate_document(HEAD + "scenarios: [\n", filename="t.yaml").errors
    assert error.filename == "t.yaml" and error.line == 8
    assert error.message == (
        "ogiltig YAML: filen tar slut där ett värde ska stå; kontrollera att [ avslutas med ] "
        "och { med }"
    )


def test_it_requires_the_schema_line() -> None:
    (error,) = validate_document("key: x\n", filename="t.yaml").errors
    assert str(error) == (
        "t.yaml:1:1: schema: fältet ”schema” saknas; skriv ”schema: reservrutin/routine/v2” "
        "överst i filen"
    )
    (error,) = validate_document("- a\n", filename="t.yaml").errors
    assert str(error) == (
        "t.yaml:1:1: filen ska börja med ”schema: reservrutin/routine/v2” följt av rutinens "
        "fält, men innehåller en lista"
    )


def test_it_keeps_yes_and_times_as_text() -> None:
    """YAML 1.1 would read ``no`` as false and ``10:00`` as 600; routines are Swedish text."""
    text = (
        seed_texts()["soderkoping-lifecare-phoniro.yaml"]
        .decode()
        .replace('starts: "10:00"', "starts: 10:00")
    )
    result = validate_document(text, filename="s.yaml")
    assert result.errors == []
    assert result.document is not None and result.document.planned_outages is not None
    assert result.document.planned_outages.service_windows[0].starts == "10:00"
