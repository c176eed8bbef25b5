"""Cached public responses with ETag/Last-Modified, shared by the views and the mirror.

A response is cached under the organisations' page version (bumped in the same transaction
as every publish) plus the current minute, because planned windows start and end by the
clock. Only the first request after a change renders; the rest get the cached bytes, and a
client with the same ETag gets 304.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.http import http_date

from reservrutin.accounts.models import Organisation
from reservrutin.lib import clock
from reservrutin.statuspage.queries import page_version

CACHE_SECONDS = 120


@dataclass(frozen=True)
class Rendered:
    body: bytes
    content_type: str
    etag: str
    last_modified: float | None


def rendered(
    variant: str,
    organisations: list[Organisation],
    render: Callable[[], tuple[bytes, str]],
) -> Rendered:
    """The bytes of ``variant`` for ``organisations``, rendered at most once per change."""
    version, changed_at = page_version(organisations)
    minute = int(clock.now().timestamp() // 60)
    orgs = ",".join(str(o.pk) for o in organisations)
    key = f"statuspage:{variant}:{orgs}:{version}:{minute}"
    hit = cache.get(key)
    if hit is None:
        body, content_type = render()
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        hit = Rendered(body, content_type, etag, changed_at.timestamp() if changed_at else None)
        cache.set(key, hit, CACHE_SECONDS)
    return hit


def respond(request: HttpRequest, page: Rendered, *, max_age: int = 30) -> HttpResponse:
    """A response for ``page``, or 304 when the client already has it."""
    if page.etag in request.headers.get("If-None-Match", ""):
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(page.body, content_type=page.content_type)
    response["ETag"] = page.etag
    if page.last_modified is not None:
        response["Last-Modified"] = http_date(page.last_modified)
    response["Cache-Control"] = f"public, max-age={max_age}"
    return response
