from quanzi.core.events import Event, subscribe
from quanzi.storefront import product_page_cache


@subscribe("catalog.product_changed")
def forget_cached_product_page(event: Event) -> None:
    product_page_cache.forget(event["product_id"])
