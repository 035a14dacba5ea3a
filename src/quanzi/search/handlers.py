"""Keep the index fresh from the facts of other apps. Products and shops are followed inside the catalog's
and the shops' transactions: the index is a projection of what can be sold and commits with it, so a product
taken off the shelf (or a suspended shop's goods) never shows in results after the commit that removed it.
Reviews' stars come through the outbox.

Every change of a product, its shelf status included, publishes `ProductChanged`, so that one subscriber is
enough (`ProductOnShelf` comes after it in the same transaction and would index the product twice)."""

from __future__ import annotations

from quanzi.catalog.events import ProductChanged
from quanzi.core.events import subscribe
from quanzi.reviews.events import ReviewCreated
from quanzi.search import services
from quanzi.shops.events import ShopApproved, ShopSuspended


@subscribe(ProductChanged, in_transaction=True)
def index_changed_product(event: ProductChanged) -> None:
    services.products_index(product_ids=[event.product_id])


@subscribe(ShopSuspended, in_transaction=True)
def unlist_suspended_shop(event: ShopSuspended) -> None:
    services.shop_unlist(shop_id=event.shop_id)


@subscribe(ShopApproved, in_transaction=True)
def relist_approved_shop(event: ShopApproved) -> None:
    services.shop_reindex(shop_id=event.shop_id)


@subscribe(ReviewCreated)
def count_review_stars(event: ReviewCreated) -> None:
    services.rating_add(product_id=event.product_id, rating=event.rating)
