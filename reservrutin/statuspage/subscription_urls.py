"""Subscriptions (public) and the coordinators' subscriber and planned-outage pages.

Included from ``reservrutin/urls.py`` for now; the status page's ``urls.py`` will include
it as ``path("", include("reservrutin.statuspage.subscription_urls"))``.
"""

from __future__ import annotations

from django.urls import path

from reservrutin.statuspage import subscription_views as views

app_name = "subscriptions"
urlpatterns = [
    path("status/<slug:org>/prenumerera/", views.subscribe, name="subscribe"),
    path("status/<slug:org>/prenumerera/sms/<uuid:code>/", views.sms_code, name="sms_code"),
    path("status/<slug:org>/prenumerera/bekrafta/<str:token>/", views.confirm, name="confirm"),
    path("status/avsluta/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("org/<slug:org>/prenumeranter/", views.subscriber_list, name="subscribers"),
    path(
        "org/<slug:org>/prenumeranter/<uuid:code>/ta-bort/",
        views.subscriber_remove,
        name="subscriber_remove",
    ),
    path("org/<slug:org>/planerat/", views.planned_list, name="planned"),
]
