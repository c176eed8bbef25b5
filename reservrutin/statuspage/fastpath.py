"""A WSGI fast path for the public status pages.

When a status page goes down, thousands of staff open it in the same minute. Django's request
cycle (middleware, sessions, CSRF, locale) costs about four times the cached page itself, so
this wrapper keeps, per process, the complete responses that the public views marked
``Cache-Control: public`` and serves them again for ``STATUSPAGE_FRESH_MS`` without entering
Django — the same freshness window the views already use for the page version. Anything
with a cookie, a ``Vary`` header, a query string, or another method goes through Django.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings

PREFIXES = ("/status/", "/api/v1/")
_MAX_ENTRIES = 2_000

#: path → (expires at, status line, headers, body, etag)
_HOT: dict[str, tuple[float, str, list[tuple[str, str]], bytes, str]] = {}


_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def forget() -> None:
    _HOT.clear()


def _lock_for(path: str) -> threading.Lock:
    with _LOCKS_GUARD:
        if len(_LOCKS) >= _MAX_ENTRIES:
            _LOCKS.clear()
        return _LOCKS.setdefault(path, threading.Lock())


class PublicFastPath:
    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        window = settings.STATUSPAGE_FRESH_MS / 1000
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "")
        if (
            window <= 0
            or method not in ("GET", "HEAD")
            or not path.startswith(PREFIXES)
            or environ.get("QUERY_STRING")
        ):
            return self.app(environ, start_response)
        served = self._serve(environ, start_response, path, method)
        if served is not None:
            return served
        # One render per path at a time in this process: when the entry expires under load,
        # the other threads wait for that render instead of all rendering (no stampede).
        with _lock_for(path):
            served = self._serve(environ, start_response, path, method)
            if served is not None:
                return served
            return self._fill(environ, start_response, path, time.monotonic() + window, method)

    @staticmethod
    def _serve(
        environ: dict[str, Any], start_response: Callable[..., Any], path: str, method: str
    ) -> list[bytes] | None:
        hit = _HOT.get(path)
        if hit is None or hit[0] <= time.monotonic():
            return None
        _, status, headers, body, etag = hit
        if etag and etag in environ.get("HTTP_IF_NONE_MATCH", ""):
            start_response(
                "304 Not Modified", [h for h in headers if h[0].lower() != "content-length"]
            )
            return [b""]
        start_response(status, headers)
        return [b""] if method == "HEAD" else [body]

    def _fill(
        self,
        environ: dict[str, Any],
        start_response: Callable[..., Any],
        path: str,
        expires: float,
        method: str,
    ) -> Iterable[bytes]:
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured["status"], captured["headers"] = status, headers
            return (
                start_response(status, headers, exc_info)
                if exc_info
                else start_response(status, headers)
            )

        result = self.app(environ, capture)
        body = b"".join(result)
        if hasattr(result, "close"):
            result.close()
        headers = {k.lower(): v for k, v in captured.get("headers", [])}
        cacheable = (
            method == "GET"
            and captured.get("status", "").startswith("200")
            and "public" in headers.get("cache-control", "")
            and "set-cookie" not in headers
            and "vary" not in headers
        )
        if cacheable:
            if len(_HOT) >= _MAX_ENTRIES:
                _HOT.clear()
            _HOT[path] = (
                expires,
                captured["status"],
                captured["headers"],
                body,
                headers.get("etag", ""),
            )
        return [body]
