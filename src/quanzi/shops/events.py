"""Facts shops publishes (see core.events): the steps of a shop's review."""

from __future__ import annotations

from quanzi.core.events import DomainEvent, event


@event("shop.applied")
class ShopApplied(DomainEvent):
    """A shop applied (or resubmitted after a rejection)."""

    shop_id: int


@event("shop.approved")
class ShopApproved(DomainEvent):
    shop_id: int


@event("shop.rejected")
class ShopRejected(DomainEvent):
    shop_id: int


@event("shop.suspended")
class ShopSuspended(DomainEvent):
    shop_id: int


BY_STATUS = {"applied": ShopApplied, "approved": ShopApproved, "rejected": ShopRejected, "suspended": ShopSuspended}
