from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from quanzi.accounts.masking import mask_phone
from quanzi.core.adminkit import Decision, DecisionAdmin, ReadOnlyAdmin, ReadOnlyInline, admin_url, yuan
from quanzi.orders import aftersales
from quanzi.orders.constants import AfterSaleStatus, OrderStatus
from quanzi.orders.models import AfterSale, Order, OrderEvent, OrderLine

ORDER_PILL = {OrderStatus.PENDING_PAYMENT: "warn", OrderStatus.AWAITING_RELEASE: "warn", OrderStatus.PAID: "warn",
              OrderStatus.SHIPPED: "ok", OrderStatus.DELIVERED: "ok", OrderStatus.COMPLETED: "ok",
              OrderStatus.CANCELLED: "muted", OrderStatus.CLOSED: "muted"}
AFTERSALE_PILL = {AfterSaleStatus.ESCALATED: "bad", AfterSaleStatus.REQUESTED: "warn",
                  AfterSaleStatus.APPROVED_AWAITING_RETURN: "warn", AfterSaleStatus.RETURN_SHIPPED: "warn",
                  AfterSaleStatus.REFUNDED: "ok", AfterSaleStatus.REJECTED: "muted", AfterSaleStatus.CLOSED: "muted",
                  AfterSaleStatus.CANCELLED: "muted"}


def _pill(css: dict, obj) -> str:
    return format_html('<span class="qz-pill {}">{}</span>', css.get(obj.status, ""), obj.get_status_display())


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = ("title", "sku_label", "unit", "quantity", "total", "refunded_quantity", "refunded", "price_source")
    readonly_fields = fields

    @admin.display(description=_("unit price"))
    def unit(self, line):
        return yuan(line.unit_price)

    @admin.display(description=_("line total"))
    def total(self, line):
        return yuan(line.line_total)

    @admin.display(description=_("refunded"))
    def refunded(self, line):
        return yuan(line.refunded_amount)


class OrderEventInline(ReadOnlyInline):
    model = OrderEvent
    fields = ("created_at", "actor", "kind", "shown_text")
    readonly_fields = fields
    verbose_name = _("timeline event")
    verbose_name_plural = _("timeline")

    @admin.display(description=_("message"))
    def shown_text(self, event):
        return event.text()


class AfterSaleInline(ReadOnlyInline):
    model = AfterSale
    fields = ("link", "kind", "status", "quantity", "amount_display", "reason", "created_at")
    readonly_fields = fields
    verbose_name_plural = _("after-sales requests")

    @admin.display(description=_("number"))
    def link(self, a):
        return format_html('<a href="{}">{}</a>', admin_url("orders.aftersale", a.pk), a.number)

    @admin.display(description=_("amount"))
    def amount_display(self, a):
        return yuan(a.amount)


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    list_display = ("number", "shop", "buyer", "status_pill", "total_display", "refunded_display", "created_at",
                    "paid_at")
    list_filter = ("status",)
    search_fields = ("number", "payment_number", "checkout_id", "shop__name", "user__phone", "user__email",
                     "user__nickname")
    list_select_related = ("shop", "user")
    ordering = ("-id",)
    date_hierarchy = "created_at"
    inlines = [OrderLineInline, OrderEventInline, AfterSaleInline]
    fieldsets = (
        (None, {"fields": ("number", "status_pill", "shop", "buyer", "payment_number", "checkout_id", "note",
                           "cancel_reason")}),
        (_("Money"), {"fields": ("items_total_display", "shipping_display", "discount_display", "total_display",
                                 "refunded_display")}),
        (_("Ship to"), {"fields": ("address_display",)}),
        (_("Dates"), {"classes": ("collapse",),
                      "fields": ("created_at", "pay_deadline", "paid_at", "shipped_at", "delivered_at",
                                 "auto_confirm_at", "completed_at", "return_window_closes_at", "cancelled_at",
                                 "settled_at")}),
    )
    readonly_fields = ("number", "status_pill", "shop", "buyer", "payment_number", "checkout_id", "note",
                       "cancel_reason", "items_total_display", "shipping_display", "discount_display",
                       "total_display", "refunded_display", "address_display", "created_at", "pay_deadline",
                       "paid_at", "shipped_at", "delivered_at", "auto_confirm_at", "completed_at",
                       "return_window_closes_at", "cancelled_at", "settled_at")

    @admin.display(description=_("buyer"), ordering="user__nickname")
    def buyer(self, order):
        return f"{order.user.display_name} ({order.user.uid})"

    @admin.display(description=_("status"), ordering="status")
    def status_pill(self, order):
        return _pill(ORDER_PILL, order)

    @admin.display(description=_("goods"))
    def items_total_display(self, order):
        return yuan(order.items_total)

    @admin.display(description=_("shipping"))
    def shipping_display(self, order):
        return yuan(order.shipping_fee)

    @admin.display(description=_("discount"))
    def discount_display(self, order):
        return yuan(order.discount_total)

    @admin.display(description=_("total"), ordering="total")
    def total_display(self, order):
        return yuan(order.total)

    @admin.display(description=_("refunded"), ordering="refunded_total")
    def refunded_display(self, order):
        return yuan(order.refunded_total) if order.refunded_total else "—"

    @admin.display(description=_("address"))
    def address_display(self, order):
        a = order.address or {}
        return format_html("{} {}<br>{}{}{} {}", a.get("recipient", ""), mask_phone(a.get("phone", "")),
                           a.get("province", ""), a.get("city", ""), a.get("district", ""), a.get("detail", ""))


