"""Load the demo data (``reservrutin demo``): the five seed organisations, their routines
and a demo login. Safe to run twice."""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import import_string

from reservrutin.accounts.models import Membership, Organisation, User

#: Every app that ships demo data adds its loader here, in dependency order.
DEMO_STEPS = [
    "reservrutin.registry.demo.load.load",
    "reservrutin.routines.demo.load_demo",
]

DEMO_USERNAME = "demo"
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "reservrutin-demo")


class Command(BaseCommand):
    help = "Load the demo organisations, systems, routines and a demo login."

    def handle(self, *args: Any, **options: Any) -> None:
        for dotted in DEMO_STEPS:
            import_string(dotted)()
            self.stdout.write(f"demo: {dotted.split('.')[1]} loaded")
        with transaction.atomic():
            user, created = User.objects.get_or_create(
                username=DEMO_USERNAME,
                defaults={"full_name": "Demo Administratör", "email": "demo@example.org"},
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.is_staff = True
                user.is_superuser = True
                user.save(update_fields=["password", "is_staff", "is_superuser"])
            for org in Organisation.objects.care():
                Membership.objects.get_or_create(
                    user=user, organisation=org, role=Membership.Role.ORG_ADMIN
                )
        self.stdout.write(self.style.SUCCESS(f"demo: log in as {DEMO_USERNAME} / {DEMO_PASSWORD}"))
