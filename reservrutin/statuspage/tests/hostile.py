"""Hostile strings for fuzz tests, and a check that no markup from them survives in HTML."""

from __future__ import annotations

from html.parser import HTMLParser

from hypothesis import strategies as st

#: Pieces an attacker or an unlucky paste would bring: markup, quotes that end attributes,
#: template and format syntax, a CDATA end, bidirectional overrides, a huge number.
PIECES = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'onmouseover='alert(1)",
    "</style><x-evil>",
    "<svg/onload=alert(1)>",
    "javascript:alert(1)",
    "]]>",
    "<!--",
    "&amp;&lt;",
    "{{ secret }}{% now %}",
    "%(when)s %s {0}",
    "\u202eRTL\u202c\u200f",
    "9" * 400,
    "\x0b\x1b\x7f",
]

#: Characters a database keeps (no NUL, no lone surrogates: PostgreSQL and UTF-8 refuse
#: them, so they can only arrive through a request, where ``REQUEST_TEXT`` sends them).
_STORABLE = st.characters(exclude_categories=("Cs",), exclude_characters="\x00")

STORED_TEXT = st.builds(
    # Cut to what every column holds (PostgreSQL enforces lengths; SQLite does not).
    lambda a, b, c: f"{a}{b}{c}"[:100].strip() or "x",
    st.sampled_from(PIECES),
    st.text(_STORABLE, max_size=30),
    st.sampled_from(PIECES),
)

#: What a request can carry: anything, NUL and lone surrogates included.
REQUEST_TEXT = st.one_of(
    STORED_TEXT,
    st.sampled_from(PIECES).map(lambda p: p + "\x00" + "\ud800"),
    st.text(max_size=40),
)

_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href"}
DANGEROUS_TAGS = {"script", "img", "svg", "x-evil", "iframe", "object", "embed", "style"}


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


def markup_that_survived(html: str, *, allowed_tags: set[str] = frozenset()) -> list[str]:
    """Elements and attributes in ``html`` that only hostile input could have made: script,
    images, unknown elements, event handlers, ``javascript:`` addresses (a form may keep
    what was typed as an input's value: escaped, that is text)."""
    parser = _Elements()
    parser.feed(html)
    bad = []
    for tag, attrs in parser.found:
        if tag in DANGEROUS_TAGS - allowed_tags:
            bad.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                bad.append(f"<{tag} {name}>")
            if name in _URL_ATTRIBUTES and (value or "").strip().lower().startswith("javascript:"):
                bad.append(f"<{tag} {name}={value}>")
    return bad
