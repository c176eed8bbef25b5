"""Messages are built when a file is validated, in the language active then: Swedish by
default, English for someone who chose English (the msgids are Swedish, Principle 6)."""

from __future__ import annotations

from django.utils import translation

from reservrutin.routines.tests.test_validation_messages import HEAD, REGISTRY, scenario
from reservrutin.routines.validation import validate_document

BROKEN = HEAD.replace('version: "1"', "version: 1.0") + scenario(
    "scope: planerat",
    "stpes: []",
    "wait_for_instructions: ja",
).replace("    scope: other\n", "")


def messages_in(language: str, text: str = BROKEN, **kwargs: object) -> list[str]:
    with translation.override(language):
        result = validate_document(text, filename="t.yaml", **kwargs)  # type: ignore[arg-type]
    return [str(p) for p in result.errors + result.warnings]


def test_the_same_file_reads_in_swedish_and_in_english() -> None:
    assert messages_in("sv") == [
        "t.yaml:5:10: version: ska vara text, men är ett tal (1.0); sätt citattecken runt värdet",
        "t.yaml:10:12: scenarios[0].scope: ska vara ett av: region_wide_it_collapse, "
        "system_unreachable_for_all, local_loss_of_contact, telephony_disrupted, power_short, "
        "power_long, wifi_down, mobile_network_down, login_service_down, planned, other, men "
        "är texten ”planerat”; menade du ”planned”?",
        "t.yaml:12:28: scenarios[0].wait_for_instructions: ska vara true eller false, men är "
        "texten ”ja”",
        "t.yaml:11:5: scenarios[0].stpes: okänt fält ”stpes” – menade du ”steps”? Tillåtna "
        "fält: key, title, scope, recognise, systems, suggest_when, wait_for_instructions, steps, timers, "
        "staff_instructions, notes",
    ]
    assert messages_in("en") == [
        "t.yaml:5:10: version: should be text, but is a number (1.0); put quotes around the value",
        "t.yaml:10:12: scenarios[0].scope: should be one of: region_wide_it_collapse, "
        "system_unreachable_for_all, local_loss_of_contact, telephony_disrupted, power_short, "
        "power_long, wifi_down, mobile_network_down, login_service_down, planned, other, but "
        "is the text “planerat”; did you mean “planned”?",
        "t.yaml:12:28: scenarios[0].wait_for_instructions: should be true or false, but is the "
        "text “ja”",
        "t.yaml:11:5: scenarios[0].stpes: unknown field “stpes” – did you mean “steps”? "
        "Allowed fields: key, title, scope, recognise, systems, suggest_when, wait_for_instructions, steps, "
        "timers, staff_instructions, notes",
    ]


def test_every_stage_speaks_english() -> None:
    """The loader, the YAML parser, the validators in schema.py and the checker."""
    assert messages_in("en", b"") == ["t.yaml:1:1: the file is empty; it should contain a routine"]
    assert messages_in("en", HEAD + "notes: [a, b\n") == [
        "t.yaml:8:1: invalid YAML: the list that starts with [ on line 7 is not closed with ]; "
        "also check the commas between the values"
    ]
    assert messages_in("en", HEAD + "valid_from: 2024-02-14\nvalid_to: 2024-01-01\n") == [
        "t.yaml:1:1: “valid_to” must not be before “valid_from”"
    ]
    assert messages_in(
        "en", HEAD.replace("[journal]", "[labb]") + scenario(), registry=REGISTRY
    ) == [
        "t.yaml:6:11: systems[0]: unknown system “labb” in region-a; the registry has: journal, "
        "lab",
        "t.yaml:8:5: scenarios[0]: the scenario “a” has no steps",
    ]
