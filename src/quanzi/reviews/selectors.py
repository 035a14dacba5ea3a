"""Reads for reviews. A product's rating and review count are derived from its visible reviews."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Prefetch, Subquery, Value
from django.db.models.functions import Coalesce

from quanzi.core.http import cursor_page
from quanzi.orders.models import OrderLine, OrderStatus
from quanzi.reviews.models import Helpful, Review, ReviewImage, ReviewStatus

REVIEWABLE_STATUSES = (OrderStatus.DELIVERED, OrderStatus.COMPLETED)


def product_rating(product_id: int) -> dict:
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


def decorate(reviews: list) -> list:
    """Plain attributes for templates and the API: the photos split, follow-up and reply or None."""
    for review in reviews:
        photos = list(review.images.all())
        review.photos = [p for p in photos if not p.for_followup]
        review.followup_photos = [p for p in photos if p.for_followup]
        review.followup_or_none = getattr(review, "followup", None)
        review.reply_or_none = getattr(review, "reply", None)
    return reviews


def reviews_for_product(product_id: int, *, cursor: str | None = None, limit: int = 10, viewer=None):
    """Visible reviews, newest first, one cursor page: (reviews, next_cursor)."""
    queryset = _with_details(Review.objects.filter(product_id=product_id, status=ReviewStatus.VISIBLE), viewer)
    reviews, next_cursor = cursor_page(queryset, cursor=cursor, limit=limit)
    return decorate(reviews), next_cursor


def reviews_for_shop(shop, *, cursor: str | None = None, limit: int = 20):
    """The shop's reviews (hidden ones too, marked), newest first, for the merchant console."""
    queryset = _with_details(Review.objects.filter(shop=shop))
    reviews, next_cursor = cursor_page(queryset, cursor=cursor, limit=limit)
    return decorate(reviews), next_cursor


def reviews_by_author(user, *, limit: int = 50) -> list:
    return decorate(list(_with_details(Review.objects.filter(author=user), user).order_by("-id")[:limit]))


def reviewable_lines(user) -> list:
    """Delivered or completed lines the user bought, not fully refunded, not reviewed yet."""
    return list(OrderLine.objects.filter(order__user=user, order__status__in=REVIEWABLE_STATUSES,
                                         review__isnull=True)
                .exclude(refunded_quantity__gte=F("quantity"))
                .select_related("order").order_by("-id")[:100])


def review_for_line(line_id: int) -> Review | None:
    return Review.objects.filter(order_line_id=line_id).first()


def line_review_state(line, order) -> dict:
    """For the order page: {"review": Review or None, "can_review": bool}."""
    review = review_for_line(line.pk)
    can_review = (review is None and order.status in REVIEWABLE_STATUSES
                  and line.refunded_quantity < line.quantity and order.shop.owner_id != order.user_id)
    return {"review": review, "can_review": can_review}
