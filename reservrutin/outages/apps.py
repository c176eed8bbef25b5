from __future__ import annotations

from django.apps import AppConfig


class OutagesConfig(AppConfig):
    name = "reservrutin.outages"
    label = "outages"
