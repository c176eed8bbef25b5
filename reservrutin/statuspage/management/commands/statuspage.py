"""``reservrutin statuspage export DIR``: write the public status pages as static files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from reservrutin.accounts.models import Organisation
from reservrutin.statuspage.mirror import export


class Command(BaseCommand):
    help = "Static copies of the public status pages, feeds and API."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        exp = sub.add_parser("export", help="Write the pages to DIR.")
        exp.add_argument("directory")
        exp.add_argument("--org", action="append", help="Only this organisation (repeatable).")

    def handle(self, *args: Any, **options: Any) -> None:
        organisations = None
        if options.get("org"):
            organisations = list(Organisation.objects.filter(key__in=options["org"]))
            missing = set(options["org"]) - {o.key for o in organisations}
            if missing:
                raise CommandError(f"unknown organisation(s): {', '.join(sorted(missing))}")
        written = export(Path(options["directory"]), organisations)
        self.stdout.write(f"statuspage: wrote {len(written)} files to {options['directory']}")
