"""A small reader for gettext .po files, enough to check that the catalogue is complete."""

from __future__ import annotations

import ast
from pathlib import Path


def parse_po(path: Path) -> dict[str, tuple[list[str], bool, str]]:
    """msgid → (translations, fuzzy, plural msgid) for a .po file; a plural entry has
    one translation per form."""
    entries: dict[str, tuple[list[str], bool, str]] = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = block.strip().splitlines()
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        parts: dict[str, list[str]] = {}
        current = ""
        for line in lines:
            if line.startswith("#"):
                continue
            if line.startswith('"'):
                parts[current].append(ast.literal_eval(line))
                continue
            current, _, rest = line.partition(" ")
            parts[current] = [ast.literal_eval(rest)]
        msgid = "".join(parts.get("msgid", []))
        if not msgid:
            continue
        if "msgid_plural" in parts:
            forms = ["".join(v) for k, v in sorted(parts.items()) if k.startswith("msgstr[")]
            entries[msgid] = (forms, fuzzy, "".join(parts["msgid_plural"]))
        else:
            entries[msgid] = (["".join(parts.get("msgstr", []))], fuzzy, "")
    return entries
