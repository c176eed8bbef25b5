"""Every family of routine-file message, in plain Swedish for the routine owner: what is wrong,
where (line, column, field path) and what to write instead (Principles 6 and 7).

One test per family: the loader's YAML problems, pydantic's error types as mapped in
messages.py, the validators in schema.py, and the semantic checker. The English translation
is in test_validation_messages_english.py.
"""

from __future__ import annotations

import textwrap
from typing import Any

import pytest
import yaml
from pydantic_core import ErrorDetails

from reservrutin.routines import messages
from reservrutin.routines.loader import Problem
from reservrutin.routines.validation import StaticRegistry, validate_document

HEAD = """\
schema: reservrutin/routine/v1
key: test
title: Test
organisation: region-a
version: "1"
systems: [journal]
"""

REGISTRY = StaticRegistry(
    orgs={
        "region-a": {
            "systems": {"journal", "lab"},
            "roles": {"kundservice", "systemansvarig"},
            "contact_points": {"servicedesk"},
        },
        "kommun-b": {"systems": set(), "roles": set(), "contact_points": set()},
        "leverantor-c": {},
    },
    partner_map={"region-a": {"kommun-b"}},
)


def problems(body: str = "", *, head: str = HEAD, registry: Any = None) -> list[str]:
    result = validate_document(head + textwrap.dedent(body), filename="t.yaml", registry=registry)
    return [str(p) for p in result.errors]


def warnings(body: str) -> list[str]:
    result = validate_document(HEAD + textwrap.dedent(body), filename="t.yaml")
    assert result.errors == []
    return [str(p) for p in result.warnings]


def scenario(*lines: str) -> str:
    """A scenario with the given extra lines (indented under it)."""
    extra = "".join(f"    {line}\n" for line in lines)
    return f"scenarios:\n  - key: a\n    title: A\n    scope: other\n{extra}"


# --- The loader: reading the file --------------------------------------------------------------


def test_it_explains_problems_with_the_file_itself() -> None:
    def first(source: str | bytes) -> str:
        (problem,) = validate_document(source, filename="t.yaml").errors
        return str(problem)

    assert first(b"") == "t.yaml:1:1: filen är tom; den ska innehålla en rutin"
    assert first(HEAD.encode() + "purpose: Vård\n".encode("cp1252")) == (
        "t.yaml:7:11: filen innehåller ett tecken som inte är UTF-8 (byte 0xe5); spara filen "
        "med teckenkodningen UTF-8"
    )
    assert first(HEAD + "purpose: a\x07b\n") == (
        "t.yaml:7:11: tecknet U+0007 är ett styrtecken som inte får finnas i en rutinfil; ta "
        "bort det"
    )
    assert first(HEAD + "notes:\n\t- a\n") == (
        "t.yaml:8:1: tabbtecken; använd mellanslag för indrag och mellan värden"
    )
    assert first(HEAD + "notes: [" + "x, " * 400_000 + "]\n") == (
        "t.yaml:1:1: filen är för stor (1200118 byte); en rutinfil får vara högst 1048576 byte "
        "(1 MB)"
    )


