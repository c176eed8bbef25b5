from __future__ import annotations

from django.urls import path

from reservrutin.routines import views

app_name = "routines"
urlpatterns = [
    path("org/<slug:org>/rutiner/", views.routine_list, name="list"),
    # Before <key>/ so that the upload page is never read as a routine key.
    path("org/<slug:org>/rutiner/ladda-upp/", views.routine_upload, name="upload"),
    path("org/<slug:org>/rutiner/<slug:key>/", views.routine_detail, name="detail"),
    path("org/<slug:org>/rutiner/<slug:key>/roll/<slug:role>/", views.routine_role, name="role"),
    path("org/<slug:org>/rutiner/<slug:key>/versioner/", views.routine_versions, name="versions"),
    path(
        "org/<slug:org>/rutiner/<slug:key>/versioner/<int:number>/godkann/",
        views.routine_approve,
        name="approve",
    ),
    path("org/<slug:org>/rutiner/<slug:key>/pdf/", views.routine_pdf, name="pdf"),
]
