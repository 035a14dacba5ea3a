"""Event subscribers of group buying (the price source, share target and sweeps register in apps.py)."""

from __future__ import annotations

from quanzi.core.events import subscribe
from quanzi.groupbuy import services
from quanzi.groupbuy.constants import HOLD_PREFIX  # (the core's own tests use "group:<n>" for a stand-in)
from quanzi.groupbuy.pricing import GroupPriceSource
from quanzi.orders.events import OrderCancelled, OrderPaid, OrderRefunded
from quanzi.orders.selectors import order_hold_key


def _is_group_order(order_id: int) -> bool:
    return order_hold_key(order_id=order_id).startswith(HOLD_PREFIX)


@subscribe(OrderPaid, in_transaction=True)
def confirm_member(event: OrderPaid) -> None:
    """Decide the join in the payment's transaction: confirmed, or refunded exactly once."""
    if event.held and GroupPriceSource.name in event.price_sources and _is_group_order(event.order_id):
        services.member_payment_confirmed(order_id=event.order_id)


@subscribe(OrderCancelled, in_transaction=True)
def free_spot(event: OrderCancelled) -> None:
    if GroupPriceSource.name in event.price_sources and _is_group_order(event.order_id):
        services.member_order_cancelled(order_id=event.order_id)


@subscribe(OrderRefunded)  # outbox: the refund holds pool rows a payment may wait for under the group lock
def member_refunded(event: OrderRefunded) -> None:
    """A whole-order refund of a paid member while the group is open frees the spot."""
    if event.line_id is None and _is_group_order(event.order_id):
        services.member_order_refunded(order_id=event.order_id)
