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


@subscribe("content.note_published")
def forget_pages_of_tagged_products(event: Event) -> None:
    """The anonymous product page lists notes that tag it: drop the tagged products' cached copies."""
    from quanzi.content.models import NoteProductTag

    for product_id in NoteProductTag.objects.filter(note_id=event["note_id"]).values_list("product_id", flat=True):
        product_page_cache.forget(product_id)
