"""Shared pytest configuration: browser tests are marked and can be deselected."""

from __future__ import annotations

import os

os.environ.setdefault("TESTING", "1")
