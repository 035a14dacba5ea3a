"""Event subscribers of the bargain app (the price source, share target and sweeps register in apps.py)."""

from __future__ import annotations

from quanzi.bargain import services
from quanzi.core.events import subscribe
from quanzi.orders.events import OrderCancelled, OrderCreated


@subscribe(OrderCreated, in_transaction=True)
def mark_bought(event: OrderCreated) -> None:
    """In checkout's transaction: an order with a bargain line makes that bargain bought (or fails)."""
    if services.PRICE_SOURCE not in event.price_sources:
        return
    refs = services.bargain_refs_of_order(order_id=event.order_id)
    if refs:
        services.bargain_order_placed(order_id=event.order_id, user_id=event.user_id, refs=refs)


@subscribe(OrderCancelled, in_transaction=True)
def reopen(event: OrderCancelled) -> None:
    """An unpaid bargain order was cancelled: the bargain can be bought again while time is left."""
    if services.PRICE_SOURCE not in event.price_sources:
        return
    services.bargain_order_cancelled(order_id=event.order_id)
