"""Template helpers for the review includes used on other apps' pages."""

from __future__ import annotations

from django import template

from quanzi.reviews import selectors

register = template.Library()


@register.filter
def stars(rating) -> str:
    try:
        n = max(0, min(5, int(rating)))
    except (TypeError, ValueError):
        n = 0
    return "★" * n + "☆" * (5 - n)


@register.filter
def share(n, total) -> int:
    """n as a whole percentage of total (for the distribution bars)."""
    try:
        return round(int(n) * 100 / int(total)) if int(total) else 0
    except (TypeError, ValueError):
        return 0


@register.simple_tag
def product_review_summary(product, user=None, limit: int = 3) -> dict:
    """The rating summary and the newest visible reviews of a product in the reader's language (for
    the product page); `elsewhere` counts the reviews written in other languages when none is in theirs."""
    product_id = getattr(product, "pk", product)
    reviews, next_cursor = selectors.reviews_for_product(product_id=product_id, limit=limit, viewer=user)
    rating = selectors.product_rating(product_id=product_id)
    return {"rating": rating, "reviews": reviews, "more": next_cursor is not None,
            "elsewhere": rating["count"] if not reviews else 0}


@register.simple_tag
def line_review_state(line, order) -> dict:
    return selectors.line_review_state(line=line, order=order)
