"""What can be shared. Each target type resolves an id to what a link, a poster and a copy-text need.

Products are built in. Notes, group buys and live rooms register their own resolver
(`share_targets.register(resolve_note, key="note")`) from their app's `ready()`; nothing else changes: links,
clicks, the middleware and posters work on any registered type. Attribution bindings are per
product, so a target that sells something reports the `product_id` it sells.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from quanzi.core.registry import Registry


@dataclass(frozen=True)
class ShareTarget:
    type: str
    id: int
    title: str
    url: str              # the target's own page (a path); the share URL adds ?share=<code>
    price: int = 0        # fen, 0 when the target has no price
    image: str = ""       # a media name (relative to MEDIA_ROOT) or "" for none
    product_id: int | None = None  # what a purchase through this target is attributed to
    version: str = ""     # changes when what the poster shows changes (poster cache key)


Resolver = Callable[[int], "ShareTarget | None"]
share_targets: Registry[Resolver] = Registry(
    "sharing.targets", keyed=True, owner=__name__,
    doc="What can be shared, by target type: `resolve(id) -> ShareTarget | None` (product built in).")


def target_types() -> list[str]:
    return sorted(share_targets.keys())


def resolve(target_type: str, target_id: int) -> ShareTarget | None:
    """The shareable target, or None when the type is unknown or the object is not (or no longer) visible."""
    resolver = share_targets.get(target_type)
    return resolver(int(target_id)) if resolver else None


def product_target(product_id: int) -> ShareTarget | None:
    from quanzi.catalog.selectors import sellable_products

    product = (sellable_products().filter(pk=product_id)
               .only("id", "title", "min_price", "cover", "updated_at").first())
    if product is None:
        return None
    return ShareTarget(type="product", id=product.pk, title=product.title,
                       url=reverse("storefront:product", args=[product.pk]), price=product.min_price,
                       image=product.cover or "", product_id=product.pk,
                       version=f"{product.updated_at.timestamp():.0f}")


share_targets.register(product_target, key="product")
