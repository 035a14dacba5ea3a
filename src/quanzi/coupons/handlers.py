"""Coupons follow the order's facts. The hold, its release and the use run in the order's own transaction
(a coupon is never held by a rolled-back order nor left held by a cancelled one); every handler skips, without
a query, the orders no coupon touched (`adjustments` / `adjustment_sources`)."""

from quanzi.accounts.events import UserRegistered
from quanzi.accounts.selectors import user_get
from quanzi.core.events import subscribe
from quanzi.coupons import services
from quanzi.orders.events import OrderCancelled, OrderCreated, OrderPaid, OrderRefunded
from quanzi.settlement.events import OrdersSettled


@subscribe(OrderCreated, in_transaction=True)
def hold_coupons(event: OrderCreated) -> None:
    if any(a["source"] == "coupon" for a in event.adjustments):
        services.hold_for_order(order_id=event.order_id, user_id=event.user_id, shop_id=event.shop_id,
                                adjustments=event.adjustments)


@subscribe(OrderCancelled, in_transaction=True)
def give_coupons_back(event: OrderCancelled) -> None:
    if "coupon" in event.adjustment_sources:
        services.release_for_order(order_id=event.order_id)


@subscribe(OrderPaid, in_transaction=True)
def use_coupons(event: OrderPaid) -> None:
    if "coupon" in event.adjustment_sources:
        services.use_for_order(order_id=event.order_id, total=event.total)


@subscribe(OrderRefunded, in_transaction=True)
def claw_back_subsidy(event: OrderRefunded) -> None:
    if "coupon" in event.adjustment_sources:
        services.claw_back_for_refund(order_id=event.order_id, key=event.key)
        services.rewards_void_for_refunded(order_id=event.order_id)


@subscribe(OrdersSettled)
def reward_sharers(event: OrdersSettled) -> None:
    services.rewards_decide(order_ids=event.order_ids)


@subscribe(UserRegistered)
def sign_up_gifts(event: UserRegistered) -> None:
    user = user_get(user_id=event.user_id)
    if user is not None:
        services.grant_to_new_user(user=user)
