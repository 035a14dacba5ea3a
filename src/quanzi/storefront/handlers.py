"""Keep the anonymous product page cache honest when the product itself changes (through the outbox).

Apps whose content shows on the product page (notes, reviews) drop the cached copy from their own
subscribers with `quanzi.web.page_cache.forget`.
"""

from quanzi.catalog.events import ProductChanged
from quanzi.core.events import subscribe
from quanzi.web import page_cache


@subscribe(ProductChanged)
def forget_cached_product_page(event: ProductChanged) -> None:
    page_cache.forget(event.product_id)
