from __future__ import annotations

from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "reservrutin.registry"
    label = "registry"
