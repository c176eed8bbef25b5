"""Subscriptions, notice rules and planned windows in the admin, read-only where a change
must go through an action (opt-in, audit, timers)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from reservrutin.statuspage.models import (
    EmbedOrigin,
    NoticeRule,
    PlannedEvent,
    PlannedWindow,
    SubscribeAttempt,
    Subscription,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    list_display = [
        "address",
        "channel",
        "organisation",
        "scope",
        "status",
        "registered_by",
        "created_at",
    ]
    list_filter = ["organisation", "channel", "status", "scope"]
    search_fields = ["address", "label"]
    # Never show the webhook secret or the SMS code hash, even to administrators.
    exclude = ["webhook_secret", "confirm_code_hash"]


@admin.register(SubscribeAttempt)
class SubscribeAttemptAdmin(ReadOnlyAdmin):
    """Every public subscribe attempt of the last 30 days and what became of it: floods,
    cooldowns and refused numbers (premium-rate, satellite, foreign) show up here."""

    list_display = ["created_at", "organisation", "channel", "address", "ip", "outcome", "reason"]
    list_filter = ["outcome", "channel", "organisation"]
    search_fields = ["address", "target", "ip"]
    date_hierarchy = "created_at"


@admin.register(NoticeRule)
class NoticeRuleAdmin(admin.ModelAdmin):
    list_display = ["organisation", "minimum_notice", "reminder_hours", "source"]


@admin.register(PlannedWindow)
class PlannedWindowAdmin(ReadOnlyAdmin):
    list_display = ["title", "organisation", "outage_type", "starts_at", "ends_at", "rrule"]
    list_filter = ["organisation", "outage_type"]


@admin.register(PlannedEvent)
class PlannedEventAdmin(ReadOnlyAdmin):
    list_display = ["occurrence", "kind", "lead", "due_at", "sent_at", "attempts"]
    list_filter = ["kind"]


@admin.register(EmbedOrigin)
class EmbedOriginAdmin(admin.ModelAdmin):
    """The sites that may frame an organisation's widget (its ``frame-ancestors``); a change
    shows in the widget's header within the render cache's minute."""

    list_display = ["origin", "organisation", "label"]
    list_filter = ["organisation"]
    search_fields = ["origin", "label"]
