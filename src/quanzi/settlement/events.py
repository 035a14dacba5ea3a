"""Facts settlement publishes (see core.events)."""

from __future__ import annotations

from quanzi.core.events import DomainEvent, event


@event("orders.settled")
class OrdersSettled(DomainEvent):
    """The merchants' money of these orders moved from pending to available (one order, or a batch
    settled by the sweep in one transaction): subscribers release what they held back with it."""

    order_ids: list[int]
