"""Whatever bytes come in, validation answers with problems, never with a traceback."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reservrutin.routines import loader
from reservrutin.routines.tests.helpers import seed_texts
from reservrutin.routines.tests.strategies import document
from reservrutin.routines.validation import Result, validate_document

SEEDS = list(seed_texts().values())
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _clean(result: Result) -> None:
    assert isinstance(result, Result)
    for problem in result.errors + result.warnings:
        assert problem.line >= 1 and problem.column >= 1
        assert problem.filename == "f.yaml"
        assert problem.message


@FUZZ
@given(st.binary(max_size=400))
def test_it_never_raises_on_random_bytes(data: bytes) -> None:
    _clean(validate_document(data, filename="f.yaml"))


@FUZZ
@given(st.text(max_size=400))
def test_it_never_raises_on_random_text(text: str) -> None:
    _clean(validate_document(text, filename="f.yaml"))


@FUZZ
@given(
    st.sampled_from(SEEDS),
    st.integers(0, 10_000),
    st.integers(0, 40),
    st.text(alphabet=" :-[]{}#&*!|>'\"\nabc1\t,", max_size=8),
)
def test_it_never_raises_on_mutated_seeds(seed: bytes, at: int, cut: int, insert: str) -> None:
    text = seed.decode()
    at = at % len(text)
    mutated = text[:at] + insert + text[at + cut :]
    _clean(validate_document(mutated, filename="f.yaml"))


json_values = st.recursive(
    st.one_of(
        st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=10)
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@FUZZ
@given(document, st.text(min_size=1, max_size=12), json_values)
def test_it_never_raises_on_wrong_values_in_right_places(
    doc: dict, field: str, value: object
) -> None:
    doc = {**doc, field: value}
    for scenario in doc.get("scenarios", []):
        scenario["steps"] = [*scenario["steps"], {"kind": "notify", field: value}]
    _clean(validate_document(loader.dump(doc), filename="f.yaml"))


def test_it_refuses_deep_nesting_cleanly() -> None:
    _clean(validate_document("schema: " + "[" * 5000, filename="f.yaml"))
    _clean(
        validate_document(
            "a:\n" + "".join(" " * i + "- \n" for i in range(2000)), filename="f.yaml"
        )
    )
