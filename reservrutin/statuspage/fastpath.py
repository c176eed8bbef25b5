"""A WSGI fast path for the public status pages.

When a system goes down, thousands of staff open its status page in the same minute.
Django's request cycle (request object, eleven middlewares, URL resolving, response object)
costs about four times a cached page and a quarter of a fresh render, and none of it
changes what an anonymous GET of a public page gets. So this wrapper, per process:

1. keeps the complete responses that the public views marked ``Cache-Control: public`` and
   serves them again for ``STATUSPAGE_FRESH_MS`` without entering Django (the freshness
   window the views already use for the page version), one render per address at a time
   (no stampede when the window ends);
2. *learns* each public address from Django's first answer to it: the view's
   ``public_render`` (``views.public``), the address's arguments and the headers Django and
   its middleware added. After that, a request for the same address, host and scheme is
   rendered by calling ``public_render`` directly, with Django's headers and the fresh
   body's ETag, Last-Modified and length. An address Django answered with anything but a
   plain public 200 is never learned, so redirects, bad hosts, 404s and private pages
   always go through Django; if a learned render fails (the organisation was removed, say),
   the address is forgotten and Django answers.

Query strings and other methods than GET and HEAD always go through Django. Headers that
belong to one rendering's bytes (``Rendered.headers``: the Content-Security-Policy of a page
with inline CSS or of the widget) are taken from the fresh rendering, not from what was
learned, and conditional requests are answered by Django's own ``get_conditional_response``,
as ``rendering.respond`` does: the answer is the same either way (``test_fastpath_render``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signals
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, parse_http_date_safe

from reservrutin.lib import metrics

PREFIXES = ("/status/", "/api/v1/")
_MAX_ENTRIES = 2_000
#: Headers that belong to one body rather than to the address.
_PER_BODY = {"etag", "last-modified", "content-length", "content-type"}

#: One address as a client asked for it: path, host, scheme and the proxy's scheme header,
#: which is all Django's answer to an anonymous GET of a public page depends on.
Key = tuple[str, str, str, str]


@dataclass(frozen=True)
class Learned:
    """How to render an address without Django: the view's ``public_render``, the
    address's arguments, and the headers Django gave it (without the per-body ones)."""

    render: Callable[..., Any]
    kwargs: dict[str, Any]
    status: str
    headers: list[tuple[str, str]]


#: key → (expires at, status line, headers, body, etag)
_HOT: dict[Key, tuple[float, str, list[tuple[str, str]], bytes, str]] = {}
_LEARNED: dict[Key, Learned] = {}

_LOCKS: dict[Key, threading.Lock] = {}
#: One lean render at a time per process: renders are CPU-bound and share the GIL, so two
#: at once only take turns, more slowly (measured: docs/benchmarks.md). The other thread
#: still serves kept bytes and everything that goes through Django.
_RENDERING = threading.Lock()
_LOCKS_GUARD = threading.Lock()


def forget() -> None:
    _HOT.clear()
    _LEARNED.clear()


def _lock_for(key: Key) -> threading.Lock:
    with _LOCKS_GUARD:
        if len(_LOCKS) >= _MAX_ENTRIES:
            _LOCKS.clear()
        return _LOCKS.setdefault(key, threading.Lock())


def _key(environ: dict[str, Any], path: str) -> Key:
    proxy = settings.SECURE_PROXY_SSL_HEADER
    return (
        path,
        environ.get("HTTP_HOST", ""),
        environ.get("wsgi.url_scheme", ""),
        environ.get(proxy[0], "") if proxy else "",
    )


