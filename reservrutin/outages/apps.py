from __future__ import annotations

from django.apps import AppConfig


class OutagesConfig(AppConfig):
    name = "reservrutin.outages"
    label = "outages"

    def ready(self) -> None:
        # Answer what lower apps ask through their hooks (lib/hooks.py): registry sits
        # below outages, so its pages get each system's true state through this.
        from reservrutin.outages.queries import states_now
        from reservrutin.registry.hooks import system_states

        system_states.register(states_now)
