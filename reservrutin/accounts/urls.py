from __future__ import annotations

from django.urls import path

from reservrutin.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.home, name="home"),
    path("logga-in/", views.login_view, name="login"),
    path("logga-ut/", views.logout_view, name="logout"),
    path("tillganglighet/", views.accessibility, name="accessibility"),
]
