from __future__ import annotations

from django.apps import AppConfig


class OutagesConfig(AppConfig):
    name = "reservrutin.outages"
    label = "outages"

    def ready(self) -> None:
        # registry sits below outages: its pages get each system's true state through this.
        from reservrutin.outages.queries import states_now
        from reservrutin.registry import hooks

        hooks.register_state_source(states_now)
