import json

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from quanzi.core.adminkit import ReadOnlyAdmin, ReadOnlyInline, yuan
from quanzi.payments.constants import PaymentStatus, RefundStatus
from quanzi.payments.models import Payment, PaymentNotification, Refund

PAY_PILL = {PaymentStatus.PAID: "ok", PaymentStatus.CREATED: "warn", PaymentStatus.CLOSED: "muted"}
REFUND_PILL = {RefundStatus.SUCCEEDED: "ok", RefundStatus.PENDING: "warn", RefundStatus.FAILED: "bad"}


def _pill(css, obj):
    return format_html('<span class="qz-pill {}">{}</span>', css.get(obj.status, ""), obj.get_status_display())


class RefundInline(ReadOnlyInline):
    model = Refund
    fields = ("number", "amount_display", "status", "reason", "reference", "attempts", "last_error", "created_at",
              "succeeded_at")
    readonly_fields = fields

    @admin.display(description=_("amount"))
    def amount_display(self, r):
        return yuan(r.amount)


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("number", "payer", "subject", "amount_display", "status_pill", "provider", "created_at",
                    "paid_at")
    list_filter = ("status", "provider", "purpose")
    search_fields = ("number", "provider_trade_no", "user__phone", "user__email", "subject")
    list_select_related = ("user",)
    ordering = ("-id",)
    date_hierarchy = "created_at"
    inlines = [RefundInline]
    fields = ("number", "payer", "purpose", "subject", "amount_display", "currency", "status_pill", "provider",
              "provider_trade_no", "items_display", "created_at", "expires_at", "paid_at", "closed_at")
    readonly_fields = fields

    @admin.display(description=_("payer"), ordering="user__nickname")
    def payer(self, p):
        return f"{p.user.display_name} ({p.user.uid})"

    @admin.display(description=_("amount"), ordering="amount")
    def amount_display(self, p):
        return yuan(p.amount)

    @admin.display(description=_("status"), ordering="status")
    def status_pill(self, p):
        return _pill(PAY_PILL, p)

    @admin.display(description=_("items"))
    def items_display(self, p):
        return ", ".join(f"{i.get('ref')}: {yuan(i.get('amount'))}" for i in p.items or []) or "—"


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ("number", "payment", "amount_display", "status_pill", "reason", "reference", "attempts",
                    "created_at", "succeeded_at")
    list_filter = ("status",)
    search_fields = ("number", "key", "reference", "payment__number", "provider_refund_no")
    list_select_related = ("payment",)
    ordering = ("-id",)
    date_hierarchy = "created_at"
    fields = ("number", "key", "payment", "amount_display", "status_pill", "reason", "reference",
              "provider_refund_no", "attempts", "last_error", "created_at", "succeeded_at")
    readonly_fields = fields

    @admin.display(description=_("amount"), ordering="amount")
    def amount_display(self, r):
        return yuan(r.amount)

    @admin.display(description=_("status"), ordering="status")
    def status_pill(self, r):
        return _pill(REFUND_PILL, r)


@admin.register(PaymentNotification)
class PaymentNotificationAdmin(ReadOnlyAdmin):
    list_display = ("id", "provider", "payment_number", "signature_ok", "outcome", "received_at")
    list_filter = ("provider", "signature_ok", "outcome")
    search_fields = ("payment_number",)
    ordering = ("-id",)
    fields = ("provider", "payment_number", "signature_ok", "outcome", "received_at", "body_display")
    readonly_fields = fields

    @admin.display(description=_("body"))
    def body_display(self, n):
        return format_html("<pre>{}</pre>", json.dumps(n.body, ensure_ascii=False, indent=2))
