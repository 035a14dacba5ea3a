"""Personal data held by reviews. A review stays (its rating counts in the product's score, it is a
verified purchase) but its text, pictures and follow-up are emptied; the author is the pseudonymised
user row ("User 3f9a1c")."""

from quanzi.core.personal_data import declare, rows
from quanzi.reviews.models import FollowUp, Helpful, Review, ReviewImage


def export(user) -> dict:
    return {
        "reviews": rows(Review.objects.filter(author=user), "product_id", "rating", "text", "sku_label", "status",
                        "created_at", "followup__text"),
        "marked_helpful": rows(Helpful.objects.filter(user=user), "review_id"),
    }


def erase(user) -> None:
    mine = Review.objects.filter(author=user)
    ReviewImage.objects.filter(review__in=mine).delete()
    FollowUp.objects.filter(review__in=mine).update(text="")
    mine.update(text="")
    Helpful.objects.filter(user=user).delete()


declare(
    app="reviews",
    personal={"reviews.Review.author": "link", "reviews.Review.text": "content", "reviews.FollowUp.text": "content",
              "reviews.Helpful.user": "activity", "reviews.ReviewModeration.operator": "link"},
    not_personal={
        "reviews.MerchantReply.text": "the merchant's public answer",
        "reviews.ReviewModeration.reason": "the operator's reason for hiding or restoring a review",
    },
    export=export, erase=erase,
)
