"""Write circle rows when an order is paid (through the outbox: never undoes or delays the payment)."""

from __future__ import annotations

from quanzi.core.events import subscribe
from quanzi.orders.events import OrderPaid


@subscribe(OrderPaid)
def record_purchases(event: OrderPaid) -> None:
    from quanzi.circle.services import record_order_purchases

    record_order_purchases(order_id=event.order_id)
