import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from quanzi.core import clock
from quanzi.orders.constants import AfterSaleKind, AfterSaleStatus, OrderStatus
from quanzi.shops.models import Shop


def new_order_number() -> str:
    """Date + 10 random digits: unique enough, not guessable, not a sales counter."""
    return clock.now().strftime("%Y%m%d") + f"{secrets.randbelow(10**10):010d}"


class CartLine(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="cart_lines")
    sku = models.ForeignKey("catalog.Sku", verbose_name=_("SKU"), on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))
    selected = models.BooleanField(default=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("cart line")
        verbose_name_plural = _("cart lines")
        constraints = [models.UniqueConstraint(fields=["user", "sku"], name="uniq_cart_line")]
        ordering = ["-added_at", "-id"]


class Order(models.Model):
    """One shop's part of a checkout. Money in fen; totals fixed at placement."""

    number = models.CharField(_("number"), max_length=20, unique=True, default=new_order_number)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="orders")
    shop = models.ForeignKey(Shop, verbose_name=_("shop"), on_delete=models.PROTECT, related_name="orders")
    checkout_id = models.CharField(max_length=32, db_index=True)  # orders placed together share it
    status = models.CharField(_("status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.PENDING_PAYMENT)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    items_total = models.BigIntegerField(_("goods (fen)"))
    shipping_fee = models.BigIntegerField(_("shipping fee (fen)"), default=0)
    discount_total = models.BigIntegerField(default=0)  # goods discounts + free-shipping benefits
    total = models.BigIntegerField(_("total (fen)"))  # items_total − discount_total + shipping_fee
    refunded_total = models.BigIntegerField(_("refunded (fen)"), default=0)
    address = models.JSONField()
    note = models.CharField(_("note"), max_length=200, blank=True)
    payment_number = models.CharField(_("payment number"), max_length=32, blank=True, db_index=True)
    hold_key = models.CharField(max_length=80, blank=True)  # set by a price source that holds paid orders
    cancel_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    pay_deadline = models.DateTimeField()
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    auto_confirm_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    return_window_closes_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    # The pricing pipeline's discounts, in the order they were taken (pricing.Adjustment.record):
    # {"source", "ref", "label", "amount", "target": "items"|"shipping", "funded_by": "merchant"|"platform"}.
    # Written once at placement; how each was spread over the lines is on OrderLine.discounts.
    adjustments = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        indexes = [
            models.Index(fields=["user", "-id"]),
            models.Index(fields=["shop", "status", "-id"]),
            models.Index(fields=["status", "pay_deadline"]),
            models.Index(fields=["status", "auto_confirm_at"]),
            models.Index(fields=["settled_at", "return_window_closes_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(refunded_total__gte=0) & Q(refunded_total__lte=models.F("total")),
                                   name="order_refund_within_total"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def paid_total(self) -> int:
        return self.total if self.paid_at else 0

    @property
    def shipping_paid(self) -> int:
        """The shipping the shopper paid: the fee less any free-shipping benefit."""
        waived = sum(a["amount"] for a in self.adjustments or () if a.get("target") == "shipping")
        return self.shipping_fee - min(waived, self.shipping_fee)


class OrderLine(models.Model):
    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="lines")
    sku = models.ForeignKey("catalog.Sku", verbose_name=_("SKU"), on_delete=models.PROTECT, related_name="+")
    product_id = models.BigIntegerField()
    category_id = models.BigIntegerField()
    title = models.CharField(_("title"), max_length=120)
    sku_label = models.CharField(max_length=120, blank=True)
    image = models.CharField(max_length=255, blank=True)
    list_price = models.BigIntegerField()  # the SKU's price at placement
    unit_price = models.BigIntegerField(_("unit price (fen)"))  # what the chosen price source charged
    price_source = models.CharField(max_length=30, default="list")
    price_source_ref = models.CharField(max_length=80, blank=True)
    campaign_key = models.CharField(max_length=80, blank=True)  # stock pool the line took from
    quantity = models.PositiveIntegerField(_("quantity"))
    line_total = models.BigIntegerField(_("line total (fen)"))  # unit_price × quantity − allocated discount
    refunded_quantity = models.PositiveIntegerField(default=0)
    refunded_amount = models.BigIntegerField(default=0)
    returnable_7day = models.BooleanField(default=True)
    attribution = models.JSONField(default=dict, blank=True)  # filled once at placement, never changed
    # Which discount took how much from this line: [{"source", "ref", "label", "amount", "funded_by"}]; they sum to
    # unit_price × quantity − line_total. A refund of part of the line returns its share of line_total.
    discounts = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(refunded_amount__lte=models.F("line_total")), name="line_refund_within_total"),
            models.CheckConstraint(condition=Q(refunded_quantity__lte=models.F("quantity")), name="line_refund_within_qty"),
        ]

    @property
    def refundable_amount(self) -> int:
        return self.line_total - self.refunded_amount


class OrderEvent(models.Model):
    """The order's timeline: every state change and tracking step, in order.

    `message` is stored untranslated (an English msgid, or free text such as a carrier's
    description) with its values in `data["params"]`; `text()` translates it for whoever looks.
    """

    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=40)
    message = models.CharField(_("message"), max_length=300, blank=True)
    actor = models.CharField(_("actor"), max_length=20, default="system")  # shopper | merchant | operator | system | carrier
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        verbose_name = _("order event")
        verbose_name_plural = _("order events")
        ordering = ["created_at", "id"]

    def text(self) -> str:
        params = self.data.get("params") if isinstance(self.data, dict) else None
        message = gettext(self.message) if self.message else self.kind
        if not params:
            return message
        shown = {k: gettext(v) if isinstance(v, str) and v else v for k, v in params.items()}
        try:
            return message % shown
        except (KeyError, TypeError, ValueError):
            return self.message % params


class AfterSale(models.Model):
    number = models.CharField(_("number"), max_length=20, unique=True, default=new_order_number)
    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="after_sales")
    line = models.ForeignKey(OrderLine, verbose_name=_("order line"), on_delete=models.PROTECT, related_name="after_sales")
    kind = models.CharField(_("kind"), max_length=20, choices=AfterSaleKind.choices)
    status = models.CharField(_("status"), max_length=20, choices=AfterSaleStatus.choices, default=AfterSaleStatus.REQUESTED)
    quantity = models.PositiveIntegerField(_("quantity"))
    amount = models.BigIntegerField(_("amount (fen)"))
    reason = models.CharField(_("reason"), max_length=40)
    description = models.CharField(max_length=500, blank=True)
    merchant_note = models.CharField(max_length=300, blank=True)
    operator_note = models.CharField(max_length=300, blank=True)
    return_carrier = models.CharField(max_length=40, blank=True)
    return_tracking = models.CharField(max_length=40, blank=True)
    restock = models.BooleanField(default=False)  # stock returns (refund before shipping)
    merchant_respond_by = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("after-sales request")
        verbose_name_plural = _("after-sales requests")
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "merchant_respond_by"])]
