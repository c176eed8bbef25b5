"""Read settings from the environment.

The env var name equals the setting name; secrets also accept ``<NAME>_FILE`` (a path whose
contents are the value), so they can come from a secrets mount instead of the process
environment. Invalid values never raise here: they are collected and reported by the system
checks in ``reservrutin.checks`` with a stable id, so a bad setting shows up as a clear
``manage.py check`` error instead of a stack trace at import time.
"""

from __future__ import annotations

import os
from pathlib import Path

#: (name, raw value, reason) for every value that could not be parsed.
PROBLEMS: list[tuple[str, str, str]] = []


def _raw(name: str) -> str | None:
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            PROBLEMS.append((f"{name}_FILE", file_name, f"cannot read the file: {exc.strerror}"))
            return None
    return os.environ.get(name)


def string(name: str, default: str = "") -> str:
    value = _raw(name)
    return default if value is None else value


def boolean(name: str, default: bool = False) -> bool:
    value = _raw(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    PROBLEMS.append((name, value, "expected true/false, 1/0, yes/no or on/off"))
    return default


def integer(name: str, default: int) -> int:
    value = _raw(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        PROBLEMS.append((name, value, "expected a whole number"))
        return default


def strings(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return default
    return [part.strip() for part in value.split(",") if part.strip()]


def is_set(name: str) -> bool:
    return _raw(name) not in (None, "")
