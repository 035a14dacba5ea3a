"""Facts of the follow graph (see core.events)."""

from __future__ import annotations

from quanzi.core.events import DomainEvent, event


@event("social.followed")
class Followed(DomainEvent):
    """`follower_id` followed a user (`followee_user_id`) or a shop (`shop_id`)."""

    follower_id: int
    followee_user_id: int | None
    shop_id: int | None


@event("social.unfollowed")
class Unfollowed(DomainEvent):
    follower_id: int
    followee_user_id: int | None
    shop_id: int | None


@event("social.blocked")
class Blocked(DomainEvent):
    blocker_id: int
    blocked_id: int
