"""Verified-purchase reviews.

Who may write what:
- a review only by the buyer of an order line whose order was delivered (or completed), once per
  line, never for a fully refunded line, never by the shop's own owner;
- one follow-up by the review's author; one reply by the shop that sold the item;
- "helpful" by anyone logged in except the author (idempotent).

Reviews cannot be bought: there is no API to write a review for someone else (the author is always
the logged-in buyer of the line), nothing on the platform pays, rewards or discounts for reviews,
and ratings are derived from visible reviews alone (selectors.product_rating). A merchant cannot
edit or delete a review; the platform can only hide or restore one through a recorded decision
(`ReviewModeration`, with the operator and a reason) — E-commerce Law art. 17 and 39.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from quanzi.catalog.selectors import product_get
from quanzi.core import ratelimit
from quanzi.core.errors import BusinessRuleViolation, Conflict, NotFound, ValidationFailed
from quanzi.core.events import publish
from quanzi.core.images import save_product_image
from quanzi.core.text import written_language
from quanzi.core.translated_columns import texts_per_language
from quanzi.orders.constants import OrderStatus
from quanzi.orders.selectors import order_line_for_buyer
from quanzi.reviews import selectors
from quanzi.reviews.events import ReviewCreated, ReviewReplied
from quanzi.reviews.models import (
    MAX_FOLLOWUP,
    MAX_IMAGES,
    MAX_REPLY,
    MAX_TEXT,
    FollowUp,
    Helpful,
    MerchantReply,
    ModerationAction,
    Review,
    ReviewImage,
    ReviewModeration,
    ReviewStatus,
)

REVIEWABLE_STATUSES = (OrderStatus.DELIVERED, OrderStatus.COMPLETED)
REVIEW_RATE = {"limit": 20, "window": 3600}


# ---------------------------------------------------------------- validation


def clean_text(text, *, limit: int, field: str = "text") -> str:
    text = str(text or "").strip()
    if not text:
        raise ValidationFailed(_("Write a few words."), code="text_required", fields={field: _("Required.")})
    if len(text) > limit:
        raise ValidationFailed(_("At most %(n)d characters.") % {"n": limit}, code="text_too_long",
                               fields={field: _("At most %(n)d characters.") % {"n": limit}})
    return text


def clean_rating(rating) -> int:
    try:
        value = int(str(rating).strip())
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= 5:
        raise ValidationFailed(_("Choose 1 to 5 stars."), code="invalid_rating",
                               fields={"rating": _("Choose 1 to 5 stars.")})
    return value


def _check_image_count(images: Sequence) -> list:
    images = [i for i in (images or []) if i]
    if len(images) > MAX_IMAGES:
        raise ValidationFailed(_("At most %(n)d photos.") % {"n": MAX_IMAGES}, code="too_many_images",
                               fields={"images": _("At most %(n)d photos.") % {"n": MAX_IMAGES}})
    return images


def _store_images(images: list) -> list[tuple[str, str]]:
    """Verify and re-encode every upload before anything is written to the database."""
    return [save_product_image(upload, folder="reviews") for upload in images]


# ---------------------------------------------------------------- review


def review_create(*, user, order_line_id: int, rating, text, images: Sequence = ()) -> Review:
    ratelimit.hit("review", user.pk, limit=REVIEW_RATE["limit"], window=REVIEW_RATE["window"])
    rating = clean_rating(rating)
    text = clean_text(text, limit=MAX_TEXT)
    images = _check_image_count(images)
    line = order_line_for_buyer(user=user, line_id=int(order_line_id)) if str(order_line_id).isdigit() else None
    if line is None:
        raise NotFound(_("We could not find this item among your orders."), code="line_not_found")
    order = line.order
    if order.shop.owner_id == user.pk:
        raise BusinessRuleViolation(_("You cannot review your own shop's product."), code="own_shop")
    if order.status == OrderStatus.CLOSED or line.refunded_quantity >= line.quantity:
        raise BusinessRuleViolation(_("This item was refunded, so it cannot be reviewed."), code="refunded")
    if order.status not in REVIEWABLE_STATUSES:
        raise BusinessRuleViolation(_("You can review the item once it has been delivered."), code="not_received")
    if Review.objects.filter(order_line=line).exists():
        raise Conflict(_("You have already reviewed this item."), code="already_reviewed")
    product = product_get(product_id=line.product_id)
    if product is None:
        raise NotFound(_("This product no longer exists."), code="product_not_found")
    stored = _store_images(images)
    try:
        with transaction.atomic():
            review = Review.objects.create(order_line=line, author=user, product=product, shop_id=order.shop_id,
                                           **texts_per_language(line, "sku_label"), rating=rating, text=text,
                                           language=written_language(text))
            ReviewImage.objects.bulk_create([ReviewImage(review=review, image=full, thumb=thumb, sort=n)
                                             for n, (full, thumb) in enumerate(stored)])
    except IntegrityError:  # a concurrent second submit lost the race on the one-to-one
        raise Conflict(_("You have already reviewed this item."), code="already_reviewed")
    publish(ReviewCreated(review_id=review.pk, product_id=product.pk, author_id=user.pk, rating=review.rating))
    return review


def followup_create(*, user, review_id: int, text, images: Sequence = ()) -> FollowUp:
    ratelimit.hit("review_followup", user.pk, limit=REVIEW_RATE["limit"], window=REVIEW_RATE["window"])
    review = Review.objects.filter(pk=review_id, author=user).first()
    if review is None:
        raise NotFound(_("Review not found."), code="review_not_found")
    text = clean_text(text, limit=MAX_FOLLOWUP)
    images = _check_image_count(images)
    if FollowUp.objects.filter(review=review).exists():
        raise Conflict(_("You have already added a follow-up."), code="already_followed_up")
    stored = _store_images(images)
    try:
        with transaction.atomic():
            followup = FollowUp.objects.create(review=review, text=text)
            ReviewImage.objects.bulk_create([ReviewImage(review=review, for_followup=True, image=full, thumb=thumb,
                                                         sort=n) for n, (full, thumb) in enumerate(stored)])
    except IntegrityError:
        raise Conflict(_("You have already added a follow-up."), code="already_followed_up")
    return followup


def merchant_reply(*, shop, review_id: int, text) -> MerchantReply:
    """The shop that sold the item answers once. Another shop's review is 404 (not 403)."""
    review = Review.objects.filter(pk=review_id, shop=shop).first() if shop is not None else None
    if review is None:
        raise NotFound(_("Review not found."), code="review_not_found")
    text = clean_text(text, limit=MAX_REPLY)
    if MerchantReply.objects.filter(review=review).exists():
        raise Conflict(_("You have already replied to this review."), code="already_replied")
    try:
        with transaction.atomic():
            reply = MerchantReply.objects.create(review=review, shop=shop, text=text)
    except IntegrityError:
        raise Conflict(_("You have already replied to this review."), code="already_replied")
    publish(ReviewReplied(review_id=review.pk, product_id=review.product_id, author_id=review.author_id, shop_id=shop.pk))
    return reply


