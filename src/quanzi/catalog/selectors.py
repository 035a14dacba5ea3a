"""Catalog reads shared by the storefront pages and the API (no N+1: see tests)."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet, Sum

from quanzi.catalog import search
from quanzi.catalog.models import Banner, Category, Product, ProductStatus, SearchTerm, Sku
from quanzi.shops.models import ShopStatus


def _selling() -> QuerySet[Product]:
    return Product.objects.filter(status=ProductStatus.ON_SHELF, shop__status=ShopStatus.APPROVED) \
        .select_related("shop", "category")


def product_list(*, category: Category | None = None, shop_id: int | None = None, order: str = "new",
                 limit: int = 20, offset: int = 0) -> list[Product]:
    qs = _selling()
    if category is not None:
        qs = qs.filter(category__in=[category, *category.children.all()])
    if shop_id is not None:
        qs = qs.filter(shop_id=shop_id)
    ordering = {"new": ["-created_at", "-id"], "popular": ["-sold_count", "-id"],
                "price_asc": ["min_price", "id"], "price_desc": ["-min_price", "-id"]}.get(order, ["-created_at", "-id"])
    return list(qs.order_by(*ordering)[offset: offset + limit])


def product_search(*, query: str, limit: int = 20, offset: int = 0) -> list[Product]:
    """Products matching every query term, best title matches and best sellers first."""
    terms = search.query_terms(query)
    if not terms:
        return []
    matches = SearchTerm.objects.filter(term__in=terms).values("product_id") \
        .annotate(hits=Count("term"), score=Sum("weight")).filter(hits=len(terms))
    scores = {row["product_id"]: row["score"] for row in matches}
    products = list(_selling().filter(pk__in=list(scores)))
    products.sort(key=lambda p: (-scores[p.pk], -p.sold_count, -p.pk))
    return products[offset: offset + limit]


def product_detail(*, product_id: int, include_unlisted_for_shop_id: int | None = None) -> Product | None:
    """A product with its images, options and SKUs in four queries; None if not visible."""
    qs = Product.objects.select_related("shop", "category").prefetch_related(
        "images", "options", Prefetch("skus", queryset=Sku.objects.filter(is_active=True)))
    product = qs.filter(pk=product_id).first()
    if product is None:
        return None
    visible = product.status == ProductStatus.ON_SHELF and product.shop.status == ShopStatus.APPROVED
    if not visible and product.shop_id != include_unlisted_for_shop_id:
        return None
    return product


def category_list(*, top_level_only: bool = True) -> list[Category]:
    qs = Category.objects.all()
    if top_level_only:
        qs = qs.filter(parent__isnull=True)
    return list(qs)


def category_by_slug(*, slug: str) -> Category | None:
    return Category.objects.filter(slug=slug).first()


def banner_list() -> list[Banner]:
    return list(Banner.objects.filter(is_active=True))


def skus_for_purchase(*, sku_ids: list[int]) -> dict[int, Sku]:
    """SKUs with product and shop in one query, keyed by id (cart and checkout pricing)."""
    return {s.pk: s for s in Sku.objects.select_related("product", "product__shop").filter(pk__in=sku_ids)}


def shop_products_for_console(*, shop_id: int, status: str | None = None) -> list[Product]:
    qs = Product.objects.filter(shop_id=shop_id).select_related("category").prefetch_related("skus").order_by("-id")
    if status:
        qs = qs.filter(status=status)
    return list(qs)


def low_stock_skus(*, shop_id: int, threshold: int) -> list[Sku]:
    return list(Sku.objects.select_related("product").filter(
        product__shop_id=shop_id, is_active=True, stock__lte=threshold).exclude(product__status=ProductStatus.DRAFT)
        .order_by("stock", "id")[:50])
