"""``reservrutin exercise start ROUTINE SCENARIO --org ORG [--unit UNIT] --speed 60
--participant USERNAME…``: start an exercise (övning) from the command line."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reservrutin.accounts.models import Membership, Organisation, Unit, User
from reservrutin.readiness.exercises import ExerciseError, start_exercise


class Command(BaseCommand):
    help = "Starta en övning av en rutin (exercise start ROUTINE SCENARIO --org ORG …)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        start = sub.add_parser("start", help="Starta en övning.")
        start.add_argument("routine")
        start.add_argument("scenario")
        start.add_argument("--org", required=True)
        start.add_argument("--unit")
        start.add_argument("--speed", type=float, default=60.0)
        start.add_argument("--participant", action="append", default=[], required=True)
        start.add_argument(
            "--by", help="Vem som startar (användarnamn); standard: en administratör."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(key=options["org"]).first()
        if organisation is None:
            raise CommandError(f"Okänd organisation: {options['org']}")
        unit = None
        if options["unit"]:
            unit = Unit.objects.filter(organisation=organisation, key=options["unit"]).first()
            if unit is None:
                raise CommandError(f"Okänd enhet: {options['unit']}")
        names = options["participant"]
        participants = list(User.objects.filter(username__in=names))
        unknown = sorted(set(names) - {u.username for u in participants})
        if unknown:
            raise CommandError(f"Okända deltagare: {', '.join(unknown)}")
        by = self._starter(organisation, options["by"])
        try:
            exercise = start_exercise(
                organisation,
                options["routine"],
                options["scenario"],
                unit=unit,
                speed=options["speed"],
                participants=participants,
                by=by,
            )
        except ExerciseError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"ÖVNING startad: {exercise.code}")

    def _starter(self, organisation: Organisation, username: str | None) -> User:
        if username:
            user = User.objects.filter(username=username).first()
            if user is None:
                raise CommandError(f"Okänd användare: {username}")
            return user
        admin = (
            User.objects.filter(
                memberships__organisation=organisation,
                memberships__role=Membership.Role.ORG_ADMIN,
                is_active=True,
            ).first()
            or User.objects.filter(is_superuser=True, is_active=True).first()
        )
        if admin is None:
            raise CommandError("Ange --by: organisationen har ingen administratör.")
        return admin
