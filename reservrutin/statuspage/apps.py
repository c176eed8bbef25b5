from __future__ import annotations

from django.apps import AppConfig


class StatuspageConfig(AppConfig):
    name = "reservrutin.statuspage"
    label = "statuspage"
