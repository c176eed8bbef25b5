from __future__ import annotations

from django.apps import AppConfig


class ReadinessConfig(AppConfig):
    name = "reservrutin.readiness"
    label = "readiness"
