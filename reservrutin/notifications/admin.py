"""The outbox in the admin: what was sent, what failed and why, and "Försök igen".

Rows are read-only here: every change goes through ``actions`` (retry, cancel), so the
claim protocol and the audit log stay intact.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from reservrutin.notifications.actions import MessageStateError, cancel_message, retry_message
from reservrutin.notifications.models import DeliveryAttempt, OutboxMessage


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    fields = ["number", "started_at", "finished_at", "outcome", "detail", "provider_ref"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "kind",
        "recipient",
        "subject",
        "status",
        "attempts",
        "next_attempt_at",
        "is_exercise",
    ]
    list_filter = ["status", "kind", "is_exercise"]
    search_fields = ["recipient", "dedupe_key"]
    date_hierarchy = "created_at"
    list_select_related = ["organisation"]
    inlines = [DeliveryAttemptInline]
    actions = ["retry", "cancel"]
    fieldsets = [
        (None, {"fields": ["kind", "recipient", "subject", "body", "body_html"]}),
        (_("Leverans"), {"fields": ["status", "attempts", "max_attempts", "next_attempt_at",
                                    "claimed_until", "sent_at", "provider_ref", "last_error"]}),
        (_("Ursprung"), {"fields": ["code", "dedupe_key", "organisation", "is_exercise", "source",
                                    "object_type", "object_id", "created_at", "shown_headers", "payload"]}),
    ]  # fmt: skip

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> list[str]:
        return [field for _name, options in self.fieldsets for field in options["fields"]]

    @admin.display(description=_("rubriker"))
    def shown_headers(self, obj: OutboxMessage) -> dict[str, str]:
        """The headers with secrets masked: a webhook's signing secret rides along on its
        message for the transport, but nobody reading the outbox should see it."""
        return {k: ("••••" if "secret" in k.lower() else v) for k, v in (obj.headers or {}).items()}

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # messages are enqueued by actions, never typed in

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # the outbox is the record of what we promised to send

    @admin.action(description=_("Försök igen"), permissions=["change"])
    def retry(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        done, skipped = 0, 0
        for message in queryset:
            try:
                retry_message(message, by=request.user)  # type: ignore[arg-type]
                done += 1
            except MessageStateError:
                skipped += 1
        if done:
            self.message_user(
                request,
                ngettext(
                    "%(count)d meddelande skickas igen.",
                    "%(count)d meddelanden skickas igen.",
                    done,
                )
                % {"count": done},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                _("%(count)d hoppades över: bara misslyckade meddelanden kan skickas igen.")
                % {"count": skipped},
                messages.WARNING,
            )

    @admin.action(description=_("Stoppa"), permissions=["change"])
    def cancel(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        done, skipped = 0, 0
        for message in queryset:
            try:
                cancel_message(message, by=request.user)  # type: ignore[arg-type]
                done += 1
            except MessageStateError:
                skipped += 1
        self.message_user(
            request,
            _("%(done)d stoppade, %(skipped)d kunde inte stoppas.")
            % {"done": done, "skipped": skipped},
            messages.SUCCESS if not skipped else messages.WARNING,
        )
