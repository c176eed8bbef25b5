from __future__ import annotations

from django.apps import AppConfig


class ReadinessConfig(AppConfig):
    name = "reservrutin.readiness"
    label = "readiness"

    def ready(self) -> None:
        # Answer what lower apps ask through their hooks (lib/hooks.py): readiness sits
        # above routines and outages, so they call us through these, never by import.
        from reservrutin.outages.hooks import exercise_recipient_allowed
        from reservrutin.readiness.actions import on_routine_version_in_force
        from reservrutin.readiness.exercise_recipients import exercise_allows
        from reservrutin.routines.hooks import version_in_force

        version_in_force.register(on_routine_version_in_force)
        exercise_recipient_allowed.register(exercise_allows)

        from reservrutin.accounts.hooks import home_sections
        from reservrutin.readiness.home import sections

        home_sections.register(sections)
