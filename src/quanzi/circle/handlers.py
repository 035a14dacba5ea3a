"""Write circle rows when an order is paid (after commit: never undoes the payment)."""

from __future__ import annotations

from quanzi.core.events import Event, subscribe
from quanzi.orders.events import ORDER_PAID


@subscribe(ORDER_PAID)
def record_purchases(event: Event) -> None:
    from quanzi.circle.services import record_order_purchases

    record_order_purchases(order_id=event["order_id"])
