"""Hooks: how a lower app asks something of a higher one without importing it.

An app low in the layering (docs/architecture.md) declares a :class:`Hook` in its own
``hooks.py``; the higher app that answers registers a function in its ``AppConfig.ready()``.
The lower app calls the hook and never names the higher one, so imports only go downwards.

A hook is filled once at start-up and never changes afterwards, so it is not a cache; tests
that need another answer use :meth:`Hook.override`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


class Hook:
    """A named list of functions a higher app registers for a lower app to call."""

    def __init__(self, name: str, *, doc: str = "") -> None:
        self.name = name
        self.__doc__ = doc or name
        self._functions: list[Callable[..., Any]] = []

    def register(self, function: Callable[..., Any]) -> Callable[..., Any]:
        """Add ``function`` (once; registering twice, as a reloaded app may, is harmless)."""
        if function not in self._functions:
            self._functions.append(function)
        return function

    def call_all(self, *args: Any, **kwargs: Any) -> list[Any]:
        """Call every registered function in registration order; their results in a list."""
        return [function(*args, **kwargs) for function in self._functions]

    def all_allow(self, *args: Any, **kwargs: Any) -> bool:
        """True unless a registered function answers False (no function: True)."""
        return all(function(*args, **kwargs) for function in self._functions)

    @contextmanager
    def override(self, *functions: Callable[..., Any]) -> Iterator[None]:
        """Replace the registered functions for the duration of a ``with`` block (tests)."""
        saved = self._functions
        self._functions = list(functions)
        try:
            yield
        finally:
            self._functions = saved

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {len(self._functions)} function(s)>"
