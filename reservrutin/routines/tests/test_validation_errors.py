"""Malformed routine files give clean errors with file, line, column and field path."""

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
        "t.yaml:11:28: scenarios[0].wait_for_instructions: Input should be a valid boolean, got 'yes'",
        "t.yaml:14:15: scenarios[0].steps[0].what: Input should be a valid string, got a number (12); put quotes around it",
    ]


def test_it_asks_to_quote_a_numeric_version() -> None:
    text = HEAD.replace('version: "1"', "version: 1.0")
    (error,) = validate_document(text, filename="t.yaml").errors
    assert (error.line, error.column, error.path) == (5, 10, "version")
    assert "put quotes around it" in error.message


def test_it_lists_the_allowed_fields_for_an_unknown_field() -> None:
    (error,) = check("sytems: []\n")
    assert error.startswith(
        "t.yaml:7:1: sytems: unknown field 'sytems'; expected one of: schema, key,"
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
        "t.yaml:12:9: scenarios[0].steps[0].notify_roles: the field 'notify_roles' is required"
    ]


def test_it_rejects_duplicate_keys() -> None:
    errors = check("title: Again\n")
    assert errors == [
        "t.yaml:7:1: title: duplicate key 'title' (first written on line 3); each key may appear once"
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
    assert any(
        "scenarios[1].key: duplicate scenario key 'a' (already used on line 8)" in e for e in errors
    )
    assert any("scenarios[0].steps[1].id: duplicate step id 's'" in e for e in errors)
    assert any("templates[1].key: duplicate template key 'n'" in e for e in errors)


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
        "t.yaml:13:14: scenarios[0].steps[0].who: unknown role 'kundtjanst' in region-skane; expected one of: forskrivare,"
    )
    assert any(
        "if_off_duty.ticket_contact_point: unknown contact point 'helpdesk'" in e for e in errors
    )
    assert any("steps[1].supplier: unknown organisation 'nobody'" in e for e in errors)


def test_it_rejects_unknown_systems_and_organisations() -> None:
    text = HEAD.replace("[sesam-lmn]", "[sesam-xyz]").replace("region-skane", "region-nowhere")
    (error,) = validate_document(text, filename="t.yaml", registry=DEMO).errors
    assert error.message.startswith("unknown organisation 'region-nowhere'")
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
    assert "'linkoping' is not a partner organisation of 'region-norrbotten'" in errors[0].message


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
        "steps[0].template: unknown template 'nope'; expected one of: none are defined" in e
        for e in errors
    )
    assert any(
        "actions[0].activate_backup_routine: unknown backup routine 'missing'" in e for e in errors
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
        "t.yaml:10:39: backup_routines[2].then_activate: backup routines activate each other in a cycle (a → b → c → a); expected a chain that ends"
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
        "t.yaml:12:14: scenarios[0].timers[0]: timer 't' has no actions; it will fire and do nothing"
    ]


def test_it_warns_about_a_scenario_without_steps_unless_waiting_lmn_06() -> None:
    found = warnings(
        """\
        scenarios:
          - {key: a, title: A, scope: other}
          - {key: b, title: B, scope: region_wide_it_collapse, wait_for_instructions: true}
        """
    )
    assert found == ["t.yaml:8:5: scenarios[0]: scenario 'a' has no steps"]


def test_it_rejects_tabs() -> None:
    (error,) = validate_document(HEAD + "title:\tx\n", filename="t.yaml").errors
    assert str(error) == "t.yaml:7:7: tab character; indent and separate with spaces"


def test_it_rejects_an_empty_file() -> None:
    for text in ("", "   \n", "# only a comment\n", b""):
        (error,) = validate_document(text, filename="t.yaml").errors
        assert str(error) == "t.yaml:1:1: the file is empty; expected a routine document"


def test_it_rejects_bytes_that_are_not_utf8() -> None:
    data = HEAD.encode() + "title: Sjukvård\n".encode("latin-1")
    (error,) = validate_document(data, filename="t.yaml").errors
    assert str(error) == "t.yaml:7:13: byte 0xe5 is not UTF-8; save the file as UTF-8"


def test_it_rejects_a_5_mb_file_before_parsing() -> None:
    data = HEAD.encode() + b"notes:\n" + b"  - " + b"x" * (5 * 1024 * 1024) + b"\n"
    (error,) = validate_document(data, filename="big.yaml").errors
    assert "may be at most 1048576 bytes (1 MB)" in str(error)


def test_it_rejects_aliases() -> None:
    errors = check("notes: &a [x]\nrefs: *a\n")
    assert any("anchors and aliases (&, *) are not supported" in e for e in errors)


def test_it_reports_yaml_syntax_errors_with_their_place() -> None:
    (error,) = validate_document(HEAD + "scenarios: [\n", filename="t.yaml").errors
    assert error.filename == "t.yaml" and error.line == 8
    assert error.message.startswith("invalid YAML:")


def test_it_requires_the_schema_line() -> None:
    (error,) = validate_document("key: x\n", filename="t.yaml").errors
    assert str(error) == "t.yaml:1:1: schema: expected 'reservrutin/routine/v1', got nothing"
    (error,) = validate_document("- a\n", filename="t.yaml").errors
    assert "expected a mapping" in str(error)


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
