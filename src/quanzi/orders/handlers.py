"""Orders reacting to payments: mark paid, or refund money that arrived for an order that can no
longer take it (cancelled by timeout meanwhile, or paid twice)."""

from collections import defaultdict

from django.urls import reverse
from django.utils.translation import gettext_noop

from quanzi.catalog.services import product_record_sales
from quanzi.core.events import subscribe
from quanzi.orders.events import OrderCancelled, OrderPaid
from quanzi.orders.models import Order, OrderLine
from quanzi.orders.services import order_add_event, order_mark_paid
from quanzi.payments import services as payments
from quanzi.payments.events import PaymentCaptured


@subscribe(PaymentCaptured, in_transaction=True)
def mark_orders_paid(event: PaymentCaptured) -> None:
    if event.purpose != "orders":
        return
    for item in event.items:
        if order_mark_paid(order_number=item["ref"], payment_number=event.payment_number, amount=item["amount"]):
            continue
        payments.refund_create(payment_number=event.payment_number, amount=item["amount"],
                               key=f"unpayable:{event.payment_number}:{item['ref']}",
                               reason="order no longer payable", reference=item["ref"])
        order = Order.objects.filter(number=item["ref"]).first()
        if order is not None:
            order_add_event(order_id=order.pk, kind="late_payment_refunded",
                            message=gettext_noop("A payment arrived after the order was closed; it is refunded automatically."))


@subscribe(OrderCancelled, in_transaction=True)
def close_unpaid_payment(event: OrderCancelled) -> None:
    if event.payment_number:
        payments.payment_close(payment_number=event.payment_number)


def order_page(payment) -> str:
    """Where a shopper lands after paying for orders (registered in OrdersConfig.ready)."""
    orders = [i["ref"] for i in payment.items]
    if len(orders) == 1:
        return reverse("storefront:order_detail", args=[orders[0]])
    return reverse("storefront:order_list")



@subscribe(OrderPaid)
def record_sales(event: OrderPaid) -> None:
    """Sold counts are shown on product cards, not owed to anyone: they follow the payment through the
    outbox instead of holding the hot product rows locked inside every capture transaction."""
    sales: dict[int, int] = defaultdict(int)
    for product_id, quantity in OrderLine.objects.filter(order_id=event.order_id).values_list("product_id", "quantity"):
        sales[product_id] += quantity
    product_record_sales(quantities=dict(sales))
