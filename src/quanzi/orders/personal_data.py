"""Personal data held by orders. Orders are kept after deletion (accounting law), linked to the
pseudonymised user row: the delivery address snapshot keeps only its province and city, and what the
buyer wrote (order note, after-sale description) is emptied; the cart goes."""

from django.utils.translation import gettext as _

from quanzi.core.personal_data import declare, rows
from quanzi.orders.constants import OPEN_AFTERSALE, OrderStatus
from quanzi.orders.models import AfterSale, CartLine, Order, OrderEvent

OPEN = (OrderStatus.PENDING_PAYMENT, OrderStatus.AWAITING_RELEASE, OrderStatus.PAID, OrderStatus.SHIPPED,
        OrderStatus.DELIVERED)


def export(user) -> dict:
    orders = Order.objects.filter(user=user).order_by("-created_at").prefetch_related("lines")[:1000]
    return {
        "orders": [{"number": o.number, "status": o.status, "total": o.total, "currency": "CNY",
                    "address": o.address, "note": o.note, "created_at": o.created_at.isoformat(),
                    "lines": [{"title": ln.title, "sku": ln.sku_label, "quantity": ln.quantity, "price": ln.unit_price}
                              for ln in o.lines.all()]} for o in orders],
        "after_sales": rows(AfterSale.objects.filter(order__user=user), "number", "kind", "status", "reason",
                            "description", "created_at"),
        "cart": rows(CartLine.objects.filter(user=user), "sku_id", "quantity"),
    }


def _pseudonymous_address(address) -> dict:
    address = address if isinstance(address, dict) else {}
    return {"recipient": "", "phone": "", "province": address.get("province", ""), "city": address.get("city", ""),
            "district": "", "detail": "", "postal_code": ""}


def erase(user) -> None:
    CartLine.objects.filter(user=user).delete()
    for order in Order.objects.filter(user=user).only("pk", "address", "cancel_reason").iterator():
        if order.cancel_reason:  # the timeline repeats what the shopper wrote as the reason
            OrderEvent.objects.filter(order_id=order.pk, message=order.cancel_reason).update(message="")
        Order.objects.filter(pk=order.pk).update(address=_pseudonymous_address(order.address), note="", cancel_reason="")
    AfterSale.objects.filter(order__user=user).update(description="")


def blockers(user) -> list[str]:
    reasons = []
    open_orders = Order.objects.filter(user=user, status__in=OPEN).count()
    if open_orders:
        reasons.append(_("%(n)s order(s) are not finished yet.") % {"n": open_orders})
    unsettled = Order.objects.filter(user=user, status=OrderStatus.COMPLETED, settled_at__isnull=True).count()
    if unsettled:
        reasons.append(_("%(n)s order(s) are still within their return window.") % {"n": unsettled})
    if AfterSale.objects.filter(order__user=user, status__in=OPEN_AFTERSALE).exists():
        reasons.append(_("An after-sales request is still open."))
    return reasons


declare(
    app="orders",
    personal={
        "orders.CartLine.user": "link", "orders.Order.user": "link", "orders.Order.address": "address",
        "orders.Order.note": "content", "orders.Order.cancel_reason": "content",
        "orders.AfterSale.description": "content",
        "orders.OrderEvent.message": "content",  # a msgid, or the reason the shopper typed when cancelling
    },
    not_personal={
        "orders.OrderLine.title": "the product's title when bought",
        "orders.OrderLine.attribution": "where the purchase came from: ids of a share, note or live room",
        "orders.OrderEvent.data": "the timeline's parameters: numbers, amounts, statuses",
        "orders.Order.adjustments": "the pricing pipeline's discounts: source, coupon id, offer name, amounts",
        "orders.OrderLine.discounts": "each discount's share of the line: source, coupon id, offer name, amount",
        "orders.AfterSale.reason": "a reason code picked from a list",
        "orders.AfterSale.merchant_note": "the merchant's answer to the request",
        "orders.AfterSale.operator_note": "the platform's decision on the request",
    },
    export=export, erase=erase, blockers=blockers,
)