def test_it_explains_what_the_format_does_not_allow() -> None:
    assert problems("title: Igen\n") == [
        "t.yaml:7:1: title: fältet ”title” står redan på rad 3; varje fält får bara stå en gång"
    ]
    assert problems("notes: !!python/object:os.system [x]\n") == [
        "t.yaml:7:8: notes: taggar (tag:yaml.org,2002:python/object:os.system) stöds inte; ta "
        "bort taggen"
    ]
    assert problems("purpose: !text x\n") == [
        "t.yaml:7:10: purpose: taggar (!text) stöds inte; ta bort taggen"
    ]
    assert problems("notes: &a [x]\npurpose: *a\n") == [
        "t.yaml:7:8: purpose: ankare och alias (&, *) stöds inte; skriv ut värdet i stället"
    ]
    assert problems("[a]: x\n") == ["t.yaml:7:1: ett fältnamn måste vara vanlig text"]
    assert problems("approved_on: 2024-02-30\n") == [
        "t.yaml:7:14: approved_on: ”2024-02-30” är inget giltigt datum; skriv ÅÅÅÅ-MM-DD, "
        "t.ex. 2024-02-14"
    ]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "purpose: Ring 112: nu\n",
            "t.yaml:7:18: ogiltig YAML: ett kolon (:) står där det inte får stå; om texten "
            "innehåller ”: ”, sätt citattecken runt hela texten, annars kontrollera indraget",
        ),
        (
            "notes: [a, b\n",
            "t.yaml:8:1: ogiltig YAML: listan som börjar med [ på rad 7 avslutas inte med ]; "
            "kontrollera också kommatecknen mellan värdena",
        ),
        (
            "reporting: {text: a\n",
            "t.yaml:8:1: ogiltig YAML: fälten inom { på rad 7 avslutas inte med }; kontrollera "
            "också kommatecknen mellan fälten",
        ),
        (
            'purpose: "Ring servicedesk\n',
            "t.yaml:8:1: ogiltig YAML: citattecknet på rad 7 avslutas aldrig; avsluta texten med "
            "samma sorts citattecken",
        ),
        (
            "notes: [\n",
            "t.yaml:8:1: ogiltig YAML: filen tar slut där ett värde ska stå; kontrollera att [ "
            "avslutas med ] och { med }",
        ),
        (
            "scenarios:\n  - key: a\n   title: b\n",
            "t.yaml:9:4: ogiltig YAML: raden passar inte in här; kontrollera indraget (fält på "
            "samma nivå börjar i samma kolumn) och att inget står efter en text inom citattecken",
        ),
        (
            "purpose: @region\n",
            "t.yaml:7:10: ogiltig YAML: ett värde får inte börja med ”@”; sätt citattecken runt "
            "texten",
        ),
        (
            "---\nkey: x\n",
            "t.yaml:7:1: ogiltig YAML: filen innehåller mer än ett dokument (---); en rutinfil "
            "innehåller en rutin",
        ),
        (
            "purpose: *viktigt\n",
            "t.yaml:7:10: ogiltig YAML: ett värde som börjar med * eller & läses som ett alias "
            "eller ankare, och de stöds inte; sätt citattecken runt texten",
        ),
        (
            "purpose: *viktigt*\n",
            "t.yaml:7:18: ogiltig YAML: ett värde som börjar med * eller & läses som ett alias "
            "eller ankare, och de stöds inte; sätt citattecken runt texten",
        ),
        (
            "purpose:Ring\nnotes: [a]\n",
            "t.yaml:8:1: ogiltig YAML: ett kolon följt av mellanslag (: ) saknas efter fältnamnet",
        ),
        (
            'purpose: "C:\\data"\n',
            "t.yaml:7:14: ogiltig YAML: ett omvänt snedstreck (\\) inom dubbla citattecken måste "
            "skrivas \\\\; använd annars enkla citattecken (') runt texten",
        ),
        (
            "notes: - a\n",
            "t.yaml:7:8: ogiltig YAML: en listrad (- ) står där den inte får stå; kontrollera "
            "indraget",
        ),
        # A parser problem nobody writes by hand keeps PyYAML's words.
        (
            "purpose: |0\n  x\n",
            "t.yaml:7:11: ogiltig YAML: expected indentation indicator in the range 1-9, but "
            "found 0 (while scanning a block scalar)",
        ),
    ],
)
def test_it_explains_yaml_syntax_errors(body: str, expected: str) -> None:
    assert problems(body) == [expected]


def test_it_falls_back_to_the_parser_s_words_without_a_problem() -> None:
    exc = yaml.MarkedYAMLError(problem=None)
    assert messages.yaml_error(exc).startswith("ogiltig YAML: ")


# --- The top of the document ---------------------------------------------------------------


def test_it_explains_a_document_that_is_not_a_routine() -> None:
    def first(text: str) -> str:
        (problem,) = validate_document(text, filename="t.yaml").errors
        return str(problem)

    assert first("- a\n") == (
        "t.yaml:1:1: filen ska börja med ”schema: reservrutin/routine/v2” följt av rutinens "
        "fält, men innehåller en lista"
    )
    assert first("Reservrutin för Sesam\n") == (
        "t.yaml:1:1: filen ska börja med ”schema: reservrutin/routine/v2” följt av rutinens "
        "fält, men innehåller texten ”Reservrutin för Sesam”"
    )
    assert first("key: x\n") == (
        "t.yaml:1:1: schema: fältet ”schema” saknas; skriv ”schema: reservrutin/routine/v2” "
        "överst i filen"
    )
    assert first("schema: reservrutin/routine/v3\n") == (
        "t.yaml:1:9: schema: ska vara ”reservrutin/routine/v2”, men är texten "
        "”reservrutin/routine/v3”"
    )
    assert first("schema: " + "[" * 5000) == (
        "t.yaml:1:1: texten har för många nivåer av listor och fält inuti varandra"
    )


