"""``each`` and ``fallback`` on tasks: one task per person holding the role, and who takes
over for a person who cannot (TES-10). Messages are plain Swedish with line and field."""

from __future__ import annotations

from reservrutin.routines.tests.keys import DEMO
from reservrutin.routines.tests.test_validation_errors import check

RESOLUTION = """\
resolution:
  - title: Efteråt
    tasks:
      - what: Efterregistrera dina tider.
{extra}
"""


def _resolution(extra: str, **kwargs: object) -> list[str]:
    return check(RESOLUTION.format(extra=extra), **kwargs)


def test_it_accepts_each_person_with_a_fallback_role() -> None:
    assert (
        _resolution(
            "        who: kundservice\n"
            "        each: person\n"
            "        fallback:\n"
            "          who: systemansvarig\n"
            "          what: Efterregistrera för den som inte kan.\n"
        )
        == []
    )


def test_it_accepts_each_person_on_duty_in_a_scenario_step() -> None:
    assert (
        check(
            """\
            scenarios:
              - key: a
                title: A
                scope: other
                steps:
                  - kind: task
                    who: kundservice
                    each: person_on_duty
                    what: Läs driftinfon.
            """
        )
        == []
    )


def test_it_asks_for_a_role_when_each_has_none() -> None:
    (error,) = _resolution("        each: person\n")
    assert error.endswith(
        "resolution[0].tasks[0]: ”each” behöver ”who”: skriv vilken roll som får en uppgift "
        "per person"
    ), error


def test_it_refuses_a_fallback_without_each() -> None:
    (error,) = _resolution(
        "        who: kundservice\n        fallback:\n          who: systemansvarig\n"
    )
    assert "”fallback” gäller bara uppgifter per person" in error, error


def test_it_names_the_allowed_values_of_each() -> None:
    (error,) = _resolution("        who: kundservice\n        each: everyone\n")
    assert error.endswith(
        "resolution[0].tasks[0].each: ska vara ett av: person, person_on_duty, men är texten "
        "”everyone”"
    ), error


def test_it_checks_the_fallback_role_against_the_registry() -> None:
    (error,) = _resolution(
        "        who: kundservice\n        each: person\n        fallback:\n          who: okand\n",
        registry=DEMO,
    )
    assert "resolution[0].tasks[0].fallback.who" in error, error
    assert "okand" in error, error
