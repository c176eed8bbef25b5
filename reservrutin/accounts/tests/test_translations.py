"""The English translation is complete and the compiled catalogue matches the .po file."""

from __future__ import annotations

import gettext
from pathlib import Path

from django.test import SimpleTestCase

from reservrutin.lib.pofile import parse_po

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES"


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