class PublicFastPath:
    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "")
        if (
            method not in ("GET", "HEAD")
            or not path.startswith(PREFIXES)
            or environ.get("QUERY_STRING")
            # Preconditions that can fail (412) are rare on a GET; Django answers them.
            or "HTTP_IF_MATCH" in environ
            or "HTTP_IF_UNMODIFIED_SINCE" in environ
        ):
            return self.app(environ, start_response)
        key = _key(environ, path)
        window = settings.STATUSPAGE_FRESH_MS / 1000
        if window <= 0:
            return self._render(environ, start_response, key, method, None)
        served = self._serve(environ, start_response, key, method)
        if served is not None:
            return served
        # One render per address at a time in this process: when the entry expires under
        # load, the other threads wait for that render instead of all rendering.
        with _lock_for(key):
            served = self._serve(environ, start_response, key, method)
            if served is not None:
                return served
            return self._render(environ, start_response, key, method, time.monotonic() + window)

    @staticmethod
    def _serve(
        environ: dict[str, Any], start_response: Callable[..., Any], key: Key, method: str
    ) -> list[bytes] | None:
        hit = _HOT.get(key)
        if hit is None or hit[0] <= time.monotonic():
            return None
        _, status, headers, body, etag = hit
        metrics.fastpath("kept")
        return _answer(environ, start_response, method, status, headers, body, etag)

    def _render(
        self,
        environ: dict[str, Any],
        start_response: Callable[..., Any],
        key: Key,
        method: str,
        expires: float | None,
    ) -> Iterable[bytes]:
        learned = _LEARNED.get(key)
        if learned is None:
            return self._fill(environ, start_response, key, method, expires)
        # What Django's handler does around a request: connections past their age are
        # closed, the query log is reset.
        signals.request_started.send(sender=self.__class__, environ=environ)
        try:
            with _RENDERING:
                page = learned.render(**learned.kwargs)
        except Exception:
            # Let Django answer (and log) it; the address is learned again if it recovers.
            _LEARNED.pop(key, None)
            return self._fill(environ, start_response, key, method, expires)
        finally:
            signals.request_finished.send(sender=self.__class__)
        own = {name.lower() for name, _ in page.headers}
        headers = [
            *(h for h in learned.headers if h[0].lower() not in own),
            *page.headers,
            ("Content-Type", page.content_type),
            ("ETag", page.etag),
            ("Content-Length", str(len(page.body))),
        ]
        if page.last_modified is not None:
            headers.append(("Last-Modified", http_date(int(page.last_modified))))
        if expires is not None:
            _remember(_HOT, key, (expires, learned.status, headers, page.body, page.etag))
        metrics.fastpath("lean")
        return _answer(
            environ, start_response, method, learned.status, headers, page.body, page.etag
        )

    def _fill(
        self,
        environ: dict[str, Any],
        start_response: Callable[..., Any],
        key: Key,
        method: str,
        expires: float | None,
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
            if expires is not None:
                _remember(
                    _HOT,
                    key,
                    (
                        expires,
                        captured["status"],
                        captured["headers"],
                        body,
                        headers.get("etag", ""),
                    ),
                )
            _learn(key, captured["status"], captured["headers"])
        return [body]


def _learn(key: Key, status: str, headers: list[tuple[str, str]]) -> None:
    try:
        match = resolve(key[0])
    except Resolver404:
        return
    render = getattr(match.func, "public_render", None)
    if render is None:
        return
    kept = [(name, value) for name, value in headers if name.lower() not in _PER_BODY]
    _remember(_LEARNED, key, Learned(render, dict(match.kwargs), status, kept))


def _remember(store: dict[Key, Any], key: Key, value: Any) -> None:
    if len(store) >= _MAX_ENTRIES:
        store.clear()
    store[key] = value


class _Conditions:
    """What ``get_conditional_response`` reads of a request, from the WSGI environ."""

    def __init__(self, environ: dict[str, Any], method: str) -> None:
        self.META = environ
        self.method = method
        self.path = environ.get("PATH_INFO", "")


def _answer(
    environ: dict[str, Any],
    start_response: Callable[..., Any],
    method: str,
    status: str,
    headers: list[tuple[str, str]],
    body: bytes,
    etag: str,
) -> list[bytes]:
    """The answer to a GET or HEAD, or 304 when the client already has it (the
    preconditions that could fail, ``If-Match`` and ``If-Unmodified-Since``, went to
    Django)."""
    if "HTTP_IF_NONE_MATCH" in environ or "HTTP_IF_MODIFIED_SINCE" in environ:
        modified = next((v for k, v in headers if k.lower() == "last-modified"), None)
        conditional = get_conditional_response(
            _Conditions(environ, method),  # type: ignore[arg-type]
            etag=etag or None,
            last_modified=parse_http_date_safe(modified) if modified else None,
        )
        if conditional is not None:
            start_response(
                "304 Not Modified", [h for h in headers if h[0].lower() not in _NOT_IN_304]
            )
            return [b""]
    start_response(status, headers)
    return [b""] if method == "HEAD" else [body]


_NOT_IN_304 = {"content-length", "content-type"}
