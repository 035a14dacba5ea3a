"""Operator pages: guarantees, deposit payments and claims are records (read-only here); claims are decided on
/ops/claims/, where the amount is paid through the ledger exactly once."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from quanzi.core.adminkit import ReadOnlyAdmin, ReadOnlyInline, yuan
from quanzi.guarantees.models import Claim, ClaimEvent, DepositPayment, Guarantee


@admin.register(Guarantee)
class GuaranteeAdmin(ReadOnlyAdmin):
    list_display = ("shop", "kind", "required_shown", "opted_in_at")
    list_filter = ("kind",)

    @admin.display(description=_("deposit required"))
    def required_shown(self, obj):
        return yuan(obj.deposit_required)


@admin.register(DepositPayment)
class DepositPaymentAdmin(ReadOnlyAdmin):
    list_display = ("number", "shop", "amount_shown", "status", "payment_number", "created_at", "paid_at")
    list_filter = ("status",)
    search_fields = ("number", "payment_number")

    @admin.display(description=_("amount"))
    def amount_shown(self, obj):
        return yuan(obj.amount)


class ClaimEventInline(ReadOnlyInline):
    model = ClaimEvent
    fields = ("created_at", "status", "message", "note")


@admin.register(Claim)
class ClaimAdmin(ReadOnlyAdmin):
    list_display = ("number", "shop", "kind", "status", "cap_shown", "amount_shown", "created_at")
    list_filter = ("status", "kind")
    search_fields = ("number", "order_number")
    inlines = [ClaimEventInline]

    @admin.display(description=_("cap"))
    def cap_shown(self, obj):
        return yuan(obj.cap)

    @admin.display(description=_("paid"))
    def amount_shown(self, obj):
        return yuan(obj.amount)
