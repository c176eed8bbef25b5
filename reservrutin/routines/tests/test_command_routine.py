"""The ``routine`` command: validate, import, export, schema."""

from __future__ import annotations

import io
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase

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
        self.assertEqual(err, "")

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
        lines = err.getvalue().splitlines()
        self.assertEqual(len(lines), 2)
        self.assertTrue(lines[0].startswith(f"error: {bad}:2:6: key: expected a key"))
        self.assertIn(":5:10: version:", lines[1])

    def test_it_imports_approves_and_exports(self) -> None:
        out, _ = run("import", str(seed_path("sesam-s2.yaml")), "--approve")
        self.assertIn("region-skane/sesam-s2: imported as version 1", out)
        self.assertTrue(RoutineVersion.objects.get(routine__key="sesam-s2").in_force)
        out, _ = run("export", "sesam-s2", "--org", "region-skane")
        self.assertEqual(out, seed_path("sesam-s2.yaml").read_text(encoding="utf-8"))
        out, _ = run("export", "sesam-s2", "--normalised", "--version", "1")
        self.assertTrue(out.startswith("schema: reservrutin/routine/v1\nkey: sesam-s2\n"))
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
