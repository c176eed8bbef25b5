"""Import → export → import is lossless: for generated documents and for every seed."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings

from reservrutin.routines import loader
from reservrutin.routines.schema import Routine
from reservrutin.routines.tests.helpers import seed_texts
from reservrutin.routines.tests.strategies import document
from reservrutin.routines.validation import validate_document


def _parse(text: str) -> Routine:
    result = validate_document(text, filename="gen.yaml")
    loaded_errors = [str(p) for p in result.errors if result.document is None]
    assert loaded_errors == []
    assert result.document is not None
    return result.document


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document)
def test_it_round_trips_generated_documents(data: dict[str, Any]) -> None:
    expected = Routine.model_validate(data)
    first = _parse(loader.dump(data))
    assert first == expected
    exported = loader.dump(first.to_data())
    second = _parse(exported)
    assert second == first
    # The normalised form is a fixed point.
    assert loader.dump(second.to_data()) == exported


def test_it_round_trips_every_seed_through_the_normalised_form() -> None:
    for name, text in seed_texts().items():
        first = _parse(text.decode())
        second = _parse(loader.dump(first.to_data()))
        assert second == first, name