class EscalatedFilter(admin.SimpleListFilter):
    title = _("platform decision")
    parameter_name = "escalated"

    def lookups(self, request, model_admin):
        return (("yes", _("Escalated: waiting for the platform")), ("no", _("Not escalated")))

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(status=AfterSaleStatus.ESCALATED)
        if self.value() == "no":
            return queryset.exclude(status=AfterSaleStatus.ESCALATED)
        return queryset


def _escalated(a) -> bool:
    return a.status == AfterSaleStatus.ESCALATED


@admin.register(AfterSale)
class AfterSaleAdmin(DecisionAdmin, ReadOnlyAdmin):
    list_display = ("number", "order_link", "shop", "line_title", "kind", "status_pill", "amount_display",
                    "reason", "created_at")
    list_filter = (EscalatedFilter, "status", "kind")
    search_fields = ("number", "order__number", "order__shop__name")
    list_select_related = ("order", "order__shop", "line")
    ordering = ("-id",)
    date_hierarchy = "created_at"
    fields = ("number", "order_link", "shop", "line_title", "kind", "status_pill", "quantity", "amount_display",
              "reason", "description", "merchant_note", "operator_note", "return_carrier", "return_tracking",
              "merchant_respond_by", "created_at", "resolved_at")
    readonly_fields = fields
    decisions = (
        Decision("refund", _("Refund (platform decision)"),
                 lambda a, note: aftersales.aftersale_decide(after_sale_id=a.pk, refund=True, note=note),
                 applies=_escalated, note_required=True,
                 help=_("The shopper is refunded from the merchant's pending balance. The note is recorded on "
                        "the order's timeline.")),
        Decision("close_without_refund", _("Close without refund"),
                 lambda a, note: aftersales.aftersale_decide(after_sale_id=a.pk, refund=False, note=note),
                 applies=_escalated, note_required=True, danger=True,
                 help=_("The request closes; the shopper and the merchant see the note.")),
    )

    @admin.display(description=_("order"), ordering="order__number")
    def order_link(self, a):
        return format_html('<a href="{}">{}</a>', admin_url("orders.order", a.order_id), a.order.number)

    @admin.display(description=_("shop"), ordering="order__shop__name")
    def shop(self, a):
        return a.order.shop.name

    @admin.display(description=_("item"))
    def line_title(self, a):
        return f"{a.line.title} {a.line.sku_label}".strip()

    @admin.display(description=_("status"), ordering="status")
    def status_pill(self, a):
        return _pill(AFTERSALE_PILL, a)

    @admin.display(description=_("amount"), ordering="amount")
    def amount_display(self, a):
        return yuan(a.amount)
