"""``routine validate FILE…`` · ``routine import FILE [--approve]`` · ``routine export KEY`` ·
``routine upgrade FILE [-o OUT]`` · ``routine schema``: the routine format on the command line.

``validate`` and ``import`` print the same messages as the upload page, in Swedish unless
``--language en`` is given (settings.LANGUAGE_CODE is the default, as on the web).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reservrutin.routines import schema
from reservrutin.routines.actions import (
    RoutineRejected,
    approve_version,
    export_text,
    import_routine,
)
from reservrutin.routines.loader import LoadError, Problem, decode
from reservrutin.routines.models import RoutineVersion
from reservrutin.routines.upgrade import upgrade_v1_to_v2
from reservrutin.routines.validation import DatabaseRegistry, validate_document

SCHEMA_PATH = Path(settings.REPO_DIR) / "docs" / "routine-schema.json"


def schema_text() -> str:
    """The JSON Schema as written to docs/routine-schema.json."""
    return json.dumps(schema.json_schema(), indent=2, ensure_ascii=False) + "\n"


class Command(BaseCommand):
    help = "Validate, import, export and upgrade routine files (schema reservrutin/routine/v2)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        language = argparse.ArgumentParser(add_help=False)
        language.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=None,
            help=f"Language of the messages (default: {settings.LANGUAGE_CODE}).",
        )
        validate = sub.add_parser(
            "validate", parents=[language], help="Check files; exit 1 if any has errors."
        )
        validate.add_argument("files", nargs="+")
        validate.add_argument(
            "--offline", action="store_true", help="Do not check keys against the registry."
        )
        imp = sub.add_parser("import", parents=[language], help="Import a file as a new version.")
        imp.add_argument("file")
        imp.add_argument("--approve", action="store_true", help="Also put it in force.")
        exp = sub.add_parser("export", help="Print a version as YAML.")
        exp.add_argument("key")
        exp.add_argument("--org", default=None)
        exp.add_argument("--version", type=int, default=None, dest="number")
        exp.add_argument("--normalised", action="store_true", help="Print the normalised form.")
        upg = sub.add_parser(
            "upgrade", parents=[language], help="Write a v1 file in the v2 form (comments kept)."
        )
        upg.add_argument("file")
        upg.add_argument("-o", "--output", default=None, help="Write here (default: print).")
        sch = sub.add_parser("schema", help="Write the JSON Schema to docs/routine-schema.json.")
        sch.add_argument("--check", action="store_true", help="Fail if the file is out of date.")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options.get("language") or settings.LANGUAGE_CODE):
            getattr(self, f"do_{options['action']}")(options)

    def do_validate(self, options: dict[str, Any]) -> None:
        registry = None if options["offline"] else DatabaseRegistry()
        if registry is not None:
            try:
                registry.organisations()
            except DatabaseError as exc:
                raise CommandError(
                    _(
                        "registret kan inte läsas (%(error)s); kör migrate, eller kontrollera "
                        "med --offline"
                    )
                    % {"error": exc}
                ) from None
        failed = 0
        for name in options["files"]:
            try:
                data = Path(name).read_bytes()
            except OSError as exc:
                self.stderr.write(_cannot_read(name, exc))
                failed += 1
                continue
            result = validate_document(data, filename=name, registry=registry)
            for problem in result.errors:
                self.stderr.write(_error_line(problem))
            for problem in result.warnings:
                self.stderr.write(_warning_line(problem))
            for problem in result.missing:
                self.stderr.write(_missing_line(problem))
            if result.errors:
                failed += 1
            else:
                self.stdout.write(f"{name}: ok")
        if failed:
            total = len(options["files"])
            raise CommandError(
                ngettext(
                    "%(failed)d av %(total)d fil har fel",
                    "%(failed)d av %(total)d filer har fel",
                    total,
                )
                % {"failed": failed, "total": total},
                returncode=1,
            )

    def do_import(self, options: dict[str, Any]) -> None:
        name = options["file"]
        try:
            data = Path(name).read_bytes()
        except OSError as exc:
            raise CommandError(_cannot_read(name, exc)) from None
        try:
            imported = import_routine(data, filename=name, by=None)
        except RoutineRejected as exc:
            for problem in exc.problems:
                self.stderr.write(_error_line(problem))
            raise CommandError(
                _("%(name)s importerades inte") % {"name": name}, returncode=1
            ) from None
        for problem in imported.warnings:
            self.stderr.write(_warning_line(problem))
        version = imported.version
        params = {
            "routine": f"{version.routine.organisation.key}/{version.routine.key}",
            "number": version.number,
        }
        if imported.created:
            self.stdout.write(_("%(routine)s: importerad som version %(number)d") % params)
        else:
            self.stdout.write(_("%(routine)s: oförändrad, redan version %(number)d") % params)
        if options["approve"]:
            approve_version(version, by=None)
            self.stdout.write(_("version %(number)d gäller nu") % params)

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

    def do_upgrade(self, options: dict[str, Any]) -> None:
        name = options["file"]
        try:
            text = decode(Path(name).read_bytes(), name)
            upgraded = upgrade_v1_to_v2(text, filename=name)
        except OSError as exc:
            raise CommandError(_cannot_read(name, exc)) from None
        except LoadError as exc:
            for problem in exc.problems:
                self.stderr.write(_error_line(problem))
            raise CommandError(
                _("%(name)s uppgraderades inte") % {"name": name}, returncode=1
            ) from None
        if options["output"]:
            Path(options["output"]).write_text(upgraded, encoding="utf-8")
            self.stdout.write(
                _("%(name)s: skrev %(out)s (%(schema)s)")
                % {"name": name, "out": options["output"], "schema": schema.SCHEMA_ID}
            )
        else:
            self.stdout.write(upgraded, ending="")

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


def _error_line(problem: Problem) -> str:
    return _("fel: %(problem)s") % {"problem": problem}


def _warning_line(problem: Problem) -> str:
    return _("varning: %(problem)s") % {"problem": problem}


def _missing_line(problem: Problem) -> str:
    return _("saknas i rutinen: %(problem)s") % {"problem": problem}


def _cannot_read(name: str, exc: OSError) -> str:
    return _("%(name)s: kan inte läsas (%(reason)s)") % {"name": name, "reason": exc.strerror}