# --- Shape: pydantic's error types -------------------------------------------------------------


def test_missing_fields() -> None:
    assert problems(scenario("steps:", "  - kind: notify", "    what: Ring")) == [
        "t.yaml:12:9: scenarios[0].steps[0].notify_roles: fältet ”notify_roles” saknas"
    ]
    assert problems(head=HEAD.replace("title: Test\n", "")) == [
        "t.yaml:1:1: title: fältet ”title” saknas"
    ]


def test_unknown_fields_list_the_allowed_ones_and_guess_the_misspelt() -> None:
    assert problems(scenario("stpes: []")) == [
        "t.yaml:11:5: scenarios[0].stpes: okänt fält ”stpes” – menade du ”steps”? Tillåtna "
        "fält: key, title, scope, recognise, systems, suggest_when, wait_for_instructions, steps, timers, "
        "staff_instructions, notes, public"
    ]
    assert problems(scenario("steps: [{kind: task, what: x, vem: a}]")) == [
        "t.yaml:11:35: scenarios[0].steps[0].vem: okänt fält ”vem”; tillåtna fält: id, who, "
        "what, documents, kind, due, each, fallback"
    ]
    assert messages.unknown_field("x", None) == "okänt fält ”x”"


def test_text_fields_say_what_was_written_and_how_to_fix_it() -> None:
    assert problems("purpose: 12\n") == [
        "t.yaml:7:10: purpose: ska vara text, men är ett tal (12); sätt citattecken runt värdet"
    ]
    assert problems("purpose: true\n") == [
        "t.yaml:7:10: purpose: ska vara text, men är ett sant/falskt-värde (true); sätt "
        "citattecken runt värdet"
    ]
    assert problems("purpose: 2024-02-14\n") == [
        "t.yaml:7:10: purpose: ska vara text, men är ett datum (2024-02-14); sätt citattecken "
        "runt värdet"
    ]
    assert problems("notes:\n  - Ring: nu\n") == [
        "t.yaml:8:5: notes[0]: ska vara text, men är en grupp fält; om texten innehåller ”: ”, "
        "sätt citattecken runt hela texten"
    ]
    assert problems("title:\n", head=HEAD.replace("title: Test\n", "")) == [
        "t.yaml:6:7: title: ska vara text, men är tomt; skriv ett värde"
    ]
    assert problems("purpose: [a]\n") == ["t.yaml:7:10: purpose: ska vara text, men är en lista"]


def test_numbers_and_true_false() -> None:
    notice = "planned_outages:\n  notices:\n    - {{days_before: {}, channels: [sms]}}\n"
    assert problems(notice.format('"3"')) == [
        "t.yaml:9:21: planned_outages.notices[0].days_before: ska vara ett heltal, men är "
        "texten ”3”"
    ]
    assert problems(notice.format("1.5")) == [
        "t.yaml:9:21: planned_outages.notices[0].days_before: ska vara ett heltal, men är ett "
        "tal (1.5)"
    ]
    assert problems(notice.format("-1")) == [
        "t.yaml:9:21: planned_outages.notices[0].days_before: ska vara minst 0, men är -1"
    ]
    assert problems(notice.format("400")) == [
        "t.yaml:9:21: planned_outages.notices[0].days_before: får vara högst 365, men är 400"
    ]
    assert problems(scenario("wait_for_instructions: ja")) == [
        "t.yaml:11:28: scenarios[0].wait_for_instructions: ska vara true eller false, men är "
        "texten ”ja”"
    ]


def test_lists_and_groups_of_fields() -> None:
    assert problems(head=HEAD.replace("[journal]", "journal")) == [
        "t.yaml:6:10: systems: ska vara en lista, men är texten ”journal”; skriv [journal] "
        "eller ett värde per rad som börjar med ”- ”"
    ]
    assert problems(head=HEAD.replace("[journal]", "[]")) == [
        "t.yaml:6:10: systems: listan får inte vara tom; skriv minst ett värde"
    ]
    assert problems("reporting: Ring servicedesk\n") == [
        "t.yaml:7:12: reporting: ska vara en grupp fält (namn: värde), men är texten ”Ring "
        "servicedesk”"
    ]
    assert problems(scenario("steps: [Ring servicedesk]")) == [
        "t.yaml:11:13: scenarios[0].steps[0]: ska vara en grupp fält (namn: värde), men är "
        "texten ”Ring servicedesk”"
    ]


