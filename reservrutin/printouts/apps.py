from __future__ import annotations

from django.apps import AppConfig


class PrintoutsConfig(AppConfig):
    name = "reservrutin.printouts"
    label = "printouts"
