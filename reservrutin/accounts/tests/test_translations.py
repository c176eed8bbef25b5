"""The English translation is complete and the compiled catalogue matches the .po file."""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

from django.test import SimpleTestCase

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES"


def parse_po(path: Path) -> dict[str, tuple[str, bool]]:
    """msgid → (msgstr, fuzzy) for a .po file without plural forms."""
    entries: dict[str, tuple[str, bool]] = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = block.strip().splitlines()
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        field, parts = None, {"msgid": [], "msgstr": []}
        for line in lines:
            if line.startswith("msgid "):
                field = "msgid"
                line = line[6:]
            elif line.startswith("msgstr "):
                field = "msgstr"
                line = line[7:]
            elif not line.startswith('"'):
                field = None if line.startswith("#") else field
                continue
            if field:
                parts[field].append(ast.literal_eval(line))
        msgid = "".join(parts["msgid"])
        if msgid:
            entries[msgid] = ("".join(parts["msgstr"]), fuzzy)
    return entries


class TranslationTests(SimpleTestCase):
    def test_every_string_has_an_english_translation(self) -> None:
        entries = parse_po(LOCALE / "django.po")
        self.assertGreater(len(entries), 100)
        missing = [m for m, (s, fuzzy) in entries.items() if not s or fuzzy]
        self.assertEqual(missing, [], "run makemessages -l en and translate these")

    def test_the_compiled_catalogue_is_up_to_date(self) -> None:
        entries = parse_po(LOCALE / "django.po")
        with (LOCALE / "django.mo").open("rb") as f:
            compiled = gettext.GNUTranslations(f)
        stale = [m for m, (s, _) in entries.items() if compiled.gettext(m) != s]
        self.assertEqual(stale, [], "run manage.py compilemessages")

    def test_placeholders_survive_translation(self) -> None:
        import re

        pattern = re.compile(r"%\(\w+\)[sd]")
        for msgid, (msgstr, _) in parse_po(LOCALE / "django.po").items():
            with self.subTest(msgid=msgid):
                self.assertEqual(sorted(pattern.findall(msgid)), sorted(pattern.findall(msgstr)))
