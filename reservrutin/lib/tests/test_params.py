"""lib.params: one parser for request values; anything unusable is a BadParameter (400)."""

from __future__ import annotations

import uuid

import pytest

from reservrutin.lib.params import (
    BadParameter,
    has_unstorable,
    optional_int,
    optional_text,
    optional_uuid,
)

CODE = uuid.UUID("12345678-1234-5678-1234-567812345678")


def test_it_reads_good_values_and_absent_ones() -> None:
    assert optional_uuid({"x": str(CODE)}, "x") == CODE
    assert optional_uuid({}, "x") is None
    assert optional_uuid({"x": ""}, "x") is None
    assert optional_int({"x": "12"}, "x") == 12
    assert optional_int({}, "x") is None
    assert optional_text({"x": "unit-a"}, "x") == "unit-a"
    assert optional_text({}, "x") == ""


@pytest.mark.parametrize(
    ("parse", "raw"),
    [
        (optional_uuid, "not-a-uuid"),
        (optional_uuid, "1" * 5000),
        (optional_uuid, "12345678-1234-5678-1234-56781234567\x00"),
        (optional_int, "9" * 4300),
        (optional_int, "99999999999"),
        (optional_int, "²"),
        (optional_int, "-1"),
        (optional_int, "1.5"),
        (optional_text, "unit\x00"),
        (optional_text, "\ud800"),
        (optional_text, "x" * 201),
    ],
)
def test_it_refuses_unusable_values(parse: object, raw: str) -> None:
    with pytest.raises(BadParameter):
        parse({"x": raw}, "x")  # type: ignore[operator]


def test_it_knows_what_a_database_cannot_store() -> None:
    assert has_unstorable("a\x00b")
    assert has_unstorable("\udc80")
    assert not has_unstorable("åäö – 😀")


def test_a_multiple_choice_refuses_ids_no_integer_column_holds() -> None:
    from django.contrib.auth.models import Group
    from django.forms import ValidationError

    from reservrutin.lib.params import ModelMultipleChoiceField

    # No database here: the ids are refused before any query.
    field = ModelMultipleChoiceField(queryset=Group.objects.all())
    for value in ("9" * 4300, "99999999999999999999", "-1", "²"):
        with pytest.raises(ValidationError) as caught:
            field.clean([value])  # refused before any query
        assert caught.value.code == "invalid_pk_value"
