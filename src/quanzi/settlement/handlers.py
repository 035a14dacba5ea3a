"""Settlement listens to order facts; orders knows nothing of it."""

from quanzi.core.events import subscribe
from quanzi.orders.events import OrderPaid, OrderRefunded
from quanzi.settlement.services import on_order_paid, on_order_refunded


@subscribe(OrderPaid, in_transaction=True)
def allocate_to_merchant(event: OrderPaid) -> None:
    on_order_paid(order_id=event.order_id, shop_id=event.shop_id, total=event.total)


@subscribe(OrderRefunded, in_transaction=True)
def pull_back_from_merchant(event: OrderRefunded) -> None:
    if event.amount:
        on_order_refunded(order_id=event.order_id, key=event.key, amount=event.amount)
