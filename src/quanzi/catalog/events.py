"""Facts the catalog publishes (see core.events)."""

from __future__ import annotations

from quanzi.core.events import DomainEvent, event


@event("catalog.product_on_shelf")
class ProductOnShelf(DomainEvent):
    product_id: int
    shop_id: int


@event("catalog.product_changed")
class ProductChanged(DomainEvent):
    """Anything shoppers see of the product changed (title, prices, stock, images, status)."""

    product_id: int
    shop_id: int


@event("catalog.low_stock")
class LowStock(DomainEvent):
    sku_id: int
    product_id: int
    shop_id: int
    stock: int
