"""What recommendation follows: the privacy centre's answer for `personalisation` is the recommendation
switch (a yes turns it on, a no turns it off, without announcing it back: the answer came from there); a
paid order is credited to the A/B arm whose pick the buyer opened. Adding to the cart and paying mark the
person's stored 猜你喜欢 due for a refresh (so does looking at a product: views.product_visited)."""

from __future__ import annotations

from quanzi.core.events import subscribe
from quanzi.orders.events import CartItemAdded, OrderPaid
from quanzi.privacy.events import ConsentChanged

PURPOSE = "personalisation"


@subscribe(ConsentChanged)
def follow_the_consent(event: ConsentChanged) -> None:
    if event.purpose != PURPOSE:
        return
    from quanzi.accounts.selectors import user_get
    from quanzi.recommend.services import preference_set

    user = user_get(user_id=event.user_id)
    if user is not None:
        preference_set(user=user, personalised=event.granted, announce=False)


@subscribe(OrderPaid)
def credit_the_arm(event: OrderPaid) -> None:
    """An order paid after a click on a pick counts for the A/B arm that showed the pick."""
    from quanzi.orders.selectors import order_get, order_lines_of
    from quanzi.recommend.services import credit_order, picks_mark_due

    order = order_get(order_id=event.order_id)
    if order is None:
        return
    picks_mark_due(user_id=order.user_id)
    credit_order(user_id=order.user_id, product_ids={line.product_id for line in order_lines_of(order_ids=[order.pk])})


@subscribe(CartItemAdded)
def cart_changes_the_picks(event: CartItemAdded) -> None:
    from quanzi.recommend.services import picks_mark_due

    picks_mark_due(user_id=event.user_id)
