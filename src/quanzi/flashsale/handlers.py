"""Event subscribers, the price source registration and the sweeps of flash sales."""

from __future__ import annotations

from quanzi.core.events import Event, subscribe
from quanzi.flashsale import services, tasks  # noqa: F401 - tasks registers the sweeps
from quanzi.flashsale.pricing import FlashPriceSource
from quanzi.orders import events as ev
from quanzi.orders.pricing import register_price_source

register_price_source(FlashPriceSource())


@subscribe(ev.ORDER_PAID, in_transaction=True)
def reservation_paid(event: Event) -> None:
    """One indexed UPDATE by order id (it matches nothing for the orders of other sources)."""
    services.reservation_paid(order_id=event["order_id"])


@subscribe(ev.ORDER_CANCELLED, in_transaction=True)
def reservation_expired(event: Event) -> None:
    """Not paid in time (the reservation's deadline is the order's): the buyer's count goes down with it."""
    services.reservation_order_cancelled(order_id=event["order_id"])
