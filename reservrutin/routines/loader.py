"""Read a routine YAML file into plain Python values while remembering where every node was.

Why not ``yaml.safe_load``: errors must name the line and column of the offending field, so we
compose the node graph (which keeps marks) and build values ourselves. While doing that we
reject what makes a routine file ambiguous or dangerous:

* files over 1 MB, empty files, bytes that are not UTF-8, tab characters;
* duplicate keys in a mapping (PyYAML silently keeps the last one);
* anchors/aliases (a shared node is an "billion laughs" risk and never needed in a routine);
* explicit tags (``!!python/object`` …).

The resolver is YAML 1.2-like: ``yes``/``no``/``on``/``off`` and ``10:00`` stay strings,
only ``true``/``false`` are booleans, and only plain ``YYYY-MM-DD`` becomes a date.

Messages are plain Swedish msgids translated when the problem is found (see messages.py).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from django.utils.translation import gettext as _
from yaml.composer import Composer
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from reservrutin.routines.messages import yaml_error

MAX_BYTES = 1024 * 1024
#: Integers in a routine are counts and days: more digits than this are a mistake, and
#: Python refuses to convert more than 4,300 digits at all (a 500 in issue 14).
MAX_INT_DIGITS = 18
_SURROGATE = re.compile("[\ud800-\udfff]")

Path = tuple[str | int, ...]

INT_TAG = "tag:yaml.org,2002:int"
FLOAT_TAG = "tag:yaml.org,2002:float"
BOOL_TAG = "tag:yaml.org,2002:bool"
NULL_TAG = "tag:yaml.org,2002:null"
DATE_TAG = "tag:yaml.org,2002:timestamp"
STR_TAG = "tag:yaml.org,2002:str"
MAP_TAG = "tag:yaml.org,2002:map"
SEQ_TAG = "tag:yaml.org,2002:seq"


class RoutineResolver(BaseResolver):
    """A narrow subset of PyYAML's implicit resolvers, so that what PyYAML's dumper leaves
    unquoted still reads back as the same string (the round trip relies on this)."""


RoutineResolver.add_implicit_resolver(
    BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
RoutineResolver.add_implicit_resolver(
    INT_TAG, re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$"), list("-+0123456789")
)
RoutineResolver.add_implicit_resolver(
    FLOAT_TAG,
    re.compile(
        r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?)$"
    ),
    list("-+0123456789."),
)
RoutineResolver.add_implicit_resolver(
    NULL_TAG, re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)
RoutineResolver.add_implicit_resolver(
    DATE_TAG, re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"), list("0123456789")
)


class _NodeLoader(Reader, Scanner, Parser, Composer, RoutineResolver):
    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        RoutineResolver.__init__(self)


@dataclass(frozen=True)
class Mark:
    """A 1-based line and column in the source file."""

    line: int
    column: int


@dataclass(frozen=True)
class Problem:
    """One error or warning about a routine file, pointing at a place in it."""

    filename: str
    line: int
    column: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.filename}:{self.line}:{self.column}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


@dataclass
class Loaded:
    """A parsed file: its values and the marks of every value and mapping key."""

    data: Any
    value_marks: dict[Path, Mark] = field(default_factory=dict)
    key_marks: dict[Path, Mark] = field(default_factory=dict)

    def mark_for(self, path: Path, *, key: bool = False) -> Mark:
        """The mark of ``path``, or of its nearest ancestor that exists (a missing field is
        reported where its parent mapping starts)."""
        probe = tuple(path)
        while True:
            if key and probe in self.key_marks:
                return self.key_marks[probe]
            if probe in self.value_marks:
                return self.value_marks[probe]
            if not probe:
                return Mark(1, 1)
            probe = probe[:-1]


class LoadError(Exception):
    """The file could not be read as YAML; ``problems`` says where and why."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def format_path(path: Path) -> str:
    """``("scenarios", 1, "steps", 0, "who")`` → ``scenarios[1].steps[0].who``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _mark(m: yaml.Mark | None) -> Mark:
    if m is None:
        return Mark(1, 1)
    return Mark(m.line + 1, m.column + 1)


def decode(source: str | bytes, filename: str) -> str:
    """The text of ``source``, refusing oversized, non-UTF-8, empty and tab-indented files."""
    size = len(source.encode("utf-8", "surrogatepass") if isinstance(source, str) else source)
    if size > MAX_BYTES:
        raise LoadError(
            [
                Problem(
                    filename,
                    1,
                    1,
                    "",
                    _(
                        "filen är för stor (%(size)d byte); en rutinfil får vara högst "
                        "%(max)d byte (1 MB)"
                    )
                    % {"size": size, "max": MAX_BYTES},
                )
            ]
        )
    if isinstance(source, bytes):
        try:
            text = source.decode("utf-8")
        except UnicodeDecodeError as exc:
            before = source[: exc.start]
            line = before.count(b"\n") + 1
            column = len(before) - (before.rfind(b"\n") + 1) + 1
            raise LoadError(
                [
                    Problem(
                        filename,
                        line,
                        column,
                        "",
                        _(
                            "filen innehåller ett tecken som inte är UTF-8 (byte 0x%(byte)s); "
                            "spara filen med teckenkodningen UTF-8"
                        )
                        % {"byte": f"{source[exc.start]:02x}"},
                    )
                ]
            ) from None
    else:
        text = source
    text = text.removeprefix("\ufeff")
    if not text.strip() or all(
        not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()
    ):
        raise LoadError([Problem(filename, 1, 1, "", _empty_file())])
    bad = Reader.NON_PRINTABLE.search(text)
    if bad:
        before = text[: bad.start()]
        line = before.count("\n") + 1
        column = bad.start() - (before.rfind("\n") + 1) + 1
        raise LoadError(
            [
                Problem(
                    filename,
                    line,
                    column,
                    "",
                    _(
                        "tecknet U+%(code)s är ett styrtecken som inte får finnas i en "
                        "rutinfil; ta bort det"
                    )
                    % {"code": f"{ord(bad.group()):04X}"},
                )
            ]
        )
    tabs = [
        Problem(
            filename,
            n,
            line.index("\t") + 1,
            "",
            _("tabbtecken; använd mellanslag för indrag och mellan värden"),
        )
        for n, line in enumerate(text.splitlines(), start=1)
        if "\t" in line
    ]
    if tabs:
        raise LoadError(tabs)
    return text


def load(source: str | bytes, *, filename: str) -> Loaded:
    """Parse one YAML document into values and marks, or raise :class:`LoadError`."""
    text = decode(source, filename)
    loader = _NodeLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = _mark(exc.problem_mark or exc.context_mark)
        raise LoadError([Problem(filename, mark.line, mark.column, "", yaml_error(exc))]) from None
    except yaml.YAMLError as exc:  # e.g. a ReaderError for a control character
        mark = _mark(getattr(exc, "problem_mark", None))
        message = _("ogiltig YAML: %(problem)s") % {"problem": exc}
        raise LoadError([Problem(filename, mark.line, mark.column, "", message)]) from None
    finally:
        loader.dispose()
    if node is None:
        raise LoadError([Problem(filename, 1, 1, "", _empty_file())])
    loaded = Loaded(data=None)
    problems: list[Problem] = []
    loaded.data = _build(node, (), loaded, problems, filename, seen=set())
    if problems:
        raise LoadError(problems)
    return loaded


def _build(
    node: Node,
    path: Path,
    loaded: Loaded,
    problems: list[Problem],
    filename: str,
    *,
    seen: set[int],
) -> Any:
    mark = _mark(node.start_mark)
    loaded.value_marks[path] = mark
    where = format_path(path)
    if id(node) in seen:
        # The composer hands back the very same node object for an alias.
        problems.append(
            Problem(
                filename,
                mark.line,
                mark.column,
                where,
                _("ankare och alias (&, *) stöds inte; skriv ut värdet i stället"),
            )
        )
        return None
    seen.add(id(node))
    if isinstance(node, ScalarNode):
        return _scalar(node, path, problems, filename)
    if isinstance(node, SequenceNode):
        if node.tag != SEQ_TAG:
            problems.append(Problem(filename, mark.line, mark.column, where, _tags(node.tag)))
        return [
            _build(item, (*path, i), loaded, problems, filename, seen=seen)
            for i, item in enumerate(node.value)
        ]
    assert isinstance(node, MappingNode)
    if node.tag != MAP_TAG:
        problems.append(Problem(filename, mark.line, mark.column, where, _tags(node.tag)))
    result: dict[str, Any] = {}
    first_seen: dict[str, Mark] = {}
    for key_node, value_node in node.value:
        key_mark = _mark(key_node.start_mark)
        if not isinstance(key_node, ScalarNode):
            problems.append(
                Problem(
                    filename,
                    key_mark.line,
                    key_mark.column,
                    where,
                    _("ett fältnamn måste vara vanlig text"),
                )
            )
            continue
        # Keys are names, so "1" or "true" as a key is kept as the text written.
        key = str(key_node.value)
        if _SURROGATE.search(key):
            problems.append(_surrogate_problem(key_node, path, filename))
            continue
        if key in first_seen:
            prev = first_seen[key]
            problems.append(
                Problem(
                    filename,
                    key_mark.line,
                    key_mark.column,
                    format_path((*path, key)),
                    _(
                        "fältet ”%(key)s” står redan på rad %(line)d; varje fält får bara "
                        "stå en gång"
                    )
                    % {"key": key, "line": prev.line},
                )
            )
            continue
        first_seen[key] = key_mark
        loaded.key_marks[(*path, key)] = key_mark
        result[key] = _build(value_node, (*path, key), loaded, problems, filename, seen=seen)
    return result


def _scalar(node: ScalarNode, path: Path, problems: list[Problem], filename: str) -> Any:
    value = node.value
    tag = node.tag
    if tag == STR_TAG or node.style in ("'", '"', "|", ">"):
        if _SURROGATE.search(value):
            # "\ud800" in a double-quoted string: not a character, cannot be stored.
            problems.append(_surrogate_problem(node, path, filename))
            return ""
        return value
    if tag == NULL_TAG:
        return None
    if tag == BOOL_TAG:
        return value.lower() == "true"
    if tag == INT_TAG:
        digits = value.replace("_", "").lstrip("+-")
        if len(digits) > MAX_INT_DIGITS:
            message = _("talet har %(count)d siffror; ett tal i en rutin har högst %(max)d")
            counts = {"count": len(digits), "max": MAX_INT_DIGITS}
            problems.append(_problem_at(node, path, filename, message % counts))
            return 0
        return int(value.replace("_", ""))
    if tag == FLOAT_TAG:
        number = float(value.replace("_", ""))
        if not math.isfinite(number):
            message = _("”%(value)s” är inget tal som går att använda") % {"value": value[:40]}
            problems.append(_problem_at(node, path, filename, message))
            return 0.0
        return number
    if tag == DATE_TAG:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            mark = _mark(node.start_mark)
            problems.append(
                Problem(
                    filename,
                    mark.line,
                    mark.column,
                    format_path(path),
                    _("”%(value)s” är inget giltigt datum; skriv ÅÅÅÅ-MM-DD, t.ex. 2024-02-14")
                    % {"value": value},
                )
            )
            return value
    mark = _mark(node.start_mark)
    problems.append(Problem(filename, mark.line, mark.column, format_path(path), _tags(tag)))
    return value


def _problem_at(node: Node, path: Path, filename: str, message: str) -> Problem:
    mark = _mark(node.start_mark)
    return Problem(filename, mark.line, mark.column, format_path(path), message)


def _surrogate_problem(node: Node, path: Path, filename: str) -> Problem:
    message = _(
        "texten innehåller en ogiltig teckenkod (ett ensamt surrogat, t.ex. \\ud800); ta bort den"
    )
    return _problem_at(node, path, filename, message)


def _empty_file() -> str:
    return _("filen är tom; den ska innehålla en rutin")


def _tags(tag: str) -> str:
    return _("taggar (%(tag)s) stöds inte; ta bort taggen") % {"tag": tag}


class _Dumper(yaml.SafeDumper):
    """Writes block style with readable multi-line text and indented lists (as people write
    routine files by hand)."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _str_representer(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    if (
        "\n" in data
        and not any(ch in data for ch in "\r\x85\u2028\u2029")
        and data == data.strip(" ")
    ):
        return dumper.represent_scalar(STR_TAG, data, style="|")
    return dumper.represent_scalar(STR_TAG, data)


_Dumper.add_representer(str, _str_representer)


def dump(data: Any) -> str:
    """Write values as YAML that :func:`load` reads back to the same values."""
    return yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=100,
        indent=2,
    )