def test_choices_list_the_allowed_values() -> None:
    assert problems(scenario().replace("scope: other", "scope: planerat")) == [
        "t.yaml:10:12: scenarios[0].scope: ska vara ett av: region_wide_it_collapse, "
        "system_unreachable_for_all, local_loss_of_contact, telephony_disrupted, power_short, "
        "power_long, wifi_down, mobile_network_down, login_service_down, planned, other, men "
        "är texten ”planerat”; menade du ”planned”?"
    ]
    # Either "all" or a list: both ways are said.
    assert problems("preparedness:\n  - {key: p, text: x, recurrence: daily, units: alla}\n") == [
        "t.yaml:8:49: preparedness[0].units: ska vara ”all”, men är texten ”alla”; eller ska "
        "vara en lista, men är texten ”alla”; skriv [alla] eller ett värde per rad som börjar "
        "med ”- ”"
    ]


def test_step_kinds() -> None:
    assert problems(scenario("steps: [{kind: notfy, what: x}]")) == [
        "t.yaml:11:20: scenarios[0].steps[0].kind: okänt värde ”notfy” i ”kind”; tillåtna "
        "värden: notify, contact_supplier, call_contact_point, publish_notice, inform_callers, "
        "phone_queue_broadcast, wait_for_instructions, task; menade du ”notify”?"
    ]
    assert problems(scenario("steps: [{what: x}]")) == [
        "t.yaml:11:13: scenarios[0].steps[0]: fältet ”kind” saknas; tillåtna värden: notify, "
        "contact_supplier, call_contact_point, publish_notice, inform_callers, "
        "phone_queue_broadcast, wait_for_instructions, task"
    ]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "owner_role: Systemägare\n",
            "t.yaml:7:13: owner_role: ska vara en nyckel ur registret med små bokstäver a–z, "
            "siffror och bindestreck, t.ex. kundservice, eller organisation:nyckel för en "
            "samverkande organisation, men är texten ”Systemägare”",
        ),
        (
            "templates: [{key: Driftinfo, kind: notice, text: x}]\n",
            "t.yaml:7:19: templates[0].key: ska vara en nyckel med små bokstäver a–z, siffror "
            "och bindestreck (utan å, ä, ö och mellanslag), t.ex. sesam-lmn, men är texten "
            "”Driftinfo”",
        ),
        (
            "resolution: [{max_duration: 4 timmar, tasks: [{what: x}]}]\n",
            "t.yaml:7:29: resolution[0].max_duration: ska vara en tidslängd som 30min, 4h, 10h, "
            "1d eller 1h30min, men är texten ”4 timmar”",
        ),
        (
            "planned_outages:\n  service_windows:\n    - {key: w, title: W, rrule: "
            "'FREQ=WEEKLY', starts: '9.00', ends: '11:00'}\n",
            "t.yaml:9:56: planned_outages.service_windows[0].starts: ska vara ett klockslag som "
            "TT:MM, t.ex. 10:00, men är texten ”9.00”",
        ),
        (
            "planned_outages:\n  service_windows:\n    - {key: w, title: W, rrule: "
            "varje vecka, starts: '09:00', ends: '11:00'}\n",
            "t.yaml:9:33: planned_outages.service_windows[0].rrule: ska vara en "
            "upprepningsregel (iCalendar RRULE) som börjar med FREQ=, t.ex. "
            "FREQ=MONTHLY;BYDAY=+2WE, men är texten ”varje vecka”",
        ),
        (
            "documents: [{title: Blankett, url: www.region.se}]\n",
            "t.yaml:7:36: documents[0].url: ska vara en webbadress som börjar med https://, men "
            "är texten ”www.region.se”",
        ),
    ],
)
def test_patterns_are_said_in_words(body: str, expected: str) -> None:
    assert problems(body) == [expected]


def test_lengths() -> None:
    assert problems(head=HEAD.replace("title: Test", 'title: ""')) == [
        "t.yaml:3:8: title: får inte vara tomt; skriv en text"
    ]
    assert problems(head=HEAD.replace("title: Test", "title: " + "x" * 301)) == [
        "t.yaml:3:8: title: är för långt (301 tecken); det får vara högst 300 tecken"
    ]


