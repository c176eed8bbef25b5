"""Admin for the payment reference data only.

Records themselves have no admin on purpose: it would show personal data without the
audit trail the record pages write (docs/records.md).
"""

from __future__ import annotations

from django.contrib import admin

from reservrutin.records.models import DailyAmount, PaymentAgreement


@admin.register(DailyAmount)
class DailyAmountAdmin(admin.ModelAdmin):
    list_display = ["year", "amount_sek", "regulation", "source_url"]


@admin.register(PaymentAgreement)
class PaymentAgreementAdmin(admin.ModelAdmin):
    list_display = ["organisation", "name", "valid_from", "grace_days", "counting", "cut_off"]
    list_filter = ["organisation"]
