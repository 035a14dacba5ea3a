"""Event subscribers, the price source registration and the sweeps of group buying."""

from __future__ import annotations

from quanzi.core.events import Event, subscribe
from quanzi.groupbuy import services, tasks  # noqa: F401 - tasks registers the sweeps
from quanzi.groupbuy.pricing import GroupPriceSource
from quanzi.orders import events as ev
from quanzi.orders.models import Order
from quanzi.orders.pricing import register_price_source
from quanzi.sharing.targets import register_target

register_price_source(GroupPriceSource())
register_target("group", services.group_share_target)
HOLD_PREFIX = "groupbuy:"  # hold keys of this app (the core's own tests use "group:<n>" for a stand-in)


def _is_group_order(order_id: int) -> bool:
    hold = Order.objects.filter(pk=order_id).values_list("hold_key", flat=True).first() or ""
    return hold.startswith(HOLD_PREFIX)


@subscribe(ev.ORDER_PAID, in_transaction=True)
def confirm_member(event: Event) -> None:
    """Decide the join in the payment's transaction: confirmed, or refunded exactly once."""
    if event.payload.get("held") and _is_group_order(event["order_id"]):
        services.member_payment_confirmed(order_id=event["order_id"])


@subscribe(ev.ORDER_CANCELLED, in_transaction=True)
def free_spot(event: Event) -> None:
    if _is_group_order(event["order_id"]):
        services.member_order_cancelled(order_id=event["order_id"])


@subscribe(ev.ORDER_REFUNDED)  # after commit: the refund holds pool rows a payment may wait for under the group lock
def member_refunded(event: Event) -> None:
    """A whole-order refund of a paid member while the group is open frees the spot."""
    if event.payload.get("line_id") is None and _is_group_order(event["order_id"]):
        services.member_order_refunded(order_id=event["order_id"])
