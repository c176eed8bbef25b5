"""Plain-Swedish messages for problems in routine files (Principles 6 and 7).

The people who read these are routine owners (unit managers, system owners), not
programmers, so each message says what is wrong and, where we can tell, what to write
instead. Field names, keys and values from the document are quoted as written: they are the
format's words and stay the same in every language.

Every message is a Swedish msgid translated with ``gettext`` *when the problem is found*, so
the upload page and the command line show it in the language active then (English through the
language switch or ``routine validate --language en``). Nothing here may be translated at
import time.

This module turns pydantic's error types and PyYAML's parser problems into such messages and
holds the tables of the semantic checks (keys used twice, keys the registry lacks);
``loader.py``, ``schema.py`` and ``validation.py`` write their other messages where they find
the problem.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from typing import Any

import yaml
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext
from pydantic_core import ErrorDetails

from reservrutin.routines.schema import DURATION_PATTERN, KEY_PATTERN, REF_PATTERN, TIME_PATTERN

#: Longest value quoted back in a message; a pasted paragraph would drown the message.
_MAX_SHOWN = 60

#: Regular expressions say little to the people who write routines; say what is expected.
_PATTERN_MEANING = {
    KEY_PATTERN: gettext_noop(
        "ska vara en nyckel med små bokstäver a–z, siffror och bindestreck (utan å, ä, ö och "
        "mellanslag), t.ex. sesam-lmn, men är %(got)s"
    ),
    REF_PATTERN: gettext_noop(
        "ska vara en nyckel ur registret med små bokstäver a–z, siffror och bindestreck, t.ex. "
        "kundservice, eller organisation:nyckel för en samverkande organisation, men är %(got)s"
    ),
    DURATION_PATTERN: gettext_noop(
        "ska vara en tidslängd som 30min, 4h, 10h, 1d eller 1h30min, men är %(got)s"
    ),
    TIME_PATTERN: gettext_noop("ska vara ett klockslag som TT:MM, t.ex. 10:00, men är %(got)s"),
    r"^FREQ=": gettext_noop(
        "ska vara en upprepningsregel (iCalendar RRULE) som börjar med FREQ=, t.ex. "
        "FREQ=MONTHLY;BYDAY=+2WE, men är %(got)s"
    ),
    r"^https?://\S+$": gettext_noop(
        "ska vara en webbadress som börjar med https://, men är %(got)s"
    ),
}

#: "should be <type>, but is <value>", by the family of pydantic's error type.
_TYPE_EXPECTED = {
    "string": gettext_noop("ska vara text, men är %(got)s"),
    "int": gettext_noop("ska vara ett heltal, men är %(got)s"),
    "float": gettext_noop("ska vara ett tal, men är %(got)s"),
    "bool": gettext_noop("ska vara true eller false, men är %(got)s"),
    "list": gettext_noop("ska vara en lista, men är %(got)s"),
    "mapping": gettext_noop("ska vara en grupp fält (namn: värde), men är %(got)s"),
    "date": gettext_noop("ska vara ett datum som ÅÅÅÅ-MM-DD, t.ex. 2024-02-14, men är %(got)s"),
    "datetime": gettext_noop(
        "ska vara en tidpunkt som ÅÅÅÅ-MM-DD TT:MM, t.ex. 2024-02-14 10:00, men är %(got)s"
    ),
    "time": gettext_noop("ska vara ett klockslag som TT:MM, t.ex. 10:00, men är %(got)s"),
}

#: A number outside its bounds: the message and the name of the bound in pydantic's context.
_BOUNDS = {
    "greater_than_equal": (gettext_noop("ska vara minst %(limit)s, men är %(value)s"), "ge"),
    "greater_than": (gettext_noop("ska vara större än %(limit)s, men är %(value)s"), "gt"),
    "less_than_equal": (gettext_noop("får vara högst %(limit)s, men är %(value)s"), "le"),
    "less_than": (gettext_noop("ska vara mindre än %(limit)s, men är %(value)s"), "lt"),
}

_FAMILY = {
    "string_type": "string",
    "string_sub_type": "string",
    "string_unicode": "string",
    "int_type": "int",
    "int_parsing": "int",
    "int_parsing_size": "int",
    "int_from_float": "int",
    "float_type": "float",
    "float_parsing": "float",
    "bool_type": "bool",
    "bool_parsing": "bool",
    "list_type": "list",
    "tuple_type": "list",
    "set_type": "list",
    "dict_type": "mapping",
    "model_type": "mapping",
    "model_attributes_type": "mapping",
    "dataclass_type": "mapping",
}

_DATE_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_QUOTED = re.compile(r"'([^']*)'")


# --- Words shared by every message --------------------------------------------------------------


def value_text(value: Any) -> str:
    """What a value is, in words, with the value itself where it is short ("ett tal (12)")."""
    if value is None:
        return _("tomt")
    if isinstance(value, bool):
        return _("ett sant/falskt-värde (%(value)s)") % {"value": "true" if value else "false"}
    if isinstance(value, int | float):
        return _("ett tal (%(value)s)") % {"value": value}
    if isinstance(value, dt.date):
        return _("ett datum (%(value)s)") % {"value": value.isoformat()}
    if isinstance(value, str):
        return _("texten ”%(value)s”") % {"value": _shorten(value)}
    if isinstance(value, list):
        return _("en lista")
    if isinstance(value, dict):
        return _("en grupp fält")
    return type(value).__name__


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 1] + "…"


def listing(items: list[str]) -> str:
    """Keys or values as a comma-separated list (they are the format's words, untranslated)."""
    return ", ".join(items)


def suggestion(word: str, choices: list[str]) -> str | None:
    """The allowed word closest to a misspelt one (``stpes`` → ``steps``), if any is close."""
    found = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return found[0] if found else None


def with_hint(message: str, hint: str | None) -> str:
    return f"{message}; {hint}" if hint else message


def alternatives(messages: list[str]) -> str:
    """Several ways a value could have been right (a union): "…; eller …"."""
    text = messages[0]
    for other in messages[1:]:
        text = _("%(message)s; eller %(alternative)s") % {"message": text, "alternative": other}
    return text


def _expected_values(ctx: dict[str, Any], key: str) -> list[str]:
    """pydantic writes the allowed values as English text ("'a', 'b' or 'c'"); take them out."""
    return _QUOTED.findall(str(ctx.get(key, "")))


def missing_field(field: str | int | None) -> str:
    if field is None or isinstance(field, int):
        return _("ett obligatoriskt fält saknas")
    return _("fältet ”%(field)s” saknas") % {"field": field}


def unknown_field(field: str, allowed: list[str] | None) -> str:
    if not allowed:
        return _("okänt fält ”%(field)s”") % {"field": field}
    near = suggestion(field, allowed)
    params = {"field": field, "allowed": listing(allowed), "suggestion": near}
    if near:
        return (
            _("okänt fält ”%(field)s” – menade du ”%(suggestion)s”? Tillåtna fält: %(allowed)s")
            % params
        )
    return _("okänt fält ”%(field)s”; tillåtna fält: %(allowed)s") % params


# --- pydantic's error types ---------------------------------------------------------------------


def pydantic_error(err: ErrorDetails, *, fields: list[str] | None, tags: list[str]) -> str:
    """One pydantic error as a plain-Swedish message.

    ``fields`` are the fields allowed where the error is (for an unknown field), ``tags``
    the values allowed for the discriminator of a tagged union (a step's ``kind``).
    """
    kind = err["type"]
    ctx: dict[str, Any] = dict(err.get("ctx") or {})
    value = err.get("input")
    got = value_text(value)
    loc = err["loc"]

    if kind == "missing":
        return missing_field(loc[-1] if loc else None)
    if kind == "extra_forbidden":
        return unknown_field(str(loc[-1]), fields)
    if kind == "union_tag_not_found":
        field = str(ctx.get("discriminator", "kind")).strip("'")
        if tags:
            return _("fältet ”%(field)s” saknas; tillåtna värden: %(expected)s") % {
                "field": field,
                "expected": listing(tags),
            }
        return missing_field(field)
    if kind == "union_tag_invalid":
        field = str(ctx.get("discriminator", "kind")).strip("'")
        tag = str(ctx.get("tag", ""))
        expected = _expected_values(ctx, "expected_tags") or tags
        message = _("okänt värde ”%(value)s” i ”%(field)s”; tillåtna värden: %(expected)s") % {
            "value": tag,
            "field": field,
            "expected": listing(expected),
        }
        return with_hint(message, _did_you_mean(tag, expected))
    if kind in ("literal_error", "enum"):
        expected = _expected_values(ctx, "expected")
        if len(expected) == 1:
            return _("ska vara ”%(expected)s”, men är %(got)s") % {
                "expected": expected[0],
                "got": got,
            }
        message = _("ska vara ett av: %(expected)s, men är %(got)s") % {
            "expected": listing(expected),
            "got": got,
        }
        return with_hint(message, _did_you_mean(value, expected))
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        if pattern in _PATTERN_MEANING:
            return _(_PATTERN_MEANING[pattern]) % {"got": got}
        return _("har fel form (ska passa mönstret %(pattern)s), men är %(got)s") % {
            "pattern": pattern,
            "got": got,
        }
    if kind == "string_too_short":
        minimum = int(ctx.get("min_length", 1))
        if minimum <= 1:
            return _("får inte vara tomt; skriv en text")
        return ngettext(
            "ska vara minst %(min)d tecken långt",
            "ska vara minst %(min)d tecken långt",
            minimum,
        ) % {"min": minimum}
    if kind == "string_too_long":
        maximum = int(ctx.get("max_length", 0))
        return ngettext(
            "är för långt (%(actual)d tecken); det får vara högst %(max)d tecken",
            "är för långt (%(actual)d tecken); det får vara högst %(max)d tecken",
            maximum,
        ) % {"actual": len(value) if isinstance(value, str) else 0, "max": maximum}
    if kind == "too_short":
        minimum = int(ctx.get("min_length", 1))
        if minimum <= 1:
            return _("listan får inte vara tom; skriv minst ett värde")
        return ngettext(
            "listan ska ha minst %(min)d värde, men har %(actual)d",
            "listan ska ha minst %(min)d värden, men har %(actual)d",
            minimum,
        ) % {"min": minimum, "actual": int(ctx.get("actual_length", 0))}
    if kind == "too_long":
        maximum = int(ctx.get("max_length", 0))
        return ngettext(
            "listan får ha högst %(max)d värde, men har %(actual)d",
            "listan får ha högst %(max)d värden, men har %(actual)d",
            maximum,
        ) % {"max": maximum, "actual": int(ctx.get("actual_length", 0))}
    if kind in _BOUNDS:
        message, key = _BOUNDS[kind]
        return _(message) % {"limit": ctx.get(key), "value": value}
    if kind in ("value_error", "assertion_error"):
        # Our validators raise with a translated message (schema.py); show it as it is.
        error = ctx.get("error")
        return str(error) if error is not None else err["msg"]
    family = _family(kind)
    if family is not None:
        return with_hint(_(_TYPE_EXPECTED[family]) % {"got": got}, _type_hint(family, value))
    # A type we did not foresee: pydantic's own (English) words, with what was written.
    return _("%(message)s; värdet är %(got)s") % {"message": err["msg"], "got": got}


def _family(kind: str) -> str | None:
    if kind in _FAMILY:
        return _FAMILY[kind]
    for prefix in ("datetime", "date", "time"):
        if kind.startswith(prefix + "_"):
            return prefix
    return None


def _type_hint(family: str, value: Any) -> str | None:
    """What to write instead, for the mistakes people make when writing YAML by hand."""
    if value is None:
        return _("skriv ett värde")
    if family == "string" and isinstance(value, int | float | bool | dt.date):
        return _("sätt citattecken runt värdet")
    if family == "string" and isinstance(value, dict):
        # "what: Ring: nu" reads as a field inside a field.
        return _("om texten innehåller ”: ”, sätt citattecken runt hela texten")
    if family == "date" and isinstance(value, str) and _DATE_LIKE.match(value):
        return _("ta bort citattecknen runt datumet")
    if family == "list" and isinstance(value, str | int | float):
        return _("skriv [%(value)s] eller ett värde per rad som börjar med ”- ”") % {
            "value": _shorten(str(value))
        }
    return None


def _did_you_mean(value: Any, choices: list[str]) -> str | None:
    if not isinstance(value, str):
        return None
    near = suggestion(value, choices)
    return _("menade du ”%(suggestion)s”?") % {"suggestion": near} if near else None


# --- The semantic checks (validation.py) --------------------------------------------------

#: A key used twice, by what it is the key of (translated when reported).
_DUPLICATE = {
    "scenario": gettext_noop(
        "nyckeln ”%(key)s” används redan på rad %(line)d; varje scenario behöver en egen nyckel"
    ),
    "timer": gettext_noop(
        "nyckeln ”%(key)s” används redan på rad %(line)d; varje tidsgräns behöver en egen nyckel"
    ),
    "backup_routine": gettext_noop(
        "nyckeln ”%(key)s” används redan på rad %(line)d; varje reservrutin behöver en egen nyckel"
    ),
    "template": gettext_noop(
        "nyckeln ”%(key)s” används redan på rad %(line)d; varje mall behöver en egen nyckel"
    ),
    "preparedness": gettext_noop(
        "nyckeln ”%(key)s” används redan på rad %(line)d; varje beredskapspunkt behöver en egen "
        "nyckel"
    ),
    "document": gettext_noop(
        "nyckeln ”%(key)s” används redan på rad %(line)d; varje dokument behöver en egen nyckel"
    ),
    "role": gettext_noop(
        "rollen ”%(key)s” står redan på rad %(line)d; varje roll får bara stå en gång"
    ),
    "step": gettext_noop(
        "id ”%(key)s” används redan på rad %(line)d; varje steg i samma scenario eller "
        "reservrutin behöver ett eget id"
    ),
    "service_window": gettext_noop(
        "nyckeln ”%(key)s” används redan på rad %(line)d; varje servicefönster behöver en egen "
        "nyckel"
    ),
    "required_field": gettext_noop(
        "nyckeln ”%(key)s” används redan på rad %(line)d; varje obligatoriskt fält behöver en "
        "egen nyckel"
    ),
}

#: A key the registry does not know, by kind: (with the known keys, when there are none).
_UNKNOWN_IN_REGISTRY = {
    "system": (
        gettext_noop("okänt system ”%(key)s” i %(org)s; i registret finns: %(known)s"),
        gettext_noop("okänt system ”%(key)s” i %(org)s; registret har inga system för %(org)s"),
    ),
    "role": (
        gettext_noop("okänd roll ”%(key)s” i %(org)s; i registret finns: %(known)s"),
        gettext_noop("okänd roll ”%(key)s” i %(org)s; registret har inga roller för %(org)s"),
    ),
    "contact_point": (
        gettext_noop("okänd kontaktväg ”%(key)s” i %(org)s; i registret finns: %(known)s"),
        gettext_noop(
            "okänd kontaktväg ”%(key)s” i %(org)s; registret har inga kontaktvägar för %(org)s"
        ),
    ),
}


def duplicate_key(group: str, key: str, line: int) -> str:
    """A key used twice in one ``group`` of :data:`_DUPLICATE`, first on ``line``."""
    return _(_DUPLICATE[group]) % {"key": key, "line": line}


def unknown_in_registry(kind: str, key: str, org: str, known: set[str]) -> str:
    """A system, role or contact point key that ``org`` does not have in the registry."""
    listed, empty = _UNKNOWN_IN_REGISTRY[kind]
    return _(listed if known else empty) % {"key": key, "org": org, "known": listing(sorted(known))}


def unknown_organisation(key: str) -> str:
    return _("okänd organisation ”%(key)s”; använd en nyckel ur registret") % {"key": key}


# --- PyYAML's parser problems -------------------------------------------------------------------


def yaml_error(exc: yaml.MarkedYAMLError) -> str:
    """A PyYAML parser problem in plain words, for the mistakes that happen when writing by
    hand; anything else keeps PyYAML's own (English) description."""
    problem = exc.problem or ""
    context = exc.context or ""
    start = exc.context_mark.line + 1 if exc.context_mark is not None else None
    detail: str
    if problem == "mapping values are not allowed here":
        detail = _(
            "ett kolon (:) står där det inte får stå; om texten innehåller ”: ”, sätt "
            "citattecken runt hela texten, annars kontrollera indraget"
        )
    elif problem == "sequence entries are not allowed here":
        detail = _("en listrad (- ) står där den inte får stå; kontrollera indraget")
    elif problem.startswith("expected ',' or ']'"):
        detail = _(
            "listan som börjar med [ på rad %(line)s avslutas inte med ]; kontrollera också "
            "kommatecknen mellan värdena"
        ) % {"line": start}
    elif problem.startswith("expected ',' or '}'"):
        detail = _(
            "fälten inom { på rad %(line)s avslutas inte med }; kontrollera också kommatecknen "
            "mellan fälten"
        ) % {"line": start}
    elif problem == "found unexpected end of stream" and "quoted scalar" in context:
        detail = _(
            "citattecknet på rad %(line)s avslutas aldrig; avsluta texten med samma sorts "
            "citattecken"
        ) % {"line": start}
    elif problem.startswith("expected the node content") and "<stream end>" in problem:
        detail = _(
            "filen tar slut där ett värde ska stå; kontrollera att [ avslutas med ] och { med }"
        )
    elif problem.startswith("expected <block end>"):
        detail = _(
            "raden passar inte in här; kontrollera indraget (fält på samma nivå börjar i samma "
            "kolumn) och att inget står efter en text inom citattecken"
        )
    elif problem.endswith("that cannot start any token"):
        found = _QUOTED.search(problem)
        detail = _("ett värde får inte börja med ”%(char)s”; sätt citattecken runt texten") % {
            "char": found.group(1) if found else "?"
        }
    elif "another document" in problem or "single document" in problem:
        detail = _("filen innehåller mer än ett dokument (---); en rutinfil innehåller en rutin")
    elif problem.startswith("found undefined alias") or context in (
        "while scanning an alias",
        "while scanning an anchor",
    ):
        detail = _(
            "ett värde som börjar med * eller & läses som ett alias eller ankare, och de stöds "
            "inte; sätt citattecken runt texten"
        )
    elif problem == "could not find expected ':'":
        detail = _("ett kolon följt av mellanslag (: ) saknas efter fältnamnet")
    elif problem.startswith("found unknown escape character"):
        detail = _(
            "ett omvänt snedstreck (\\) inom dubbla citattecken måste skrivas \\\\; använd "
            "annars enkla citattecken (') runt texten"
        )
    else:
        detail = f"{problem} ({context})" if problem and context else problem or str(exc)
    return _("ogiltig YAML: %(problem)s") % {"problem": detail}
