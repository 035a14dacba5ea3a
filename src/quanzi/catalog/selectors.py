"""Catalog reads shared by the storefront pages and the API (no N+1: see tests)."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from quanzi.catalog import search
from quanzi.catalog.constants import ProductStatus
from quanzi.catalog.models import Banner, Category, Product, SearchTerm, Sku
from quanzi.catalog.pools import StockPool
from quanzi.shops.constants import ShopStatus

# ---------------------------------------------------------------- "can this product be sold?"
# The one place the rule is written: a product sells when it is on the shelf AND its shop is
# approved (a suspended shop's products vanish from every page, feed, share and checkout at once).
# Other apps ask these functions instead of spelling the rule out again.


def sellable_q(*, prefix: str = "") -> Q:
    """The rule as a filter, for a query over another model that reaches products through a relation:
    `NoteProductTag.objects.filter(sellable_q(prefix="product"))`."""
    path = f"{prefix}__" if prefix else ""
    return Q(**{f"{path}status": ProductStatus.ON_SHELF, f"{path}shop__status": ShopStatus.APPROVED})


def sellable_products() -> QuerySet[Product]:
    """Every product that can be sold now; narrow it as needed (`.filter(shop_id=…)`, `.only(…)`)."""
    return Product.objects.filter(sellable_q())


def product_sellable(*, product_id: int) -> bool:
    """Whether this product can be sold now (one query)."""
    return sellable_products().filter(pk=product_id).exists()


def product_is_sellable(*, product: Product) -> bool:
    """The same rule for a product already loaded with its shop (no query): checkout, cart lines."""
    return product.status == ProductStatus.ON_SHELF and product.shop.status == ShopStatus.APPROVED


def _selling() -> QuerySet[Product]:
    return sellable_products().select_related("shop", "category")


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
    if not product_is_sellable(product=product) and product.shop_id != include_unlisted_for_shop_id:
        return None
    return product


def category_list(*, top_level_only: bool = True) -> list[Category]:
    qs = Category.objects.all()
    if top_level_only:
        qs = qs.filter(parent__isnull=True)
    return list(qs)


def category_by_slug(*, slug: str) -> Category | None:
    return Category.objects.filter(slug=slug).first()


def category_take_rates(*, category_ids) -> dict[int, int | None]:
    """{category id: its take-rate override in bps, or None} in one query (settlement)."""
    return dict(Category.objects.filter(pk__in=set(category_ids)).values_list("id", "take_rate_bps"))


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


# ---- public interface used by groupbuy, bargain, flashsale, livesales (campaign stock pools, campaign forms)

def pool_units(*, pools: list[StockPool]) -> dict[StockPool, int]:
    """Units left in each pool (all its SKUs' rows), in one query; a pool with nothing set aside has 0."""
    from quanzi.catalog.models import CampaignStock

    by_key = {p.key: p for p in pools}
    out = dict.fromkeys(by_key.values(), 0)
    for key, quantity in CampaignStock.objects.filter(campaign_key__in=list(by_key)) \
            .values_list("campaign_key", "quantity"):
        out[by_key[key]] += quantity
    return out


def pools_holding_units(*, kind: str) -> list[StockPool]:
    """The pools of one kind ("group") that still hold units, in one query: what the sweeps that return
    units to the SKUs after a campaign ended look at. (Pool keys are `<kind>:<id>`; only catalog reads
    them as strings.)"""
    from quanzi.catalog.models import CampaignStock

    keys = CampaignStock.objects.filter(campaign_key__startswith=f"{kind}:", quantity__gt=0) \
        .values_list("campaign_key", flat=True).distinct()
    return sorted({pool for pool in map(StockPool.from_key, keys) if pool is not None and pool.kind == kind})


def shop_skus(*, shop_id: int, sku_ids: list[int] | None = None, on_shelf_only: bool = False,
              limit: int = 200) -> list[Sku]:
    """A shop's active SKUs with their products (what a merchant may put into a campaign), by product."""
    qs = Sku.objects.select_related("product").filter(product__shop_id=shop_id, is_active=True)
    if sku_ids is not None:
        qs = qs.filter(pk__in=[pk for pk in sku_ids if isinstance(pk, int) and not isinstance(pk, bool)])
    if on_shelf_only:
        qs = qs.filter(product__status=ProductStatus.ON_SHELF)
    return list(qs.order_by("product_id", "pk")[:limit])


def active_skus_of_products(*, product_ids: list[int]) -> dict[int, list[Sku]]:
    """{product id: its active SKUs} in one query (a live room's shelf with its buy options)."""
    out: dict[int, list[Sku]] = {pk: [] for pk in product_ids}
    for sku in Sku.objects.filter(product_id__in=list(product_ids), is_active=True).order_by("pk"):
        out[sku.product_id].append(sku)
    return out


# ---- public interface used by commission (distribution plans)

def product_in_shop(*, product_id: int, shop_id: int) -> bool:
    """Whether the product belongs to the shop, whatever its status (one query)."""
    return Product.objects.filter(pk=product_id, shop_id=shop_id).exists()


def category_exists(*, category_id: int) -> bool:
    return Category.objects.filter(pk=category_id).exists()


# ---- public interface used by demo data, bench/ and the project's tests

def catalog_counts() -> dict[str, int]:
    """How big the catalogue is: products, products on shelf, SKUs."""
    return {"products": Product.objects.count(),
            "products_on_shelf": Product.objects.filter(status=ProductStatus.ON_SHELF).count(),
            "skus": Sku.objects.count()}


def sku_list_selling(*, shop_id: int, min_stock: int = 0, min_price: int = 0) -> list[Sku]:
    """Active SKUs of the shop's sellable products with at least `min_stock` units and a price of at
    least `min_price`, oldest first, with their product."""
    return list(Sku.objects.filter(product__in=sellable_products().filter(shop_id=shop_id), is_active=True,
                                   stock__gte=min_stock, price__gte=min_price)
                .select_related("product").order_by("pk"))


def sku_stocks(*, sku_ids) -> dict[int, int]:
    """SKU id → units in stock."""
    return dict(Sku.objects.filter(pk__in=list(sku_ids)).values_list("pk", "stock"))


# ---- public interface used by social, content, reviews, feed, circle, notifications

def product_get(*, product_id: int) -> Product | None:
    """The product with this id whatever its status, with its shop (a page about a product that may
    be off the shelf now: its reviews)."""
    return Product.objects.select_related("shop").filter(pk=product_id).first()


def products_with_campaign_stock() -> set[int]:
    """Products that have units set aside for a campaign (a group buy, a bargain, a flash sale, a live
    price): the demo picks other products for a new promotion."""
    from quanzi.catalog.models import CampaignStock

    return set(CampaignStock.objects.values_list("sku__product_id", flat=True).distinct())


# ---- public interface used by social, content, reviews, feed, circle, notifications (continued)

def products_by_ids(*, product_ids) -> dict[int, Product]:
    """{id: product} with its shop, whatever the status (one query): for cards of products another
    app already chose (a feed page); unknown ids are left out."""
    ids = list(product_ids)
    return Product.objects.select_related("shop").in_bulk(ids) if ids else {}


# ---- public interface used by console (the merchant's own products)

def product_of_shop(*, shop_id: int, product_id: int, for_display: bool = False) -> Product | None:
    """The shop's own product whatever its status (None if it is another shop's), with its category and
    shop; `for_display` also prefetches SKUs, images and options. Services get it without prefetches,
    so what they read after a change (the images left after a delete) is never a stale cache."""
    qs = Product.objects.filter(shop_id=shop_id, pk=product_id).select_related("category", "shop")
    return (qs.prefetch_related("skus", "images", "options") if for_display else qs).first()


def category_ids_with_children(*, category_ids) -> set[int]:
    """The given categories that exist and every category under them (the tree is two levels deep)."""
    ids = set(Category.objects.filter(pk__in=list(category_ids)).values_list("pk", flat=True))
    return ids | set(Category.objects.filter(parent_id__in=ids).values_list("pk", flat=True))


def product_ids_of_shop(*, shop_id: int, product_ids) -> set[int]:
    """Which of `product_ids` belong to the shop."""
    return set(Product.objects.filter(shop_id=shop_id, pk__in=list(product_ids)).values_list("pk", flat=True))
