from __future__ import annotations

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "reservrutin.notifications"
    label = "notifications"
