"""Event subscribers of flash sales (the price source and sweeps register in apps.py)."""

from __future__ import annotations

from quanzi.core.events import subscribe
from quanzi.flashsale import services
from quanzi.orders.events import OrderCancelled, OrderPaid


@subscribe(OrderPaid, in_transaction=True)
def reservation_paid(event: OrderPaid) -> None:
    """One indexed UPDATE by order id (it matches nothing for the orders of other sources)."""
    services.reservation_paid(order_id=event.order_id)


@subscribe(OrderCancelled, in_transaction=True)
def reservation_expired(event: OrderCancelled) -> None:
    """Not paid in time (the reservation's deadline is the order's): the buyer's count goes down with it."""
    services.reservation_order_cancelled(order_id=event.order_id)
