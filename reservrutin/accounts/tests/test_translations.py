"""The English translation is complete and the compiled catalogue matches the .po file."""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

from django.test import SimpleTestCase

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES"


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


class TranslationTests(SimpleTestCase):
    def test_every_string_has_an_english_translation(self) -> None:
        entries = parse_po(LOCALE / "django.po")
        self.assertGreater(len(entries), 100)
        missing = [m for m, (forms, fuzzy, _) in entries.items() if not all(forms) or fuzzy]
        self.assertEqual(missing, [], "run makemessages -l en and translate these")

    def test_the_compiled_catalogue_is_up_to_date(self) -> None:
        entries = parse_po(LOCALE / "django.po")
        with (LOCALE / "django.mo").open("rb") as f:
            compiled = gettext.GNUTranslations(f)
        stale = []
        for msgid, (forms, _, plural) in entries.items():
            if plural:
                got = [compiled.ngettext(msgid, plural, 1), compiled.ngettext(msgid, plural, 2)]
            else:
                got = [compiled.gettext(msgid)]
            if got != forms:
                stale.append(msgid)
        self.assertEqual(stale, [], "run manage.py compilemessages")

    def test_placeholders_survive_translation(self) -> None:
        import re

        pattern = re.compile(r"%\(\w+\)[sd]")
        for msgid, (forms, _, plural) in parse_po(LOCALE / "django.po").items():
            for form, source in zip(forms, [msgid, plural or msgid], strict=False):
                with self.subTest(msgid=msgid):
                    # A singular form may drop the count ("one day"); the plural keeps it.
                    expected = set(pattern.findall(source))
                    found = set(pattern.findall(form))
                    self.assertTrue(found <= expected, (form, source))
                    if not plural:
                        self.assertEqual(found, expected)