# ---------------------------------------------------------------- helpful


def _visible_review(review_id) -> Review:
    review = Review.objects.filter(pk=review_id, status=ReviewStatus.VISIBLE).first() \
        if str(review_id).isdigit() else None
    if review is None:
        raise NotFound(_("Review not found."), code="review_not_found")
    return review


def helpful_mark(*, user, review_id: int) -> int:
    """Mark a review helpful (idempotent); returns the review's helpful count."""
    review = _visible_review(review_id)
    if review.author_id == user.pk:
        raise BusinessRuleViolation(_("You cannot mark your own review as helpful."), code="own_review")
    try:
        with transaction.atomic():
            Helpful.objects.get_or_create(review=review, user=user)
    except IntegrityError:  # a concurrent double click
        pass
    return selectors.helpful_count(review_id=review.pk)


def helpful_unmark(*, user, review_id: int) -> int:
    review = _visible_review(review_id)
    Helpful.objects.filter(review=review, user=user).delete()
    return selectors.helpful_count(review_id=review.pk)


# ---------------------------------------------------------------- moderation


def _moderate(*, review_id: int, operator, reason, action: str, to_status: str) -> ReviewModeration:
    reason = str(reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give a reason: it is recorded with the decision."), code="reason_required",
                               fields={"reason": _("Required.")})
    if len(reason) > 300:
        raise ValidationFailed(_("At most %(n)d characters.") % {"n": 300}, fields={"reason": "too long"})
    with transaction.atomic():
        review = Review.objects.select_for_update().filter(pk=review_id).first()
        if review is None:
            raise NotFound(_("Review not found."), code="review_not_found")
        if review.status == to_status:
            raise Conflict(_("The review is already %(status)s.") % {"status": review.get_status_display()},
                           code="invalid_state")
        review.status = to_status
        review.save(update_fields=["status"])
        return ReviewModeration.objects.create(review=review, operator=operator, action=action, reason=reason)


def review_hide(*, review_id: int, operator, reason) -> ReviewModeration:
    return _moderate(review_id=review_id, operator=operator, reason=reason, action=ModerationAction.HIDE,
                     to_status=ReviewStatus.HIDDEN)


def review_restore(*, review_id: int, operator, reason) -> ReviewModeration:
    return _moderate(review_id=review_id, operator=operator, reason=reason, action=ModerationAction.RESTORE,
                     to_status=ReviewStatus.VISIBLE)
