from quanzi.core.events import Event, subscribe
from quanzi.storefront import product_page_cache


@subscribe("catalog.product_changed")
def forget_cached_product_page(event: Event) -> None:
    product_page_cache.forget(event["product_id"])


@subscribe("reviews.created")
@subscribe("reviews.replied")
def forget_page_with_new_review(event: Event) -> None:
    """The anonymous product page shows the latest reviews: drop its cached copy."""
    from quanzi.reviews.models import Review

    product_id = event.payload.get("product_id") or Review.objects.filter(
        pk=event["review_id"]).values_list("product_id", flat=True).first()
    if product_id:
        product_page_cache.forget(product_id)
