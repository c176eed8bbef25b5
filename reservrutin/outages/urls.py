from __future__ import annotations

from django.urls import path

from reservrutin.outages import views

app_name = "outages"
# The catch-all change route comes after the fixed sub-pages (uppfoljning/) it would shadow.
urlpatterns = [
    path("org/<slug:org>/felanmalan/", views.report_form, name="report"),
    path("org/<slug:org>/felanmalan/<uuid:code>/", views.report_result, name="report_result"),
    path("org/<slug:org>/felanmalan/<uuid:code>/tillagg/", views.report_add, name="report_add"),
    path("org/<slug:org>/storningar/", views.outage_list, name="list"),
    path("org/<slug:org>/storningar/<uuid:code>/", views.outage_detail, name="detail"),
    path(
        "org/<slug:org>/storningar/<uuid:code>/uppgifter/<uuid:task>/klar/",
        views.task_done,
        name="task_done",
    ),
    path(
        "org/<slug:org>/storningar/<uuid:code>/uppgifter/<uuid:task>/ta-over/",
        views.task_take_over,
        name="task_take_over",
    ),
    path(
        "org/<slug:org>/storningar/<uuid:code>/uppgifter/<uuid:task>/kan-inte/",
        views.task_hand_over,
        name="task_hand_over",
    ),
    path(
        "org/<slug:org>/storningar/<uuid:code>/checklista.pdf",
        views.checklist_pdf,
        name="checklist_pdf",
    ),
    path(
        "org/<slug:org>/storningar/<uuid:code>/tidslinje.csv",
        views.timeline_csv,
        name="timeline_csv",
    ),
    path("org/<slug:org>/storningar/<uuid:code>/uppfoljning/", views.review, name="review"),
    path(
        "org/<slug:org>/storningar/<uuid:code>/uppfoljning.pdf", views.review_pdf, name="review_pdf"
    ),
    path(
        "org/<slug:org>/storningar/<uuid:code>/<slug:action>/",
        views.outage_change,
        name="change",
    ),
    path("kvittera/<str:token>/", views.acknowledge, name="acknowledge"),
]
