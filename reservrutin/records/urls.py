from __future__ import annotations

from django.urls import path

from reservrutin.records import views

app_name = "records"
urlpatterns = [
    path("efterregistrering/", views.my_queue, name="my_queue"),
    path("org/<slug:org>/efterregistrering/ny/", views.capture, name="capture"),
    path("org/<slug:org>/efterregistrering/<uuid:code>/", views.detail, name="detail"),
    path(
        "org/<slug:org>/efterregistrering/<uuid:code>/omfordela/",
        views.reassign,
        name="reassign",
    ),
    path("org/<slug:org>/efterregistrering/<uuid:code>/klar/", views.mark_done, name="done"),
    path(
        "org/<slug:org>/efterregistrering/<uuid:code>/kan-inte/",
        views.mark_cannot,
        name="cannot",
    ),
    path("org/<slug:org>/efterregistrering/<uuid:code>/rattelse/", views.correct, name="correct"),
    path(
        "org/<slug:org>/efterregistrering/driftstorning/<uuid:outage>/",
        views.outage_queue,
        name="outage_queue",
    ),
    path(
        "org/<slug:org>/enhet/<slug:unit>/efterregistrering/", views.unit_queue, name="unit_queue"
    ),
    path(
        "org/<slug:org>/enhet/<slug:unit>/betalningsansvar/", views.payment_overview, name="payment"
    ),
    path("org/<slug:org>/utskrivningsklar/ny/", views.discharge, name="discharge"),
    path("org/<slug:org>/blanketter/<slug:record_type>.pdf", views.blank_form, name="blank_form"),
]
