from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from reservrutin.accounts import models


class MembershipInline(admin.TabularInline):
    model = models.Membership
    extra = 1
    autocomplete_fields = ["organisation", "unit", "system"]


@admin.register(models.User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "email", "phone", "is_active"]
    search_fields = ["username", "full_name", "email", "phone"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("full_name", "title", "email", "phone")}),
        (_("Behörighet"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Datum"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"fields": ("username", "full_name", "email", "password1", "password2")}),
    )


class UnitInline(admin.TabularInline):
    model = models.Unit
    extra = 0
    fk_name = "organisation"


@admin.register(models.Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "key"]
    list_filter = ["kind"]
    search_fields = ["name", "key"]
    prepopulated_fields = {"key": ["name"]}
    filter_horizontal = ["partners"]
    inlines = [UnitInline]


@admin.register(models.Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "parent", "phone"]
    list_filter = ["organisation"]
    search_fields = ["name", "key"]


@admin.register(models.Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "unit", "system"]
    list_filter = ["organisation", "role"]
    search_fields = ["user__full_name", "user__username"]
    autocomplete_fields = ["user", "organisation", "unit", "system"]
