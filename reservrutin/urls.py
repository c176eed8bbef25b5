"""URL map: one include per app, each namespaced by its app name."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("reservrutin.accounts.urls")),
    path("", include("reservrutin.registry.urls")),
    path("", include("reservrutin.routines.urls")),
    path("", include("reservrutin.outages.urls")),
    path("", include("reservrutin.statuspage.urls")),
    path("", include("reservrutin.statuspage.subscription_urls")),
    path("", include("reservrutin.notifications.urls")),
    path("", include("reservrutin.records.urls")),
    path("", include("reservrutin.readiness.urls")),
    path("", include("reservrutin.printouts.urls")),
    path("", include("reservrutin.workers.urls")),
]

#: A lost database answers 503 with Retry-After instead of 500 (reservrutin/unavailable.py).
handler500 = "reservrutin.unavailable.server_error"