def test_dates() -> None:
    assert problems('approved_on: "2024-02-14"\n') == [
        "t.yaml:7:14: approved_on: ska vara ett datum som ÅÅÅÅ-MM-DD, t.ex. 2024-02-14, men är "
        "texten ”2024-02-14”; ta bort citattecknen runt datumet"
    ]
    assert problems("approved_on: 14 februari 2024\n") == [
        "t.yaml:7:14: approved_on: ska vara ett datum som ÅÅÅÅ-MM-DD, t.ex. 2024-02-14, men är "
        "texten ”14 februari 2024”"
    ]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "scenarios: [{key: a, title: A, scope: other, timers: [{key: t, after: 0min}]}]\n",
            "t.yaml:7:71: scenarios[0].timers[0].after: en tidslängd måste vara längre än noll",
        ),
        (
            "planned_outages:\n  service_windows:\n    - {key: w, title: W, rrule: "
            "'FREQ=SOMETIMES', starts: '10:00', ends: '11:00'}\n",
            "t.yaml:9:33: planned_outages.service_windows[0].rrule: ”FREQ=SOMETIMES” går inte "
            "att använda som upprepningsregel: Upprepningen måste vara dag, vecka, månad eller "
            "år (FREQ=…).",
        ),
        (
            "planned_outages:\n  service_windows:\n    - {key: w, title: W, rrule: "
            "'FREQ=WEEKLY', starts: '11:00', ends: '10:00'}\n",
            "t.yaml:9:7: planned_outages.service_windows[0]: ”ends” måste vara senare än ”starts”",
        ),
        (
            "parties: [{kind: other, duties: [x]}]\n",
            "t.yaml:7:11: parties[0]: en part behöver ”name”, ”organisation” eller ”role”",
        ),
        (
            "scenarios: [{key: a, title: A, scope: other, timers: [{key: t, after: 1h, "
            "actions: [{}]}]}]\n",
            "t.yaml:7:85: scenarios[0].timers[0].actions[0]: en åtgärd ska ha ett av fälten "
            "activate_backup_routine, publish_notice, notify eller create_tasks, men har inget",
        ),
        (
            "scenarios: [{key: a, title: A, scope: other, timers: [{key: t, after: 1h, "
            "actions: [{notify: [a], publish_notice: b}]}]}]\n",
            "t.yaml:7:85: scenarios[0].timers[0].actions[0]: en åtgärd ska ha ett av fälten "
            "activate_backup_routine, publish_notice, notify eller create_tasks, men har "
            "publish_notice, notify; skriv en åtgärd per listrad",
        ),
        (
            "resolution: [{min_duration: 10h, max_duration: 4h, tasks: [{what: x}]}]\n",
            "t.yaml:7:14: resolution[0]: ”min_duration” måste vara kortare än ”max_duration”",
        ),
        (
            "planned_outages:\n  notices: [{days_before: 7, days_before_max: 3, channels: "
            "[sms]}]\n",
            "t.yaml:8:13: planned_outages.notices[0]: ”days_before_max” får inte vara mindre än "
            "”days_before”",
        ),
        (
            "valid_from: 2024-02-14\nvalid_to: 2024-01-01\n",
            "t.yaml:1:1: ”valid_to” får inte vara före ”valid_from”",
        ),
    ],
)
def test_rules_across_fields(body: str, expected: str) -> None:
    assert problems(body) == [expected]


def _error(kind: str, value: Any = "x", **ctx: Any) -> ErrorDetails:
    return ErrorDetails(type=kind, loc=("f",), msg=f"pydantic says {kind}", input=value, ctx=ctx)


