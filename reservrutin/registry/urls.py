from __future__ import annotations

from django.urls import path

from reservrutin.registry import views

app_name = "registry"
urlpatterns = [
    path("org/<slug:org>/", views.organisation_detail, name="organisation"),
    path("org/<slug:org>/system/<slug:system>/", views.system_detail, name="system"),
    path("org/<slug:org>/telefonlista/", views.directory, name="directory"),
    path("org/<slug:org>/enhet/<slug:unit>/system/", views.unit_systems, name="unit_systems"),
]
