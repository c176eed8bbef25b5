from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from reservrutin.registry import actions, models
from reservrutin.registry.validation import (
    Span,
    dependency_cycle_message,
    opening_hours_errors,
    unit_system_error,
)


class OpeningHoursFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        spans = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE") or not data.get("days") or not data.get("opens"):
                continue
            spans.append(Span(data["days"], data["opens"], data.get("closes")))
        errors = opening_hours_errors(spans)
        if errors:
            raise ValidationError(errors)


class OpeningHoursInline(admin.TabularInline):
    model = models.OpeningHours
    formset = OpeningHoursFormSet
    extra = 1


@admin.register(models.DutySchedule)
class DutyScheduleAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "always"]
    list_filter = ["organisation", "always"]
    search_fields = ["name", "key"]
    inlines = [OpeningHoursInline]


class DependencyForm(forms.ModelForm):
    class Meta:
        model = models.Dependency
        fields = ["depends_on", "kind", "note"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        system = self.instance.system if self.instance.system_id else None
        target = data.get("depends_on")
        if system is not None and target is not None:
            message = dependency_cycle_message(system, target)
            if message:
                raise ValidationError(message)
        return data


class DependencyInline(admin.TabularInline):
    model = models.Dependency
    fk_name = "system"
    form = DependencyForm
    extra = 1
    autocomplete_fields = ["depends_on"]


class PartInline(admin.TabularInline):
    model = models.SystemPart
    extra = 1


class PartyInline(admin.TabularInline):
    model = models.SystemParty
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(models.System)
class SystemAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "kind", "criticality", "sla", "public"]
    list_filter = ["organisation", "kind", "criticality", "public"]
    search_fields = ["name", "key", "description"]
    prepopulated_fields = {"key": ["name"]}
    inlines = [PartInline, DependencyInline, PartyInline]


class UnitSystemForm(forms.ModelForm):
    class Meta:
        model = models.UnitSystem
        fields = ["unit", "system"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        unit, system = data.get("unit"), data.get("system")
        if unit is not None and system is not None:
            message = unit_system_error(unit, system)
            if message:
                raise ValidationError(message)
        return data


@admin.register(models.UnitSystem)
class UnitSystemAdmin(admin.ModelAdmin):
    """Add or remove a unit's systems; both go through ``registry.actions`` (audited). A
    link is not edited in place: remove it and add the right one."""

    form = UnitSystemForm
    list_display = ["unit", "system", "created_at"]
    list_filter = ["unit__organisation"]
    search_fields = ["unit__name", "unit__key", "system__name", "system__key"]
    autocomplete_fields = ["unit", "system"]
    list_select_related = ["unit", "system"]

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: models.UnitSystem, form: forms.ModelForm, change: bool
    ) -> None:
        link = actions.link_system_to_unit(obj.unit, obj.system, by=request.user)
        obj.pk, obj.created_at = link.pk, link.created_at

    def delete_model(self, request: HttpRequest, obj: models.UnitSystem) -> None:
        actions.unlink_system_from_unit(obj.unit, obj.system, by=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[models.UnitSystem]) -> None:
        for link in queryset.select_related("unit", "system"):
            actions.unlink_system_from_unit(link.unit, link.system, by=request.user)


@admin.register(models.ServiceLevel)
class ServiceLevelAdmin(admin.ModelAdmin):
    list_display = ["name", "supplier", "service_hours", "response_time", "restore_time"]
    list_filter = ["supplier"]
    search_fields = ["name"]


@admin.register(models.ContactPoint)
class ContactPointAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "kind", "phone", "schedule", "instead"]
    list_filter = ["organisation", "kind", "in_directory"]
    search_fields = ["name", "key", "phone", "email"]
    filter_horizontal = ["systems"]


class AssignmentInline(admin.TabularInline):
    model = models.RoleAssignment
    extra = 1
    autocomplete_fields = ["user", "system"]


@admin.register(models.Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "manager_role", "fallback_contact_point"]
    list_filter = ["organisation"]
    search_fields = ["name", "key"]
    inlines = [AssignmentInline]


@admin.register(models.OnCallShift)
class OnCallShiftAdmin(admin.ModelAdmin):
    list_display = ["role", "user", "starts_at", "ends_at", "is_override"]
    list_filter = ["role__organisation", "role", "is_override"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["user"]


admin.site.site_header = _("Reservrutin – administration")
admin.site.site_title = _("Reservrutin")
