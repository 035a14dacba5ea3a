"""Facts group buying publishes (see core.events). Payloads carry ids and plain values."""

from __future__ import annotations

from quanzi.core.events import DomainEvent, event


@event("group.joined")
class GroupJoined(DomainEvent):
    """Someone took a spot in a group — its leader opening it, or a member joining (again, after leaving)
    — and is about to pay. Published in the join's transaction: a join that fails publishes nothing."""

    group_number: str
    member_id: int
    user_id: int
    shop_id: int
    product_id: int
    campaign_id: int
    leader: bool
