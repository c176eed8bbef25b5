"""HTML escaped by construction, for pages built in Python (the public status page).

``fragment("<li>{name}</li>")`` is a fragment with named holes; calling it fills them
and returns ``Markup``. Every value is escaped unless it is already ``Markup`` (a filled
fragment, a label escaped once): a value cannot reach the page unescaped by forgetting a
call, and a fragment is never escaped twice. The literal text of a fragment is trusted: it
is written in the code, never built from data. markupsafe's ``Markup`` and ``escape`` are the
same types Django and Jinja use, so fragments mix with Django's safe strings.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Callable, Iterable
from html import escape as _html_escape
from typing import Any, LiteralString

from markupsafe import Markup, escape

__all__ = ["Markup", "concat", "escape", "fragment"]

_HOLE = re.compile(r"\{(\w+)\}")


def _escaped(value: object) -> str:
    # Fragments are passed as they are; a plain str (most values) is escaped by the
    # standard library, which costs a third of ``escape`` (no ``Markup`` per value) and
    # escapes the same five characters; anything else goes through ``escape`` (``__html__``).
    if isinstance(value, Markup):
        return value
    if type(value) is str:
        return _html_escape(value)  # quotes too
    return escape(value)


def fragment(source: LiteralString) -> Callable[..., Markup]:
    """A fragment of HTML with ``{name}`` holes, as a function that fills them by keyword
    (``{{`` and ``}}`` are not special). A missing or unknown keyword is a ``TypeError``.

    The status page fills a few hundred fragments per render, so each is compiled once into
    a small function (as Jinja compiles a template): the literal parts are constants and
    every hole is escaped unless it is ``Markup``, all joined in C, with no
    ``Markup.__new__`` in Python.
    """
    pieces = _HOLE.split(source)
    literals, holes = pieces[0::2], pieces[1::2]
    names = tuple(dict.fromkeys(holes))
    if any(not n.isidentifier() or keyword.iskeyword(n) for n in names):
        raise ValueError(f"A hole must be named like a Python variable: {source!r}")
    parts = ["L0"]
    for i, name in enumerate(holes, start=1):
        # A fragment (most values) skips the call.
        parts += [f"({name} if type({name}) is _M else _e({name}))", f"L{i}"]
    if names:
        code = f"def fill(*, {', '.join(names)}):\n"
        code += f"    return _new(_M, ''.join(({', '.join(parts)},)))\n"
    else:
        code = "def fill():\n    return _new(_M, L0)\n"
    namespace: dict[str, Any] = {"_e": _escaped, "_new": str.__new__, "_M": Markup}
    namespace.update({f"L{i}": literal for i, literal in enumerate(literals)})
    exec(code, namespace)  # noqa: S102 (built from hole names checked above)
    fill = namespace["fill"]
    fill.__doc__ = source
    return fill


_NOTHING = Markup("")


def concat(items: Iterable[object], separator: Markup = _NOTHING) -> Markup:
    """``items`` joined, each escaped unless it is ``Markup``."""
    return Markup(str.join(separator, map(_escaped, items)))  # noqa: S704 (each item escaped)
