"""Cached public responses with ETag/Last-Modified, shared by the views and the mirror.

A response is cached under the organisations' page version (bumped in the same transaction
as every publish) plus the current minute, because planned windows start and end by the
clock. Only the first request after a change renders; the rest get the cached bytes, and a
client with the same ETag gets 304.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from reservrutin.accounts.models import Organisation
from reservrutin.lib import clock, metrics
from reservrutin.statuspage.queries import page_version

CACHE_SECONDS = 120
_RECENT: dict[Hashable, tuple[dt.datetime, Any]] = {}
_RECENT_MAX = 10_000


def recent(key: Hashable, compute: Callable[[], Any]) -> Any:
    """``compute()``, remembered in this process for ``STATUSPAGE_FRESH_MS``.

    The public pages look up the organisation and its page version on every request; under
    load that is most of the work. Remembering them for a second means a cached page costs
    no query at all, at the price of other server processes showing a publish up to a
    second later (the process that published, and the static mirror, see it at once).
    """
    window = settings.STATUSPAGE_FRESH_MS / 1000
    if window <= 0:
        return compute()
    now = clock.now()
    hit = _RECENT.get(key)
    if hit is not None and 0 <= (now - hit[0]).total_seconds() < window:
        return hit[1]
    value = compute()
    if len(_RECENT) >= _RECENT_MAX:
        _RECENT.clear()
    _RECENT[key] = (now, value)
    return value


def forget_recent() -> None:
    """Drop what ``recent`` and the WSGI fast path remember (after a publish here)."""
    from reservrutin.statuspage import fastpath

    _RECENT.clear()
    fastpath.forget()


#: Headers that go with one rendering's bytes rather than with its address: the
#: Content-Security-Policy of a page with inline CSS or of the widget (``policy.py``).
Headers = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Rendered:
    body: bytes
    content_type: str
    etag: str
    last_modified: float | None
    headers: Headers = ()


def rendered(
    variant: str,
    organisations: list[Organisation],
    render: Callable[[], tuple[bytes, str] | tuple[bytes, str, Headers]],
) -> Rendered:
    """The bytes of ``variant`` for ``organisations``, rendered at most once per change.

    ``render`` returns the body and its content type, and may add headers that belong to
    these bytes (``Rendered.headers``)."""
    version, changed_at = _version(organisations)
    minute = int(clock.now().timestamp() // 60)
    orgs = ",".join(str(o.pk) for o in organisations)
    key = f"statuspage:{variant}:{orgs}:{version}:{minute}"
    hit = cache.get(key)
    if hit is None:
        metrics.rendered(variant.split(":", 1)[0])
        body, content_type, *extra = render()
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        last_modified = changed_at.timestamp() if changed_at else None
        hit = Rendered(body, content_type, etag, last_modified, extra[0] if extra else ())
        cache.set(key, hit, CACHE_SECONDS)
    return hit


def _version(organisations: list[Organisation]) -> tuple[int, dt.datetime | None]:
    # An organisation looked up for a public page brings its version along (read in the
    # same query, as recently): no query of its own.
    if len(organisations) == 1:
        known = getattr(organisations[0], "version_at_load", None)
        if known is not None:
            return known
    return recent(("version", *(o.pk for o in organisations)), lambda: page_version(organisations))


def respond(request: HttpRequest, page: Rendered, *, max_age: int = 30) -> HttpResponse:
    """A response for ``page``, or 304 (412) when the client's conditions say so.

    Conditional requests are Django's own (``get_conditional_response``, RFC 9110 13.2.2):
    ``If-None-Match`` (``*`` included) before ``If-Modified-Since``, and ``If-Match`` /
    ``If-Unmodified-Since``. Pages people look at use ``max_age=0``: a browser asks again
    each time (cheap, a 304 when nothing changed), so nobody sees an old notice after a
    publish; feeds that are polled keep a short max-age."""
    response = HttpResponse(page.body, content_type=page.content_type)
    response["ETag"] = page.etag
    last_modified = int(page.last_modified) if page.last_modified is not None else None
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = f"public, max-age={max_age}" + (
        ", must-revalidate" if max_age == 0 else ""
    )
    response = get_conditional_response(
        request, etag=page.etag, last_modified=last_modified, response=response
    )
    # On a 304 too: a browser updates the headers it kept with the 304's, so a 304 without
    # the widget's own policy would get the site's (no framing) in its place.
    for name, value in page.headers:
        response[name] = value
    return response
