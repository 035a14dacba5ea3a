"""Event subscribers of flash sales (the price source and sweeps register in apps.py)."""

from __future__ import annotations

from quanzi.core.events import subscribe
from quanzi.flashsale import services
from quanzi.flashsale.pricing import FlashPriceSource
from quanzi.orders.events import OrderCancelled, OrderPaid


@subscribe(OrderPaid, in_transaction=True)
def reservation_paid(event: OrderPaid) -> None:
    """One indexed UPDATE by order id, for orders with a flash-sale line only."""
    if FlashPriceSource.name in event.price_sources:
        services.reservation_paid(order_id=event.order_id)


@subscribe(OrderCancelled, in_transaction=True)
def reservation_expired(event: OrderCancelled) -> None:
    """Not paid in time (the reservation's deadline is the order's): the buyer's count goes down with it."""
    if FlashPriceSource.name in event.price_sources:
        services.reservation_order_cancelled(order_id=event.order_id)
