"""The ``routine`` command: validate, import, export, schema."""

from __future__ import annotations

import io
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase
from django.utils import translation

from reservrutin.routines.demo import load_demo, seed_paths
from reservrutin.routines.management.commands.routine import SCHEMA_PATH, schema_text
from reservrutin.routines.models import RoutineVersion
from reservrutin.routines.tests.helpers import make_demo_registry, seed_path


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("routine", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


class RoutineCommandTestCase(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        make_demo_registry()

    def test_it_validates_the_seeds(self) -> None:
        out, err = run("validate", *(str(p) for p in seed_paths()))
        self.assertEqual(out.count(": ok"), 5)
        # No errors or warnings; only what the demo registry lacks ("saknas i rutinen").
        self.assertEqual(
            [line for line in err.splitlines() if not line.startswith("saknas i rutinen: ")], []
        )

    def test_it_prints_all_errors_and_fails(self) -> None:
        bad = Path(self.tmp()) / "bad.yaml"
        bad.write_text(
            "schema: reservrutin/routine/v1\nkey: Bad\ntitle: x\norganisation: region-skane\nversion: 1\nsystems: [nope]\n",
            encoding="utf-8",
        )
        err = io.StringIO()
        with self.assertRaises(CommandError) as caught:
            call_command(
                "routine",
                "validate",
                str(bad),
                str(seed_path("sesam-lmn.yaml")),
                stderr=err,
                stdout=io.StringIO(),
            )
        self.assertEqual(caught.exception.returncode, 1)
        self.assertEqual(str(caught.exception), "1 av 2 filer har fel")
        # The valid seed only lacks things ("saknas i rutinen"), which are no errors.
        lines = [line for line in err.getvalue().splitlines() if not line.startswith("saknas")]
        self.assertEqual(len(lines), 2)
        # Swedish unless asked otherwise (settings.LANGUAGE_CODE), like the upload page.
        self.assertTrue(lines[0].startswith(f"fel: {bad}:2:6: key: ska vara en nyckel med små"))
        self.assertEqual(
            lines[1],
            f"fel: {bad}:5:10: version: ska vara text, men är ett tal (1); sätt citattecken runt "
            "värdet",
        )

    def test_it_prints_english_with_language_en(self) -> None:
        bad = Path(self.tmp()) / "bad.yaml"
        bad.write_text(
            "schema: reservrutin/routine/v1\nkey: bad\ntitle: x\norganisation: region-skane\nversion: 1\nsystems: [sesam-lmn]\n",
            encoding="utf-8",
        )
        err = io.StringIO()
        with self.assertRaises(CommandError) as caught:
            call_command(
                "routine",
                "validate",
                "--language",
                "en",
                str(bad),
                stderr=err,
                stdout=io.StringIO(),
            )
        self.assertEqual(str(caught.exception), "1 of 1 file has errors")
        self.assertEqual(
            err.getvalue(),
            f"error: {bad}:5:10: version: should be text, but is a number (1); put quotes around "
            "the value\n",
        )
        # The option only lasts for the command.
        self.assertEqual(translation.get_language(), settings.LANGUAGE_CODE)

    def test_it_imports_approves_and_exports(self) -> None:
        out, _ = run("import", str(seed_path("sesam-s2.yaml")), "--approve")
        self.assertEqual(
            out, "region-skane/sesam-s2: importerad som version 1\nversion 1 gäller nu\n"
        )
        self.assertTrue(RoutineVersion.objects.get(routine__key="sesam-s2").in_force)
        out, _ = run("export", "sesam-s2", "--org", "region-skane")
        self.assertEqual(out, seed_path("sesam-s2.yaml").read_text(encoding="utf-8"))
        out, _ = run("export", "sesam-s2", "--normalised", "--version", "1")
        self.assertTrue(out.startswith("schema: reservrutin/routine/v2\nkey: sesam-s2\n"))
        with self.assertRaises(CommandError):
            run("export", "nope")

    def test_it_loads_the_demo_routines_twice_without_duplicates(self) -> None:
        load_demo()
        load_demo()
        self.assertEqual(RoutineVersion.objects.filter(in_force=True).count(), 5)
        self.assertEqual(RoutineVersion.objects.count(), 5)

    def tmp(self) -> str:
        import tempfile

        directory = tempfile.mkdtemp()
        self.addCleanup(lambda: __import__("shutil").rmtree(directory, ignore_errors=True))
        return directory


def test_it_keeps_the_json_schema_file_up_to_date() -> None:
    """docs/routine-schema.json is what ``routine schema`` writes; run it after changing schema.py."""
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_text()
