"""Event subscribers of sponsored listings (registrations of extension points are in apps.py).

The top-up's credit runs inside the payment's transaction (`in_transaction=True`): the ads balance and its
ledger posting commit or roll back with the capture. Attribution of orders to clicks goes through the
outbox: it is reporting, and must never slow down or fail a payment. A promoted product's or an
advertiser's shop's change tells the serving index (serving.py) at once, inside the change's transaction.
"""

from __future__ import annotations

from quanzi.ads import services, serving
from quanzi.ads.constants import TOPUP_PURPOSE
from quanzi.catalog.events import ProductChanged
from quanzi.core.events import subscribe
from quanzi.orders.events import OrderPaid
from quanzi.payments.events import PaymentCaptured
from quanzi.shops.events import ShopApproved, ShopSuspended


def topup_return(payment) -> str:
    from django.urls import reverse

    return reverse("ads:merchant_campaigns")


@subscribe(PaymentCaptured, in_transaction=True)
def credit_topup(event: PaymentCaptured) -> None:
    if event.purpose != TOPUP_PURPOSE:
        return
    for item in event.items:
        services.topup_credit(topup_number=item["ref"], payment_number=event.payment_number, amount=int(item["amount"]))


@subscribe(OrderPaid)  # outbox: orders bought within 7 days of a click count towards the campaign's ROAS
def attribute_order(event: OrderPaid) -> None:
    services.conversions_record(order_id=event.order_id)


@subscribe(ProductChanged, in_transaction=True)
def product_changed(event: ProductChanged) -> None:
    """A promoted product changed (its status, title, price, pictures): serving shows the new one."""
    if services.is_promoted(product_id=event.product_id):
        serving.changed()


@subscribe(ShopSuspended, in_transaction=True)
@subscribe(ShopApproved, in_transaction=True)
def shop_changed(event) -> None:
    """A shop was suspended or (re)approved: whether its promoted products are sellable changed."""
    if services.shop_advertises(shop_id=event.shop_id):
        serving.changed()
