from __future__ import annotations

from django.urls import path

from reservrutin.workers import views

app_name = "workers"
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", views.prometheus, name="metrics"),
]
