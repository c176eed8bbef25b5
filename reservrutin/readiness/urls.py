from __future__ import annotations

from django.urls import path

from reservrutin.readiness import views

app_name = "readiness"
urlpatterns = [
    path("org/<slug:org>/beredskap/", views.overview, name="overview"),
    path("org/<slug:org>/beredskap.csv", views.overview_csv, name="overview_csv"),
    path("org/<slug:org>/enhet/<slug:unit>/beredskap/", views.unit_checklist, name="unit"),
    path(
        "org/<slug:org>/enhet/<slug:unit>/beredskap/<uuid:item>/bocka/",
        views.tick,
        name="tick",
    ),
    path("org/<slug:org>/enhet/<slug:unit>/beredskap/ny/", views.add_item, name="add_item"),
    path("org/<slug:org>/enhet/<slug:unit>/parm.pdf", views.binder_pdf, name="binder_pdf"),
    path(
        "org/<slug:org>/enhet/<slug:unit>/parm/utskriven/",
        views.binder_printed,
        name="binder_printed",
    ),
    path("org/<slug:org>/ovningar/", views.exercise_list, name="exercises"),
    path("org/<slug:org>/ovningar/<uuid:code>/rapport/", views.exercise_report, name="report"),
    path(
        "org/<slug:org>/ovningar/<uuid:code>/rapport.pdf",
        views.exercise_report_pdf,
        name="report_pdf",
    ),
]
