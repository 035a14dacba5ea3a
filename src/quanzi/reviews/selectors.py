"""Reads for reviews. A product's rating and review count are derived from its visible reviews.

Every function takes keyword arguments only. Order lines are read through the orders app's
selectors, never its models."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Subquery, Value
from django.db.models.functions import Coalesce

from quanzi.core.http import cursor_page
from quanzi.core.language import in_reading_language
from quanzi.core.translated_columns import texts_by_language
from quanzi.orders.constants import OrderStatus
from quanzi.reviews.models import Helpful, Review, ReviewImage, ReviewStatus

REVIEWABLE_STATUSES = (OrderStatus.DELIVERED, OrderStatus.COMPLETED)


def product_rating(*, product_id: int) -> dict:
    """{"average": Decimal("4.3") or None, "count": n, "distribution": {5: n, 4: n, 3: n, 2: n, 1: n}}."""
    rows = (Review.objects.filter(product_id=product_id, status=ReviewStatus.VISIBLE)
            .values("rating").annotate(n=Count("id")).order_by())
    distribution = {star: 0 for star in (5, 4, 3, 2, 1)}
    for row in rows:
        distribution[row["rating"]] = row["n"]
    count = sum(distribution.values())
    total = sum(star * n for star, n in distribution.items())
    average = (Decimal(total) / Decimal(count)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if count else None
    return {"average": average, "count": count, "distribution": distribution}


def _with_details(queryset, viewer=None):
    """Author, follow-up, reply, photos and helpful counts in a fixed number of queries."""
    helpful = (Helpful.objects.filter(review=OuterRef("pk")).order_by().values("review")
               .annotate(n=Count("id")).values("n"))
    queryset = (queryset.select_related("author", "followup", "reply", "product")
                .prefetch_related(Prefetch("images", queryset=ReviewImage.objects.order_by("sort", "id")))
                .annotate(helpful_count=Coalesce(Subquery(helpful, output_field=IntegerField()), Value(0))))
    if viewer is not None and getattr(viewer, "is_authenticated", False):
        queryset = queryset.annotate(helped=Exists(Helpful.objects.filter(review=OuterRef("pk"), user=viewer)))
    else:
        queryset = queryset.annotate(helped=Value(False))
    return queryset


def decorate(*, reviews: list) -> list:
    """Plain attributes for templates and the API: the photos split, follow-up and reply or None."""
    for review in reviews:
        photos = list(review.images.all())
        review.photos = [p for p in photos if not p.for_followup]
        review.followup_photos = [p for p in photos if p.for_followup]
        review.followup_or_none = getattr(review, "followup", None)
        review.reply_or_none = getattr(review, "reply", None)
    return reviews


def review_detail(*, review_id: int, viewer=None) -> Review | None:
    """One review (any status) with everything a card shows, decorated like the lists."""
    found = list(_with_details(Review.objects.filter(pk=review_id), viewer))
    return decorate(reviews=found)[0] if found else None


def reviews_for_product(*, product_id: int, cursor: str | None = None, limit: int = 10, viewer=None,
                        every_language: bool = False):
    """Visible reviews in the reader's language (or in every language), newest first, one cursor page:
    (reviews, next_cursor)."""
    visible = Review.objects.filter(product_id=product_id, status=ReviewStatus.VISIBLE)
    if not every_language:
        visible = in_reading_language(visible)
    reviews, next_cursor = cursor_page(_with_details(visible, viewer), cursor=cursor, limit=limit)
    return decorate(reviews=reviews), next_cursor


def reviews_for_shop(*, shop, cursor: str | None = None, limit: int = 20):
    """The shop's reviews (hidden ones too, marked), newest first, for the merchant console."""
    queryset = _with_details(Review.objects.filter(shop=shop))
    reviews, next_cursor = cursor_page(queryset, cursor=cursor, limit=limit)
    return decorate(reviews=reviews), next_cursor


def reviews_by_author(*, user, limit: int = 50) -> list:
    return decorate(reviews=list(_with_details(Review.objects.filter(author=user), user).order_by("-id")[:limit]))


def reviewable_lines(*, user) -> list:
    """Delivered or completed lines the user bought, not fully refunded, not reviewed yet (a line's
    review is always by its buyer, so the user's own reviews are the ones to leave out)."""
    from quanzi.orders.selectors import order_lines_received_by

    reviewed = Review.objects.filter(author_id=user.pk).values("order_line_id")
    return order_lines_received_by(user=user, exclude_line_ids=reviewed, limit=100)


def review_for_line(*, line_id: int) -> Review | None:
    return Review.objects.filter(order_line_id=line_id).first()


def review_of_author(*, review_id: int, user) -> Review | None:
    """The user's own review (None for anybody else's), with its product."""
    return Review.objects.select_related("product").filter(pk=review_id, author=user).first()


def review_product_id(*, review_id: int) -> int | None:
    return Review.objects.filter(pk=review_id).values_list("product_id", flat=True).first()


def helpful_count(*, review_id: int) -> int:
    return Helpful.objects.filter(review_id=review_id).count()


def has_marked_helpful(*, user, review_id: int) -> bool:
    return Helpful.objects.filter(review_id=review_id, user=user).exists()


def review_summary(*, review_id: int) -> dict | None:
    """{"id", "author_id", "product_id", "shop_id", "shop_owner_id", "shop_name", "shop_names"} of a
    review, or None (what a notification about the review needs; shop_names in every language)."""
    from quanzi.shops.selectors import shop_get

    row = Review.objects.filter(pk=review_id).values("id", "author_id", "product_id", "shop_id").first()
    if row is None:
        return None
    shop = shop_get(shop_id=row["shop_id"])
    return {**row, "shop_owner_id": shop.owner_id if shop else None, "shop_name": shop.name if shop else "",
            "shop_names": texts_by_language(shop, "name") if shop else {}}


def line_review_state(*, line, order) -> dict:
    """For the order page: {"review": Review or None, "can_review": bool}."""
    review = review_for_line(line_id=line.pk)
    can_review = (review is None and order.status in REVIEWABLE_STATUSES
                  and line.refunded_quantity < line.quantity and order.shop.owner_id != order.user_id)
    return {"review": review, "can_review": can_review}
