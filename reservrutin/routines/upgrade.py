"""``upgrade_v1_to_v2``: a v1 routine file in the v2 form (issue 13).

v2 only adds to v1 (docs/routines.md, "Version 2"): no field was renamed or removed, so the
upgrade rewrites the ``schema:`` value and nothing else. Working on the text rather than on
parsed values keeps every comment, blank line, quote and line break the author wrote
(PyYAML, the only YAML library here, drops comments when it writes).
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from reservrutin.routines import loader
from reservrutin.routines.loader import LoadError, Problem
from reservrutin.routines.schema import SCHEMA_ID, SCHEMA_V1

_V1_VALUE = re.compile(r"""(["']?)reservrutin/routine/v1\1""")


def upgrade_v1_to_v2(text: str, *, filename: str = "<text>") -> str:
    """``text`` with ``schema: reservrutin/routine/v2``; a v2 text comes back unchanged.
    Raises :class:`~reservrutin.routines.loader.LoadError` (with line and column) when
    ``text`` is not YAML or names no routine schema."""
    loaded = loader.load(text, filename=filename)
    data = loaded.data
    schema = data.get("schema") if isinstance(data, dict) else None
    if schema == SCHEMA_ID:
        return text
    mark = loaded.mark_for(("schema",))
    if schema != SCHEMA_V1:
        message = _("filen är ingen rutin i formatet %(v1)s (fältet ”schema”)") % {"v1": SCHEMA_V1}
        raise LoadError([Problem(filename, mark.line, mark.column, "schema", message)])
    lines = text.splitlines(keepends=True)
    line = lines[mark.line - 1]
    start = mark.column - 1
    match = _V1_VALUE.match(line, start)
    if match is None:  # a value written over several lines: nothing a person writes
        message = _("skriv ”schema: %(v1)s” på en rad") % {"v1": SCHEMA_V1}
        raise LoadError([Problem(filename, mark.line, mark.column, "schema", message)])
    quote = match.group(1)
    lines[mark.line - 1] = line[:start] + f"{quote}{SCHEMA_ID}{quote}" + line[match.end() :]
    return "".join(lines)
