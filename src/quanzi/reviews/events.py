"""Facts of product reviews (see core.events)."""

from __future__ import annotations

from quanzi.core.events import DomainEvent, event


@event("reviews.created")
class ReviewCreated(DomainEvent):
    review_id: int
    product_id: int
    author_id: int
    rating: int = 0  # 1–5 stars; 0 in events stored before the field existed (search keeps ratings from it)


@event("reviews.replied")
class ReviewReplied(DomainEvent):
    review_id: int
    product_id: int
    author_id: int
    shop_id: int
