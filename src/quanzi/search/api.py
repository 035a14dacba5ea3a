"""Search API (/api/v1/search): products for a query with facets and the corrected query, suggestions as
one types, and the merchant's own synonyms. Money is integer fen; errors are the one error shape."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from quanzi.accounts.auth import auth
from quanzi.core.errors import Forbidden
from quanzi.core.images import media_url
from quanzi.search import selectors, services
from quanzi.shops.selectors import shop_for_owner

router = Router(tags=["search"])
MAX_FEN = 10**11
MAX_ID = 2**62


class SearchProductOut(Schema):
    product_id: int
    title: str
    price: int  # fen, the lowest SKU price
    currency: str
    sold_count: int
    shop_id: int
    shop_name: str
    cover: str


class SearchFacetOut(Schema):
    key: int  # category or shop id; price band number; rating step in tenths of a star (45 = ≥ 4.5)
    label: str
    count: int
    price_min: int | None = None  # price bands: fen, inclusive
    price_max: int | None = None


class SearchFacetsOut(Schema):
    category: list[SearchFacetOut]
    shop: list[SearchFacetOut]
    price: list[SearchFacetOut]
    rating: list[SearchFacetOut]


class SearchResultsOut(Schema):
    query: str
    corrected_query: str  # "" unless the words found nothing and were corrected ("已为你显示 X 的结果")
    total: int
    items: list[SearchProductOut]
    facets: SearchFacetsOut


class SearchSuggestOut(Schema):
    query: str
    suggestions: list[str]


class SearchSynonymIn(Schema):
    term: str
    synonym: str


class SearchSynonymOut(Schema):
    id: int
    term: str
    synonym: str


def _facets(facets: dict) -> dict:
    rating = [{**r, "label": _("%(stars)s stars & up") % {"stars": r["stars"]}} for r in facets["rating"]]
    return {**facets, "rating": rating}


@router.get("/products", response=SearchResultsOut, summary="Search products (facets, sort, typo and pinyin)")
def products(request, q: str = Query("", max_length=500), category: int | None = Query(None, ge=1, le=MAX_ID),
             shop: int | None = Query(None, ge=1, le=MAX_ID), price_min: int | None = Query(None, ge=0, le=MAX_FEN),
             price_max: int | None = Query(None, ge=0, le=MAX_FEN), rating_min: float | None = Query(None, ge=0, le=5),
             sort: str = Query("relevance", pattern="^(relevance|sales|price_asc|price_desc|new)$"),
             limit: int = Query(20, ge=1, le=selectors.MAX_LIMIT), offset: int = Query(0, ge=0, le=selectors.MAX_OFFSET)):
    """Every word of `q` (or one of its synonyms; Chinese, English, pinyin or initials) must match; a query
    that finds nothing is corrected to the nearest words of the index (`corrected_query`). Facet counts
    apply every other filter. `sort`: relevance (text match × sales and rating), sales, price_asc,
    price_desc, new."""
    result = selectors.product_search(query=q, category=category, shop=shop, price_min=price_min,
                                      price_max=price_max, rating_min=rating_min, sort=sort, limit=limit,
                                      offset=offset)
    if result.query and offset == 0:
        services.query_log(query=result.query, results=result.total)
    items = [{"product_id": p.pk, "title": p.title, "price": p.min_price, "currency": "CNY",
              "sold_count": p.sold_count, "shop_id": p.shop_id, "shop_name": p.shop.name,
              "cover": media_url(p.cover_thumb or p.cover) if (p.cover_thumb or p.cover) else ""}
             for p in selectors.products_in_order(product_ids=result.product_ids)]
    return {"query": result.query, "corrected_query": result.corrected_query, "total": result.total,
            "items": items, "facets": _facets(result.facets)}


@router.get("/suggest", response=SearchSuggestOut, summary="Query suggestions (at most 8)")
def suggest(request, q: str = Query("", max_length=500)):
    """Popular past queries that found something and the index's words starting with `q` — by characters,
    pinyin ("weiy") or initials ("wy")."""
    return {"query": q[:60], "suggestions": selectors.suggest(query=q)}


def _merchant_shop(user):
    shop = shop_for_owner(user=user) if user is not None else None
    if shop is None:
        raise Forbidden(_("Open a shop first."), code="no_shop")
    return shop


@router.get("/merchant/synonyms", auth=auth, response=list[SearchSynonymOut], summary="Merchant: your synonyms")
def merchant_synonyms(request):
    shop = _merchant_shop(request.auth)
    return [{"id": s.pk, "term": s.term, "synonym": s.synonym} for s in selectors.synonyms_of_shop(shop_id=shop.pk)]


@router.post("/merchant/synonyms", auth=auth, response={201: SearchSynonymOut},
             summary="Merchant: add a synonym (your goods are found by either word)")
def merchant_synonym_add(request, payload: SearchSynonymIn):
    row = services.synonym_add(shop=_merchant_shop(request.auth), term=payload.term, synonym=payload.synonym)
    return 201, {"id": row.pk, "term": row.term, "synonym": row.synonym}


@router.delete("/merchant/synonyms/{synonym_id}", auth=auth, response={204: None},
               summary="Merchant: remove a synonym")
def merchant_synonym_delete(request, synonym_id: int):
    services.synonym_delete(shop=_merchant_shop(request.auth), synonym_id=synonym_id)
    return 204, None