def test_types_no_routine_field_uses_yet() -> None:
    """The families the schema cannot produce today still read as plain Swedish."""

    def say(err: ErrorDetails) -> str:
        return messages.pydantic_error(err, fields=None, tags=[])

    assert say(_error("float_type")) == "ska vara ett tal, men är texten ”x”"
    assert say(_error("datetime_parsing")) == (
        "ska vara en tidpunkt som ÅÅÅÅ-MM-DD TT:MM, t.ex. 2024-02-14 10:00, men är texten ”x”"
    )
    assert say(_error("time_type", 5)) == (
        "ska vara ett klockslag som TT:MM, t.ex. 10:00, men är ett tal (5)"
    )
    assert say(_error("enum", "c", expected="'a' or 'b'")) == (
        "ska vara ett av: a, b, men är texten ”c”"
    )
    assert say(_error("string_pattern_mismatch", "x", pattern="^y$")) == (
        "har fel form (ska passa mönstret ^y$), men är texten ”x”"
    )
    assert say(_error("string_too_short", "x", min_length=3)) == "ska vara minst 3 tecken långt"
    assert say(_error("too_short", [1], min_length=2, actual_length=1)) == (
        "listan ska ha minst 2 värden, men har 1"
    )
    assert say(_error("too_long", [1, 2], max_length=1, actual_length=2)) == (
        "listan får ha högst 1 värde, men har 2"
    )
    assert say(_error("greater_than", 0, gt=0)) == "ska vara större än 0, men är 0"
    assert say(_error("less_than", 9, lt=9)) == "ska vara mindre än 9, men är 9"
    assert say(_error("dict_type", [])) == "ska vara en grupp fält (namn: värde), men är en lista"
    # Something unforeseen keeps pydantic's words and says what was written.
    assert say(_error("uuid_type", 12)) == "pydantic says uuid_type; värdet är ett tal (12)"


def test_a_long_value_is_shortened() -> None:
    assert messages.value_text("a" * 100) == "texten ”" + "a" * 59 + "…”"


# --- Meaning: ids, references, cycles, warnings, the registry ---------------------------------


def test_keys_used_twice() -> None:
    body = """\
        roles: [{key: kundservice}, {key: kundservice}]
        scenarios:
          - key: a
            title: A
            scope: other
            steps: [{kind: task, what: x}]
            timers: [{key: t, after: 1h, actions: [{notify: [kundservice]}]}, {key: t, after: 2h, actions: [{notify: [kundservice]}]}]
        backup_routines: [{key: b, title: B}, {key: b, title: C}]
        preparedness:
          - {key: p, text: x, recurrence: daily}
          - {key: p, text: y, recurrence: daily}
        reporting:
          required_fields: [{key: namn, label: Namn}, {key: namn, label: Namn igen}]
        planned_outages:
          service_windows:
            - {key: w, title: W, rrule: FREQ=WEEKLY, starts: "10:00", ends: "11:00"}
            - {key: w, title: W, rrule: FREQ=WEEKLY, starts: "10:00", ends: "11:00"}
        """
    assert problems(body) == [
        "t.yaml:13:77: scenarios[0].timers[1].key: nyckeln ”t” används redan på rad 13; varje "
        "tidsgräns behöver en egen nyckel",
        "t.yaml:14:45: backup_routines[1].key: nyckeln ”b” används redan på rad 14; varje "
        "reservrutin behöver en egen nyckel",
        "t.yaml:17:11: preparedness[1].key: nyckeln ”p” används redan på rad 16; varje "
        "beredskapspunkt behöver en egen nyckel",
        "t.yaml:7:35: roles[1].key: rollen ”kundservice” står redan på rad 7; varje roll får "
        "bara stå en gång",
        "t.yaml:23:13: planned_outages.service_windows[1].key: nyckeln ”w” används redan på "
        "rad 22; varje servicefönster behöver en egen nyckel",
        "t.yaml:19:53: reporting.required_fields[1].key: nyckeln ”namn” används redan på rad "
        "19; varje obligatoriskt fält behöver en egen nyckel",
    ]


def test_references_inside_the_routine() -> None:
    assert problems(
        """\
        templates: [{key: driftinfo, kind: notice, text: x}, {key: lavin, kind: broadcast, text: y}]
        backup_routines: [{key: papper, title: P, then_activate: fax}]
        scenarios:
          - key: a
            title: A
            scope: other
            steps: [{kind: publish_notice, what: x, template: driftinf}]
        """
    ) == [
        "t.yaml:13:55: scenarios[0].steps[0].template: okänd mall ”driftinf”; rutinens mallar: "
        "driftinfo, lavin",
        "t.yaml:8:58: backup_routines[0].then_activate: okänd reservrutin ”fax”; rutinens "
        "reservrutiner: papper",
    ]
    assert problems(
        "backup_routines: [{key: a, title: A, then_activate: b}, {key: b, title: B, "
        "then_activate: a}]\n"
    ) == [
        "t.yaml:7:91: backup_routines[1].then_activate: reservrutinerna startar varandra i en "
        "cirkel (a → b → a); en kedja av then_activate måste ta slut"
    ]


