from __future__ import annotations

from django.apps import AppConfig


class WorkersConfig(AppConfig):
    name = "reservrutin.workers"
    label = "workers"

    def ready(self) -> None:
        # The worker loop (lib/loop.py) writes its heartbeat through this hook, so the
        # loop commands of lower apps need not import us (lib/hooks.py).
        from reservrutin.lib.loop import heartbeat
        from reservrutin.workers.actions import beat

        heartbeat.register(beat)
