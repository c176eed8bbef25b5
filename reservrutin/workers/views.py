"""Operations endpoints: ``/healthz``, ``/readyz`` and ``/metrics`` (docs/operations.md)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import CONTENT_TYPE_LATEST

from reservrutin.workers import health, metrics


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """The process answers. Touches nothing else, so it stays up while the database is down."""
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")


@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready to do the work: database, migrations, workers' heartbeats, outbox age."""
    checks = health.readiness()
    ready = all(check.ok for check in checks)
    body = {
        "status": "ready" if ready else "unready",
        "checks": {c.name: ("ok" if c.ok else c.detail or "failed") for c in checks},
    }
    response = JsonResponse(body, status=200 if ready else 503)
    if not ready:
        response["Retry-After"] = "10"
    return response


@never_cache
@require_safe
def prometheus(request: HttpRequest) -> HttpResponse:
    """Prometheus exposition, only with ``Authorization: Bearer <METRICS_TOKEN>``. Without a
    configured token the address does not exist (404), so nothing is exposed by accident."""
    token = settings.METRICS_TOKEN
    if not token:
        raise Http404
    given = request.headers.get("Authorization", "")
    if not secrets.compare_digest(given.encode(), f"Bearer {token}".encode()):
        response = HttpResponse("Unauthorized\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(metrics.exposition(), content_type=CONTENT_TYPE_LATEST)
