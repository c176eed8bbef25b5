from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "reservrutin.accounts"
    label = "accounts"
    verbose_name = _("Organisationer och behörigheter")

    def ready(self) -> None:
        from reservrutin import checks  # noqa: F401  (registers the settings checks)
