"""System checks for settings: a bad setting is a check error with a stable id, never a trace."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured

from reservrutin.lib import env


@register(Tags.security, deploy=False)
def check_settings(app_configs: Any = None, **kwargs: Any) -> list[Error | Warning]:
    problems: list[Error | Warning] = []
    for name, value, reason in env.PROBLEMS:
        problems.append(
            Error(
                f"The setting {name} has an invalid value {value!r}: {reason}.",
                hint=f"Fix {name} in the environment (see docs/configuration.md).",
                id="reservrutin.E001",
            )
        )
    if settings.TIME_ZONE != "UTC":
        problems.append(
            Error(
                "TIME_ZONE must be UTC; local time is applied only when rendering.",
                id="reservrutin.E002",
            )
        )
    if not settings.DEBUG:
        try:
            secret_key = settings.SECRET_KEY
        except ImproperlyConfigured:
            secret_key = ""
        if not secret_key:
            problems.append(
                Error(
                    "SECRET_KEY is not set and DEBUG is off.",
                    hint="Set SECRET_KEY or SECRET_KEY_FILE to a long random string.",
                    id="reservrutin.E003",
                )
            )
        elif len(secret_key) < 40:
            problems.append(
                Error(
                    "SECRET_KEY is shorter than 40 characters.",
                    hint="Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'",
                    id="reservrutin.E004",
                )
            )
        if not settings.ALLOWED_HOSTS:
            problems.append(
                Error(
                    "ALLOWED_HOSTS is empty and DEBUG is off.",
                    hint="Set ALLOWED_HOSTS to the comma-separated host names the site answers on.",
                    id="reservrutin.E005",
                )
            )
        if not settings.SITE_URL.startswith(("http://", "https://")):
            problems.append(
                Error(
                    f"SITE_URL {settings.SITE_URL!r} is not an http(s) address.",
                    hint="SITE_URL is the public address used in links in e-mails and PDFs.",
                    id="reservrutin.E006",
                )
            )
    if settings.EMAIL_TRANSPORT not in {"smtp", "console"}:
        problems.append(
            Error(
                f"EMAIL_TRANSPORT {settings.EMAIL_TRANSPORT!r} is unknown.",
                hint="Use smtp or console.",
                id="reservrutin.E007",
            )
        )
    return problems
