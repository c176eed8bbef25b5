"""Routine format v2 (issue 13): v1 keeps loading, ``upgrade_v1_to_v2`` keeps comments, the
seeds ship as v2, and no input makes the loader, validator or upgrade raise."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reservrutin.routines import loader
from reservrutin.routines.loader import LoadError
from reservrutin.routines.schema import SCHEMA_ID, SCHEMA_V1
from reservrutin.routines.tests.helpers import seed_texts
from reservrutin.routines.tests.keys import DEMO
from reservrutin.routines.tests.strategies import v1_document
from reservrutin.routines.upgrade import upgrade_v1_to_v2
from reservrutin.routines.validation import validate_document

SEEDS = {name: text.decode() for name, text in seed_texts().items()}
V1 = """\
# Rutinens ägare: IT. Kommentarer ska finnas kvar efter uppgraderingen.
schema: "reservrutin/routine/v1"   # formatet
key: rutin-a
title: Rutin A
organisation: org-a
version: "1.0"
systems: [sys-a]  # bara ett system
"""


def _as_v1(text: str) -> str:
    return text.replace(f"schema: {SCHEMA_ID}", f"schema: {SCHEMA_V1}", 1)


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_each_seed_ships_as_v2_and_its_v1_form_upgrades_to_it(name: str) -> None:
    assert f"\nschema: {SCHEMA_ID}\n" in SEEDS[name]
    # The header fields v2 added (seed 000's "Skapad av", document type) are not in v1.
    text = "".join(
        line
        for line in SEEDS[name].splitlines(keepends=True)
        if not line.startswith(("document_type:", "created_by:"))
    )
    old = _as_v1(text)
    assert old != text
    v1 = validate_document(old, filename=name, registry=DEMO)
    assert v1.errors == []
    assert upgrade_v1_to_v2(old, filename=name) == text
    v2 = validate_document(text, filename=name, registry=DEMO).document
    assert v2 is not None and v1.document is not None
    assert v2.model_dump(exclude={"schema_"}) == v1.document.model_dump(exclude={"schema_"})


def test_upgrade_keeps_comments_quotes_and_layout() -> None:
    upgraded = upgrade_v1_to_v2(V1)
    assert upgraded == V1.replace('"reservrutin/routine/v1"', '"reservrutin/routine/v2"')
    assert validate_document(upgraded, filename="a.yaml").ok


def test_upgrade_leaves_a_v2_text_alone_and_refuses_what_is_no_routine() -> None:
    v2 = upgrade_v1_to_v2(V1)
    assert upgrade_v1_to_v2(v2) == v2
    with pytest.raises(LoadError) as raised:
        upgrade_v1_to_v2("key: a\nschema: reservrutin/routine/v9\n", filename="x.yaml")
    assert str(raised.value.problems[0]).startswith("x.yaml:2:9: schema: ")
    with pytest.raises(LoadError) as raised:
        upgrade_v1_to_v2("a: [", filename="x.yaml")
    assert raised.value.problems[0].line == 1


def test_a_v1_document_may_not_use_v2_fields() -> None:
    text = V1 + "document_type: Anvisning\n"
    result = validate_document(text, filename="a.yaml")
    assert [str(p) for p in result.errors] == [
        "a.yaml:2:1: fälten document_type finns i reservrutin/routine/v2 men inte i "
        "reservrutin/routine/v1; skriv ”schema: reservrutin/routine/v2” (eller kör "
        "”routine upgrade”)"
    ]
    assert validate_document(upgrade_v1_to_v2(text), filename="a.yaml").ok


def test_the_header_of_seed_000_is_kept() -> None:
    doc = validate_document(SEEDS["sesam-lmn.yaml"], filename="l.yaml", registry=DEMO).document
    assert doc is not None
    assert (doc.document_type, doc.created_by, doc.approved_by) == (
        "Anvisning",
        "Håkansson, Tor",
        "Hermansson, Anna",
    )
    assert (doc.process, doc.applies_to, doc.valid_to) == (
        "2.2.2 Förvalta, driva och avveckla it-tjänster",
        "VO Hjälpmedel",
        None,
    )


def test_steps_link_to_documents_and_sections() -> None:
    text = upgrade_v1_to_v2(V1) + (
        "documents:\n"
        "  - key: lathund\n"
        "    title: Lathund\n"
        "    url: https://example.org/lathund.pdf\n"
        "    page: 4\n"
        "    section: '#reserv'\n"
        "scenarios:\n"
        "  - key: nere\n"
        "    title: Nere\n"
        "    scope: other\n"
        "    steps:\n"
        "      - kind: task\n"
        "        what: Följ lathunden.\n"
        "        documents: [lathund, okand]\n"
    )
    result = validate_document(text, filename="a.yaml")
    assert [str(p) for p in result.errors] == [
        "a.yaml:21:30: scenarios[0].steps[0].documents[1]: okänt dokument ”okand”; ge "
        "dokumentet ”key: okand” under ”documents”"
    ]


FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(v1_document)
def test_v1_to_v2_to_export_round_trip_is_stable(data: dict[str, Any]) -> None:
    # Generated keys may repeat (a semantic error); the shape is what must survive.
    v1 = validate_document(loader.dump(data), filename="g.yaml")
    upgraded = upgrade_v1_to_v2(loader.dump(data))
    v2 = validate_document(upgraded, filename="g.yaml")
    assert v2.document is not None and v1.document is not None
    assert [str(p) for p in v2.errors] == [str(p) for p in v1.errors]
    assert v2.document.schema_ == SCHEMA_ID
    assert v2.document.model_dump(exclude={"schema_"}) == v1.document.model_dump(
        exclude={"schema_"}
    )
    exported = loader.dump(v2.document.to_data())
    again = validate_document(exported, filename="g.yaml").document
    assert again == v2.document
    assert loader.dump(again.to_data()) == exported


@FUZZ
@given(
    st.sampled_from(sorted(SEEDS.values())),
    st.integers(0, 10_000),
    st.integers(0, 30),
    st.text(alphabet=" :-[]{}#&*!|>'\"\nabc1,", max_size=8),
)
def test_upgrade_and_validation_of_mutated_v1_texts_never_raise(
    seed: str, at: int, cut: int, insert: str
) -> None:
    text = _as_v1(seed)
    at = at % len(text)
    mutated = text[:at] + insert + text[at + cut :]
    try:
        upgraded = upgrade_v1_to_v2(mutated, filename="f.yaml")
    except LoadError as exc:
        assert all(p.line >= 1 and p.column >= 1 and p.message for p in exc.problems)
        return
    result = validate_document(upgraded, filename="f.yaml", registry=DEMO)
    for problem in result.errors + result.warnings + result.missing:
        assert problem.line >= 1 and problem.column >= 1 and problem.message
    assert (result.document is None) == bool(result.errors) or result.document is not None
