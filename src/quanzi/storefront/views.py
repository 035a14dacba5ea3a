"""Shopper pages for browsing: home, category, shop, search, product.

Cart and checkout live in cart_views.py, orders and after-sales in order_views.py, the "me" pages
in me_views.py; shared helpers in quanzi.web.helpers. Other apps add to these pages through the
slots the storefront declares (apps.py), never by being named here.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from quanzi.catalog import selectors as catalog
from quanzi.core.images import media_url
from quanzi.search import selectors as search_selectors
from quanzi.search import services as search_services
from quanzi.shops.selectors import shop_get_selling
from quanzi.web import page_cache, page_hooks
from quanzi.web.helpers import int_or_none
from quanzi.web.slots import entries as slot_entries

PAGE_SIZE = 20
SORTS = {"new": _("New"), "popular": _("Popular"), "price_asc": _("Price ↑"), "price_desc": _("Price ↓")}


def _page(request) -> int:
    return max(1, min(int_or_none(request.GET.get("page")) or 1, 500))


def _paged(fetch, page: int) -> tuple[list, bool]:
    """Call fetch(limit, offset) for one page plus one row to know whether there is a next page."""
    rows = fetch(PAGE_SIZE + 1, (page - 1) * PAGE_SIZE)
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def _sort(request) -> str:
    sort = request.GET.get("sort", "new")
    return sort if sort in SORTS else "new"


def home(request):
    return TemplateResponse(request, "storefront/home.html", {
        "banners": catalog.banner_list(),
        "categories": catalog.category_list(),
        "new_products": catalog.product_list(order="new", limit=10),
        "popular_products": catalog.product_list(order="popular", limit=10),
    })


def category(request, slug: str):
    cat = catalog.category_by_slug(slug=slug)
    if cat is None:
        raise Http404
    sort, page = _sort(request), _page(request)
    products, has_next = _paged(lambda limit, offset: catalog.product_list(
        category=cat, order=sort, limit=limit, offset=offset), page)
    return TemplateResponse(request, "storefront/category.html", {
        "category": cat, "children": list(cat.children.all()), "products": products, "sort": sort,
        "sorts": SORTS, "page": page, "has_next": has_next,
    })


def shop(request, shop_id: int):
    the_shop = shop_get_selling(shop_id=shop_id)
    if the_shop is None:
        raise Http404
    sort, page = _sort(request), _page(request)
    products, has_next = _paged(lambda limit, offset: catalog.product_list(
        shop_id=the_shop.pk, order=sort, limit=limit, offset=offset), page)
    return TemplateResponse(request, "storefront/shop.html", {
        "shop": the_shop, "products": products, "sort": sort, "sorts": SORTS, "page": page, "has_next": has_next,
    })


GOODS_TAB = {"goods": pgettext_lazy("search tab", "Goods")}  # not the order's goods subtotal
SEARCH_SORTS = {"relevance": _("Best match"), "sales": _("By sales"), "price_asc": _("Price ↑"),
                "price_desc": _("Price ↓"), "new": _("New")}
SEARCH_FILTERS = ("category", "shop", "price_min", "price_max", "rating_min")


def search(request):
    """/search/?q=&type=goods|… — goods (quanzi.search: relevance, facets, synonyms, pinyin and typo
    tolerance) is the default tab; the other tabs come from the `search.tabs` slot and render their own
    results."""
    query = (request.GET.get("q") or "").strip()[:60]
    more_tabs = {entry.key: entry for entry in slot_entries("search.tabs")}
    kind = request.GET.get("type", "goods")
    kind = kind if kind in more_tabs else "goods"
    page = _page(request)
    sort = request.GET.get("sort", "relevance")
    sort = sort if sort in SEARCH_SORTS else "relevance"
    chosen = {name: request.GET.get(name) or None for name in SEARCH_FILTERS}
    products, has_next, result = [], False, None
    if query and kind == "goods":
        result = search_selectors.product_search(query=query, sort=sort, limit=PAGE_SIZE + 1,
                                                 offset=(page - 1) * PAGE_SIZE, **chosen)
        products = search_selectors.products_in_order(product_ids=result.product_ids[:PAGE_SIZE])
        has_next = len(result.product_ids) > PAGE_SIZE
        if page == 1:
            search_services.query_log(query=result.query, results=result.total)
    return TemplateResponse(request, "storefront/search.html", {
        "query": query, "type": kind, "tabs": {**GOODS_TAB, **{key: e.label for key, e in more_tabs.items()}},
        "placeholder": more_tabs[kind].extra.get("placeholder", "") if kind in more_tabs else "",
        "products": products, "page": page, "has_next": has_next, "result": result, "sort": sort,
        "sorts": SEARCH_SORTS, "chosen": {k: v for k, v in chosen.items() if v},
        "categories": [] if query else catalog.category_list(),
    })


def sku_map(product) -> dict:
    """What the SKU picker needs in the browser: options, and each SKU's values, price, stock, image."""
    return {
        "options": [{"name": o.name, "values": o.values} for o in product.options.all()],
        "skus": [{"id": s.pk, "values": s.option_values, "label": s.label, "price": s.price,
                  "compare_at": s.compare_at_price, "stock": s.stock, "image": media_url(s.image)}
                 for s in product.skus.all()],
    }


def _gallery(product) -> list[str]:
    images = [media_url(i.image) for i in product.images.all()]
    if not images and product.cover:
        images = [media_url(product.cover)]
    return images


def _option_rows(options, chosen) -> list[dict]:
    picked = chosen.option_values if chosen else {}
    return [{"name": o.name, "values": [(v, picked.get(o.name) == v) for v in o.values]} for o in options]


def product(request, product_id: int):
    """The product page. Anonymous visitors share one cached rendering (see quanzi.web.page_cache)."""
    page_hooks.product_visited(request, product_id)
    if not page_cache.shareable(request):
        return TemplateResponse(request, "storefront/product.html", _product_context(product_id))
    return page_cache.serve(request, product_id, lambda: TemplateResponse(
        request, "storefront/product.html", _product_context(product_id)))


def _product_context(product_id: int) -> dict:
    item = catalog.product_detail(product_id=product_id)
    if item is None:
        raise Http404
    skus = list(item.skus.all())
    prices = [s.price for s in skus] or [item.min_price]
    chosen = next((s for s in skus if s.stock > 0), skus[0] if skus else None)
    limit = min(item.max_per_order or settings.QUANZI["MAX_QUANTITY_PER_LINE"],
                settings.QUANZI["MAX_QUANTITY_PER_LINE"])
    return {
        "product": item, "shop": item.shop, "skus": skus, "chosen": chosen,
        "option_rows": _option_rows(item.options.all(), chosen),
        "free_shipping_over": settings.QUANZI["FREE_SHIPPING_THRESHOLD"],
        "gallery": _gallery(item), "price_min": min(prices), "price_max": max(prices),
        "total_stock": sum(s.stock for s in skus), "sku_data": sku_map(item), "max_qty": limit,
        "more_from_shop": [p for p in catalog.product_list(shop_id=item.shop_id, order="popular", limit=7)
                           if p.pk != item.pk][:6],
    }