def test_steps_that_need_one_of_two_fields() -> None:
    assert problems(
        scenario("steps: [{kind: inform_callers, what: x}, {kind: phone_queue_broadcast, what: y}]")
    ) == [
        "t.yaml:11:13: scenarios[0].steps[0]: steget inform_callers behöver ”script” eller "
        "”template”",
        "t.yaml:11:46: scenarios[0].steps[1]: steget phone_queue_broadcast behöver ”text” "
        "eller ”template”",
    ]


def test_warnings() -> None:
    assert warnings(
        """\
        scenarios:
          - {key: a, title: A, scope: other}
          - key: b
            title: B
            scope: other
            wait_for_instructions: true
            timers: [{key: t, after: 1h}]
        """
    ) == [
        "t.yaml:8:5: scenarios[0]: scenariot ”a” har inga steg",
        "t.yaml:13:13: scenarios[1].timers: tidsgränser löser aldrig ut i ett scenario som "
        "väntar på instruktioner (LMN-06)",
        "t.yaml:13:14: scenarios[1].timers[0]: tidsgränsen ”t” har inga åtgärder; den löser ut "
        "utan att något händer",
    ]


def test_keys_the_registry_does_not_know() -> None:
    assert problems(
        """\
        owner_role: kundtjanst
        roles: [{key: 'kommun-b:hemtjanst'}, {key: 'leverantor-c:support'}, {key: 'okand:x'}]
        reporting:
          contact_points: [{key: helpdesk}]
        parties: [{organisation: visma, kind: other, duties: [x]}]
        """,
        head=HEAD.replace("[journal]", "[journal, labb, 'kommun-b:journal']"),
        registry=REGISTRY,
    ) == [
        "t.yaml:6:20: systems[1]: okänt system ”labb” i region-a; i registret finns: journal, lab",
        "t.yaml:6:26: systems[2]: okänt system ”journal” i kommun-b; registret har inga system "
        "för kommun-b",
        "t.yaml:7:13: owner_role: okänd roll ”kundtjanst” i region-a; i registret finns: "
        "kundservice, systemansvarig",
        "t.yaml:11:26: parties[0].organisation: okänd organisation ”visma”; använd en nyckel ur "
        "registret",
        "t.yaml:8:15: roles[0].key: okänd roll ”hemtjanst” i kommun-b; registret har inga "
        "roller för kommun-b",
        "t.yaml:8:44: roles[1].key: ”leverantor-c” är ingen samverkande organisation till "
        "”region-a”; använd en nyckel från region-a eller från en samverkande organisation "
        "(kommun-b)",
        "t.yaml:8:75: roles[2].key: okänd organisation ”okand” i ”okand:x”",
        "t.yaml:10:26: reporting.contact_points[0].key: okänd kontaktväg ”helpdesk” i "
        "region-a; i registret finns: servicedesk",
    ]
    assert problems(
        "roles: [{key: 'region-a:kundservice'}]\nreporting: {contact_points: [{key: x}]}\n",
        head=HEAD.replace("region-a", "leverantor-c").replace("[journal]", "['region-a:journal']"),
        registry=REGISTRY,
    ) == [
        "t.yaml:6:11: systems[0]: ”region-a” är ingen samverkande organisation till "
        "”leverantor-c”; använd en nyckel från leverantor-c (registret har inga samverkande "
        "organisationer för leverantor-c)",
        "t.yaml:7:15: roles[0].key: ”region-a” är ingen samverkande organisation till "
        "”leverantor-c”; använd en nyckel från leverantor-c (registret har inga samverkande "
        "organisationer för leverantor-c)",
        "t.yaml:8:36: reporting.contact_points[0].key: okänd kontaktväg ”x” i leverantor-c; "
        "registret har inga kontaktvägar för leverantor-c",
    ]
    assert problems(head=HEAD.replace("region-a", "region-z"), registry=REGISTRY) == [
        "t.yaml:4:15: organisation: okänd organisation ”region-z”; använd en nyckel ur registret"
    ]


def test_problems_keep_their_place() -> None:
    """Whatever the language, a problem names file, line, column and field path."""
    (problem,) = validate_document(HEAD + "purpose: 12\n", filename="t.yaml").errors
    assert problem == Problem(
        "t.yaml",
        7,
        10,
        "purpose",
        "ska vara text, men är ett tal (12); sätt citattecken runt värdet",
    )
