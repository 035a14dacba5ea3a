"""Facts orders publishes (see core.events). Payloads carry ids and plain values, never objects."""

from __future__ import annotations

from dataclasses import field

from quanzi.core.events import DomainEvent, event


@event("order.created")
class OrderCreated(DomainEvent):
    """Checkout wrote an order (published in checkout's transaction, one per shop group).
    `price_sources` names the lines' price sources, so a promotion's subscriber can tell in-process
    whether the order is one of its own without a query. `adjustments` is the pricing pipeline's
    snapshot of the discounts taken (`Order.adjustments`): the coupons' subscriber holds the coupons
    it names in this same transaction, or the checkout fails."""

    order_id: int
    checkout_id: str
    user_id: int
    shop_id: int
    price_sources: list[str]
    adjustments: list[dict] = field(default_factory=list)


@event("order.paid")
class OrderPaid(DomainEvent):
    """Money for the order arrived; `held` orders wait for their holder (a group) to release them.

    `price_sources` ("list", "group", "flash", …) and `attributions` (the keys of the lines'
    attribution snapshots: "share", "note", "live") let each subscriber skip, without a query, the
    orders that are not its business: the capture transaction pays only for what concerns it."""

    order_id: int
    held: bool
    shop_id: int
    total: int
    payment_number: str
    price_sources: list[str]
    attributions: list[str]
    adjustment_sources: list[str] = field(default_factory=list)  # "coupon", "points": the steps that took money off


@event("order.released")
class OrderReleased(DomainEvent):
    """A held order may now ship."""

    order_id: int


@event("order.shipped")
class OrderShipped(DomainEvent):
    order_id: int
    carrier: str
    tracking_number: str


@event("order.delivered")
class OrderDelivered(DomainEvent):
    order_id: int


@event("order.completed")
class OrderCompleted(DomainEvent):
    order_id: int


@event("order.cancelled")
class OrderCancelled(DomainEvent):
    """An unpaid order was cancelled (by the shopper or the payment timeout); stock went back."""

    order_id: int
    reason: str
    payment_number: str
    price_sources: list[str]
    adjustment_sources: list[str] = field(default_factory=list)


@event("order.refunded")
class OrderRefunded(DomainEvent):
    """Money went back to the shopper: the whole order (`line_id` None) or one after-sale's line.
    `key` is unique per refund and keys the ledger postings of every subscriber."""

    order_id: int
    line_id: int | None
    amount: int
    after_sale_id: int | None
    key: str
    adjustment_sources: list[str] = field(default_factory=list)


@event("aftersale.requested")
class AfterSaleRequested(DomainEvent):
    after_sale_id: int
    order_id: int
    shop_id: int


@event("cart.item_added")
class CartItemAdded(DomainEvent):
    """A shopper put a SKU in the cart (or more of it): the step between viewing and ordering that
    funnels measure."""

    user_id: int
    sku_id: int
    product_id: int
    shop_id: int
    quantity: int
