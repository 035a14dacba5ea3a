"""Test helpers of the catalog (never imported by application code)."""

from __future__ import annotations

from quanzi.catalog.models import CampaignStock, Category, Product, Sku


def make_category(*, name: str = "服饰", name_en: str = "Apparel", slug: str = "", parent=None,
                  take_rate_bps: int | None = None) -> Category:
    """A category (the slug is made unique unless given)."""
    import secrets

    return Category.objects.create(name_zh_hans=name, name_en=name_en, slug=slug or f"cat-{secrets.token_hex(4)}",
                                   parent=parent, take_rate_bps=take_rate_bps)


def sku_get(*, sku_id: int) -> Sku:
    """The SKU, fresh from the database (its stock now)."""
    return Sku.objects.get(pk=sku_id)


def products_sold_counts(*, shop_ids) -> dict[int, int]:
    """{product id: sold count} for every product of these shops."""
    return dict(Product.objects.filter(shop_id__in=list(shop_ids)).values_list("pk", "sold_count"))


def campaign_stock(*, sku_id: int, campaign_key: str | None = None) -> int:
    """The units in a SKU's campaign pool (its only pool when `campaign_key` is not given)."""
    qs = CampaignStock.objects.filter(sku_id=sku_id)
    return (qs.get(campaign_key=campaign_key) if campaign_key is not None else qs.get()).quantity


def negative_stock_exists() -> bool:
    """Whether any SKU or campaign pool shows negative stock (the database constraints forbid it)."""
    return Sku.objects.filter(stock__lt=0).exists() or CampaignStock.objects.filter(quantity__lt=0).exists()


# ---- public interface used by sharing

def product_force_fields(*, product_id: int, **fields) -> None:
    """Write product columns directly, bypassing the services' rules (a cover file name a test put in
    MEDIA_ROOT, an `updated_at` in the future so a cache keyed on it must change)."""
    Product.objects.filter(pk=product_id).update(**fields)


# ---- public interface used by demo, bench/ and the project's tests

def products(*, status: str | None = None) -> list[Product]:
    """Every product (of one status), oldest first, with its options, SKUs and images loaded."""
    qs = Product.objects.order_by("pk").prefetch_related("options", "skus", "images")
    return list(qs.filter(status=status) if status is not None else qs)


# ---- public interface used by groupbuy, bargain, flashsale, livesales

def pool_force_units(*, pool, quantity: int) -> int:
    """Set what a campaign pool (a `catalog.pools.StockPool`) holds, bypassing the services (a pool
    emptied behind the campaign's back); returns the rows changed."""
    from quanzi.catalog.models import CampaignStock

    return CampaignStock.objects.filter(campaign_key=pool.key).update(quantity=quantity)


# ---- public interface used by console (the merchant's uploads)

def product_images(*, product_id: int | None = None) -> list:
    """Stored product images (of one product, or all), oldest first."""
    from quanzi.catalog.models import ProductImage

    qs = ProductImage.objects.order_by("pk")
    return list(qs.filter(product_id=product_id) if product_id is not None else qs)


def make_banner(*, title: str, **fields):
    """A home-page banner (the operator adds them in the admin): `subtitle`, `color`, `link`, …"""
    from quanzi.catalog.models import Banner

    return Banner.objects.create(title=title, **fields)
