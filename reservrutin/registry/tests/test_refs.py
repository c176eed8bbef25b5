"""``org:key`` references parsed once into a typed value (issue 12)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reservrutin.registry.refs import Ref, RoleRef

KEYS = st.from_regex(r"\A[a-z0-9][a-z0-9-]{0,20}\Z")


def test_it_parses_an_own_key() -> None:
    ref = RoleRef.parse("kundservice")
    assert (ref.organisation_key, ref.role_key) == ("", "kundservice")
    assert str(ref) == "kundservice"


def test_it_parses_a_partner_key() -> None:
    ref = RoleRef.parse("lulea-kommun:kommun")
    assert (ref.organisation_key, ref.role_key) == ("lulea-kommun", "kommun")
    assert ref.qualified("region-norrbotten") == ref
    assert not ref.belongs_to("region-norrbotten")


def test_it_qualifies_an_own_key_with_the_organisation() -> None:
    ref = RoleRef.parse("kundservice").qualified("region-skane")
    assert ref == RoleRef("region-skane", "kundservice")
    assert ref.belongs_to("region-skane")


def test_it_refuses_an_empty_key() -> None:
    with pytest.raises(ValueError):
        Ref.parse("region-skane:")


@given(org=st.one_of(st.just(""), KEYS), key=KEYS)
def test_it_round_trips_through_text(org: str, key: str) -> None:
    ref = Ref(org, key)
    assert Ref.parse(str(ref)) == ref
