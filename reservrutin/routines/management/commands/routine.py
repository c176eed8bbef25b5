"""``routine validate FILE…`` · ``routine import FILE [--approve]`` · ``routine export KEY`` ·
``routine schema``: the routine format on the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from reservrutin.routines import schema
from reservrutin.routines.actions import (
    RoutineRejected,
    approve_version,
    export_text,
    import_routine,
)
from reservrutin.routines.models import RoutineVersion
from reservrutin.routines.validation import DatabaseRegistry, validate_document

SCHEMA_PATH = Path(settings.REPO_DIR) / "docs" / "routine-schema.json"


def schema_text() -> str:
    """The JSON Schema as written to docs/routine-schema.json."""
    return json.dumps(schema.json_schema(), indent=2, ensure_ascii=False) + "\n"


class Command(BaseCommand):
    help = "Validate, import and export routine files (schema reservrutin/routine/v1)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        validate = sub.add_parser("validate", help="Check files; exit 1 if any has errors.")
        validate.add_argument("files", nargs="+")
        validate.add_argument(
            "--offline", action="store_true", help="Do not check keys against the registry."
        )
        imp = sub.add_parser("import", help="Import a file as a new version.")
        imp.add_argument("file")
        imp.add_argument("--approve", action="store_true", help="Also put it in force.")
        exp = sub.add_parser("export", help="Print a version as YAML.")
        exp.add_argument("key")
        exp.add_argument("--org", default=None)
        exp.add_argument("--version", type=int, default=None, dest="number")
        exp.add_argument("--normalised", action="store_true", help="Print the normalised form.")
        sch = sub.add_parser("schema", help="Write the JSON Schema to docs/routine-schema.json.")
        sch.add_argument("--check", action="store_true", help="Fail if the file is out of date.")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"do_{options['action']}")(options)

    def do_validate(self, options: dict[str, Any]) -> None:
        registry = None if options["offline"] else DatabaseRegistry()
        failed = 0
        for name in options["files"]:
            try:
                data = Path(name).read_bytes()
            except OSError as exc:
                self.stderr.write(f"{name}: cannot read ({exc.strerror})")
                failed += 1
                continue
            result = validate_document(data, filename=name, registry=registry)
            for problem in result.errors:
                self.stderr.write(f"error: {problem}")
            for problem in result.warnings:
                self.stderr.write(f"warning: {problem}")
            if result.errors:
                failed += 1
            else:
                self.stdout.write(f"{name}: ok")
        if failed:
            raise CommandError(
                f"{failed} of {len(options['files'])} file(s) have errors", returncode=1
            )

    def do_import(self, options: dict[str, Any]) -> None:
        name = options["file"]
        try:
            data = Path(name).read_bytes()
        except OSError as exc:
            raise CommandError(f"{name}: cannot read ({exc.strerror})") from None
        try:
            imported = import_routine(data, filename=name, by=None)
        except RoutineRejected as exc:
            for problem in exc.problems:
                self.stderr.write(f"error: {problem}")
            raise CommandError(f"{name} was not imported", returncode=1) from None
        for problem in imported.warnings:
            self.stderr.write(f"warning: {problem}")
        version = imported.version
        verb = "imported as" if imported.created else "unchanged, already"
        self.stdout.write(
            f"{version.routine.organisation.key}/{version.routine.key}: {verb} version {version.number}"
        )
        if options["approve"]:
            approve_version(version, by=None)
            self.stdout.write(f"version {version.number} is now in force")

    def do_export(self, options: dict[str, Any]) -> None:
        versions = RoutineVersion.objects.filter(routine__key=options["key"]).select_related(
            "routine__organisation"
        )
        if options["org"]:
            versions = versions.filter(routine__organisation__key=options["org"])
        if len({v.routine_id for v in versions}) > 1:
            raise CommandError(
                f"several organisations have a routine '{options['key']}'; give --org"
            )
        if options["number"] is not None:
            version = versions.filter(number=options["number"]).first()
        else:
            version = versions.filter(in_force=True).first() or versions.order_by("-number").first()
        if version is None:
            raise CommandError(f"no such routine or version: {options['key']}")
        self.stdout.write(export_text(version, normalised=options["normalised"]), ending="")

    def do_schema(self, options: dict[str, Any]) -> None:
        text = schema_text()
        if options["check"]:
            if not SCHEMA_PATH.exists() or SCHEMA_PATH.read_text(encoding="utf-8") != text:
                raise CommandError(
                    f"{SCHEMA_PATH} is out of date; run: routine schema", returncode=1
                )
            self.stdout.write(f"{SCHEMA_PATH} is up to date")
            return
        SCHEMA_PATH.parent.mkdir(parents=True, exist_ok=True)
        SCHEMA_PATH.write_text(text, encoding="utf-8")
        self.stdout.write(f"wrote {SCHEMA_PATH}")
