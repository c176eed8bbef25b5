from __future__ import annotations

from django.urls import path

from reservrutin.statuspage import index_views, publish_views, views

app_name = "statuspage"
urlpatterns = [
    path("org/<slug:org>/driftinfo/", publish_views.notice_list, name="notices"),
    path("org/<slug:org>/driftinfo/ny/", publish_views.notice_new, name="notice_new"),
    path("org/<slug:org>/driftinfo/<uuid:code>/", publish_views.notice_detail, name="notice"),
    path(
        "org/<slug:org>/driftinfo/<uuid:code>/publicera/",
        publish_views.notice_publish,
        name="notice_publish",
    ),
    path(
        "org/<slug:org>/driftinfo/<uuid:code>/avsluta/", publish_views.notice_end, name="notice_end"
    ),
    path("status/", index_views.index_view, name="index"),
    path("status/<slug:org>/", views.page_view, name="page"),
    path("status/<slug:org>/en/", views.page_view, {"lang": "en"}, name="page_en"),
    path("status/<slug:org>/samlad/", views.combined_view, name="combined"),
    path("status/<slug:org>/samlad/en/", views.combined_view, {"lang": "en"}, name="combined_en"),
    path("status/<slug:org>/feed.atom", views.atom_view, name="atom"),
    path("status/<slug:org>/feed.json", views.json_feed_view, name="json_feed"),
    path("status/<slug:org>/planerat.ics", views.ical_view, name="ical"),
    path("status/<slug:org>/widget/", views.widget_view, name="widget"),
    path("status/<slug:org>/widget.html", views.widget_include_view, name="widget_include"),
    path("status/<slug:org>/system/<slug:system>/", views.system_view, name="system"),
    path(
        "status/<slug:org>/system/<slug:system>/en/",
        views.system_view,
        {"lang": "en"},
        name="system_en",
    ),
    path("status/<slug:org>/system/<slug:system>/feed.atom", views.atom_view, name="system_atom"),
    path(
        "status/<slug:org>/system/<slug:system>/feed.json",
        views.json_feed_view,
        name="system_json_feed",
    ),
    path(
        "status/<slug:org>/system/<slug:system>/planerat.ics", views.ical_view, name="system_ical"
    ),
    path("status/<slug:org>/system/<slug:system>/widget/", views.widget_view, name="system_widget"),
    path(
        "status/<slug:org>/system/<slug:system>/widget.html",
        views.widget_include_view,
        name="system_widget_include",
    ),
    path("api/v1/openapi.json", views.openapi_view, name="openapi"),
    path("api/v1/status/<slug:org>.json", views.api_view, name="api"),
    path("api/v1/status/<slug:org>/<slug:system>.json", views.api_view, name="system_api"),
]
