"""The routine says per scenario what the public sees when an outage is confirmed
(``public``, issue 12): optional, with defaults every existing routine keeps; problems in
plain Swedish with the field path."""

from __future__ import annotations

from reservrutin.routines.tests.test_validation_messages import (
    HEAD,
    REGISTRY,
    problems,
    scenario,
    warnings,
)
from reservrutin.routines.validation import validate_document


def parsed(*lines: str):  # type: ignore[no-untyped-def]
    result = validate_document(HEAD + scenario(*lines), filename="t.yaml", registry=REGISTRY)
    assert result.errors == [], result.errors
    return result.document.scenarios[0].public


def test_without_public_a_publisher_writes_within_15_minutes() -> None:
    public = parsed("steps: [{kind: task, what: Gör något.}]")
    assert public.show == "publisher_writes"
    assert public.publish_within == "15min"
    assert public.publisher_role is None


def test_a_holding_line_with_its_state() -> None:
    public = parsed(
        "steps: [{kind: task, what: Gör något.}]",
        "public:",
        "  show: holding_line",
        "  text: Vi undersöker en störning i journalen.",
        "  state: outage",
        "  publisher_role: systemansvarig",
    )
    assert public.show == "holding_line"
    assert public.state == "outage"
    assert public.publisher_role == "systemansvarig"


def test_an_unknown_show_is_named_with_its_field() -> None:
    found = problems(scenario("public:", "  show: sometimes"), registry=REGISTRY)
    assert len(found) == 1
    assert "scenarios[0].public.show" in found[0] or "scenarios → 1 → public → show" in found[0]
    assert "holding_line" in found[0]


def test_a_bad_publish_within_is_a_duration_error() -> None:
    found = problems(scenario("public:", "  publish_within: snart"), registry=REGISTRY)
    assert len(found) == 1
    assert "snart" in found[0] or "tidslängd" in found[0]


def test_an_unknown_publisher_role_names_the_role() -> None:
    found = problems(
        scenario("steps: [{kind: task, what: Gör.}]", "public:", "  publisher_role: webbredaktor"),
        registry=REGISTRY,
    )
    assert len(found) == 1
    assert "webbredaktor" in found[0]
    assert "publisher_role" in found[0]


def test_a_text_without_a_holding_line_is_a_warning() -> None:
    found = warnings(
        scenario("steps: [{kind: task, what: Gör.}]", "public:", "  text: Vi undersöker.")
    )
    assert any("holding_line" in w for w in found), found
