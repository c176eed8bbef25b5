"""Hypothesis strategies for routine documents (valid shape, tricky text)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from reservrutin.routines.schema import SCHEMA_ID, SCHEMA_V1

# Strings YAML likes to turn into something else, and Swedish text.
TRICKY = [
    "yes",
    "no",
    "on",
    "off",
    "true",
    "null",
    "~",
    "10:00",
    "1.0",
    "0x10",
    "1e3",
    "2024-02-14",
    "- list",
    "key: value",
    "# hash",
    "'quoted'",
    '"dq"',
    "  leading",
    "trailing  ",
    "a\nb",
    "rad ett\nrad två\n",
    "Sjuksköterska ÅÄÖ åäö",
    "30 000",
    "0920-28 40 00",
    "&anchor",
    "*alias",
    "!tag",
    "%",
    "@",
    "`",
    "{brace}",
    "[bracket]",
    "|",
    ">",
    "ü\u00a0nbsp",
    "€",
]

plain_text = st.text(
    alphabet=st.characters(
        whitelist_categories=("L", "M", "N", "P", "S", "Zs"), max_codepoint=0x2FFF
    ),
    min_size=1,
    max_size=30,
).filter(lambda s: s.strip() != "" or True)
text = st.one_of(st.sampled_from(TRICKY), plain_text)
key = st.from_regex(r"[a-z][a-z0-9-]{0,12}", fullmatch=True)
ref = st.one_of(key, st.builds(lambda a, b: f"{a}:{b}", key, key))
duration = st.builds(
    lambda h, m: f"{h}h{m}min" if h and m else (f"{h}h" if h else f"{m or 5}min"),
    st.integers(0, 48),
    st.integers(0, 59),
)


def _opt(
    d: dict[str, Any], name: str, strategy: st.SearchStrategy[Any]
) -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(st.just(d), strategy.map(lambda v: {**d, name: v}))


task_step = st.fixed_dictionaries(
    {"kind": st.just("task"), "what": text},
    optional={
        "id": key,
        "who": ref,
        "due": st.sampled_from(["immediately", "when_back", "next_day"]),
    },
)
notify_step = st.fixed_dictionaries(
    {
        "kind": st.just("notify"),
        "what": text,
        "notify_roles": st.lists(ref, min_size=1, max_size=3),
    },
    optional={
        "who": ref,
        "if_off_duty": st.fixed_dictionaries(
            {"notify_roles": st.lists(ref, max_size=2)}, optional={"ticket_contact_point": ref}
        ),
    },
)
call_step = st.fixed_dictionaries(
    {
        "kind": st.just("call_contact_point"),
        "what": text,
        "contact_points": st.lists(
            st.fixed_dictionaries(
                {"key": ref}, optional={"when": st.sampled_from(["office_hours", "after_hours"])}
            ),
            min_size=1,
            max_size=3,
        ),
    }
)
broadcast_step = st.fixed_dictionaries(
    {"kind": st.just("phone_queue_broadcast"), "what": text, "text": text}
)
step = st.one_of(task_step, notify_step, call_step, broadcast_step)
action = st.one_of(
    st.fixed_dictionaries({"notify": st.lists(ref, min_size=1, max_size=3)}),
    st.fixed_dictionaries(
        {
            "create_tasks": st.lists(
                st.fixed_dictionaries({"what": text}, optional={"who": ref}), min_size=1, max_size=2
            )
        }
    ),
)
timer = st.fixed_dictionaries(
    {"key": key, "after": duration, "actions": st.lists(action, max_size=2)},
    optional={"condition": st.sampled_from(["always", "without_prognosis"]), "rearm": duration},
)
scenario = st.fixed_dictionaries(
    {
        "key": key,
        "title": text,
        "scope": st.sampled_from(["system_unreachable_for_all", "other", "power_short", "planned"]),
        "steps": st.lists(step, max_size=4),
    },
    optional={
        "recognise": text,
        "timers": st.lists(timer, max_size=2),
        "wait_for_instructions": st.booleans(),
    },
)
#: A v1 document: only fields v1 has (``routine upgrade`` turns it into v2).
v1_document = st.fixed_dictionaries(
    {
        "schema": st.just(SCHEMA_V1),
        "key": key,
        "title": text,
        "organisation": key,
        "version": text,
        "systems": st.lists(ref, min_size=1, max_size=3),
    },
    optional={
        "approved_by": text,
        "valid_to": st.dates(dt.date(2000, 1, 1), dt.date(2100, 1, 1)),
        "documents": st.lists(st.fixed_dictionaries({"title": text}), max_size=2),
        "scenarios": st.lists(scenario, max_size=2),
    },
)
document = st.fixed_dictionaries(
    {
        "schema": st.just(SCHEMA_ID),
        "key": key,
        "title": text,
        "organisation": key,
        "version": text,
        "systems": st.lists(ref, min_size=1, max_size=3),
    },
    optional={
        "approved_by": text,
        "approved_on": st.dates(dt.date(2000, 1, 1), dt.date(2100, 1, 1)),
        "document_type": text,
        "created_by": text,
        "purpose": text,
        "documents": st.lists(
            st.fixed_dictionaries(
                {"title": text},
                optional={
                    "url": st.just("https://example.org/a?b=c"),
                    "section": text,
                    "page": st.integers(1, 500),
                },
            ),
            max_size=2,
        ),
        "scenarios": st.lists(scenario, max_size=3),
        "outage_types": st.lists(text, max_size=3),
        "notes": st.lists(text, max_size=3),
    },
)
