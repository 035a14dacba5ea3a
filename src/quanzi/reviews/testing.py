"""Test helpers of reviews: read-outs for other apps' tests (never imported by application code)."""

from __future__ import annotations

from quanzi.reviews.models import FollowUp, Helpful, MerchantReply, Review, ReviewImage

# ---- public interface used by demo, bench/ and the project's tests

def reviews(*, author=None) -> list[Review]:
    """Reviews in id order (of one author), with the order line and its order loaded."""
    qs = Review.objects.select_related("order_line__order").order_by("pk")
    return list(qs.filter(author=author) if author is not None else qs)


def review_counts() -> dict[str, int]:
    """How many reviews, review photos, follow-ups, merchant replies and "helpful" marks there are."""
    return {"reviews": Review.objects.count(), "images": ReviewImage.objects.count(),
            "followups": FollowUp.objects.count(), "replies": MerchantReply.objects.count(),
            "helpful": Helpful.objects.count()}
