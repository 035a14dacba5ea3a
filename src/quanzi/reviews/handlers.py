"""Subscribers of the reviews app to its own facts (through the outbox)."""

from quanzi.core.events import subscribe
from quanzi.reviews.events import ReviewCreated, ReviewReplied
from quanzi.web import page_cache


@subscribe(ReviewCreated)
@subscribe(ReviewReplied)
def forget_page_with_new_review(event: ReviewCreated | ReviewReplied) -> None:
    """The anonymous product page shows the latest reviews: drop its cached copy."""
    page_cache.forget(event.product_id)
