"""Fail when a Swedish interface string has no English translation.

Runs makemessages (which needs GNU gettext) against the sources, compares the extracted
msgids with the committed catalogue, and restores the catalogue untouched either way.
The unit test accounts/tests/test_translations.py checks the committed catalogue itself.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "reservrutin" / "locale" / "en" / "LC_MESSAGES" / "django.po"
sys.path.insert(0, str(ROOT))


def msgids(path: Path) -> dict[str, list[str]]:
    from reservrutin.lib.pofile import parse_po

    return {k: v[0] for k, v in parse_po(path).items()}


def main() -> int:
    backup = Path(tempfile.mkdtemp()) / "django.po"
    shutil.copy2(PO, backup)
    try:
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "manage.py"),
                "makemessages",
                "-l",
                "en",
                "--no-location",
                "--no-obsolete",
                "-i",
                "*/tests/*",
                "-v0",
            ],
            cwd=ROOT / "reservrutin",
            check=True,
            env={**os.environ, "DEBUG": "true"},
        )
        extracted = msgids(PO)
    finally:
        shutil.copy2(backup, PO)
    committed = msgids(PO)
    missing = sorted(m for m in extracted if not all(committed.get(m, [""])))
    if missing:
        print(
            "Strings without an English translation (makemessages -l en, translate, compilemessages):"
        )
        for m in missing:
            print("  ", m)
        return 1
    print(f"translations: all {len(extracted)} strings have an English translation")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
