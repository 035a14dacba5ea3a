"""Facts coupons publishes (see core.events). Payloads carry ids and plain values, never objects."""

from __future__ import annotations

from quanzi.core.events import DomainEvent, event


@event("coupon.share_rewarded")
class ShareRewarded(DomainEvent):
    """A friend's order with a shared coupon settled not refunded in full: the sharer was given one unit of the
    reward coupon (notifications tells them)."""

    sharer_id: int
    reward_coupon_id: int
    reward_name: str
    order_id: int
