"""Serving: rails built from the precomputed lists (services.train) in a handful of queries, whatever the
catalogue's size. Every pick says why it is there (`reason`, and the product it came from), never shows a
product that cannot be bought now, and at most `PER_SHOP` products of one shop in a rail (diversity).

A person who turned personalisation off — and everyone who is not signed in — gets the same trending list
(PIPL art. 24, E-commerce Law art. 18: a non-personalised option).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from quanzi.recommend.data import EVENT_WEIGHTS
from quanzi.recommend.models import ItemNeighbour, RecommendPreference, TrendingItem

PER_SHOP = 2
RECENT = 30
DECAY = 0.92  # the weight of the i-th most recent interaction: DECAY ** i
RECENT_DAYS = 30
CACHE_SECONDS = 300  # a person's picks are recomputed at most every 5 minutes (or when their settings change)

BECAUSE = "because"  # similar to something the person looked at or bought
ALSO = "also"  # people who looked at this product looked at that one
TRENDING = "trending"


@dataclass(frozen=True)
class Pick:
    product: object  # catalog Product (shop joined)
    reason: str
    source: object | None = None  # the product it came from (BECAUSE)


def preference(*, user) -> tuple[bool, set[int]]:
    """(personalised, hidden category ids) — personalised by default, never for someone not signed in."""
    if not getattr(user, "is_authenticated", False):
        return False, set()
    pref = RecommendPreference.objects.filter(user_id=user.pk).first()
    if pref is None:
        return True, set()
    return pref.personalised, {int(c) for c in pref.hidden_categories}


def _products(ids: list[int]) -> dict[int, object]:
    from quanzi.catalog.selectors import sellable_products

    return {p.pk: p for p in sellable_products().filter(pk__in=set(ids)).select_related("shop")}


def _diverse(ordered: list[int], products: dict, *, exclude: set[int], hidden: set[int], limit: int,
             per_shop: dict[int, int]) -> list[int]:
    chosen = []
    for pk in ordered:
        p = products.get(pk)
        if p is None or pk in exclude or p.category_id in hidden or per_shop[p.shop_id] >= PER_SHOP:
            continue
        per_shop[p.shop_id] += 1
        chosen.append(pk)
        exclude.add(pk)
        if len(chosen) == limit:
            break
    return chosen


def trending(*, limit: int = 12, exclude: set[int] | None = None) -> list[Pick]:
    ids = list(TrendingItem.objects.order_by("rank").values_list("product_id", flat=True)[: limit * 4])
    products = _products(ids)
    chosen = _diverse(ids, products, exclude=set(exclude or ()), hidden=set(), limit=limit, per_shop=defaultdict(int))
    return [Pick(product=products[pk], reason=TRENDING) for pk in chosen]


def also_viewed(*, product_id: int, limit: int = 8) -> list[Pick]:
    """看了又看: the product's nearest products, sellable, two per shop at most (two queries)."""
    ids = list(ItemNeighbour.objects.filter(product_id=product_id).order_by("rank")
               .values_list("neighbour_id", flat=True))
    products = _products(ids)
    chosen = _diverse(ids, products, exclude={product_id}, hidden=set(), limit=limit, per_shop=defaultdict(int))
    return [Pick(product=products[pk], reason=ALSO) for pk in chosen]


def _cache_key(user_id: int) -> str:
    return f"recommend:for_user:{user_id}"


def forget_picks(*, user_id: int) -> None:
    """Drop the person's cached picks (their settings changed)."""
    from django.core.cache import cache

    cache.delete(_cache_key(user_id))


def for_user(*, user, limit: int = 12) -> list[Pick]:
    """猜你喜欢: products near what the person interacted with lately (their latest 30 views, adds to cart
    and orders, the recent and the strong weighing more), without what they already saw, topped up with
    trending; trending alone when personalisation is off. The chosen ids are cached for `CACHE_SECONDS`
    (a cached list costs one query: the products, still checked sellable); at most six queries otherwise."""
    from django.core.cache import cache

    personalised, hidden = preference(user=user)
    if not personalised:
        return trending(limit=limit)
    key = _cache_key(user.pk)
    cached = cache.get(key)
    if cached is not None and cached["limit"] >= limit:
        ids = cached["picks"][:limit]
        products = _products([pk for pk, _r, _s in ids] + [s for _pk, _r, s in ids if s])
        return [Pick(product=products[pk], reason=reason, source=products.get(src))
                for pk, reason, src in ids if pk in products]
    picks = _fresh_picks(user=user, hidden=hidden, limit=limit)
    cache.set(key, {"limit": limit, "picks": [(p.product.pk, p.reason, p.source.pk if p.source else None)
                                              for p in picks]}, CACHE_SECONDS)
    return picks


def _fresh_picks(*, user, hidden: set[int], limit: int) -> list[Pick]:
    from quanzi.analytics.selectors import recent_products_of_user

    recent = recent_products_of_user(user_id=user.pk, limit=RECENT, days=RECENT_DAYS)
    weight: dict[int, float] = defaultdict(float)
    for i, (pk, event) in enumerate(recent):
        weight[pk] += EVENT_WEIGHTS[event] * DECAY ** i
    score: dict[int, float] = defaultdict(float)
    best: dict[int, tuple[float, int]] = {}
    for src, other, sim in ItemNeighbour.objects.filter(product_id__in=list(weight)).values_list(
            "product_id", "neighbour_id", "score"):
        part = weight[src] * sim
        score[other] += part
        if part > best.get(other, (0.0, 0))[0]:
            best[other] = (part, src)
    ordered = sorted(score, key=lambda pk: (-score[pk], pk))[: limit * 4]
    products = _products([*ordered, *{src for _part, src in best.values()}])
    per_shop: dict[int, int] = defaultdict(int)
    seen = set(weight)
    chosen = _diverse(ordered, products, exclude=set(seen), hidden=hidden, limit=limit, per_shop=per_shop)
    picks = [Pick(product=products[pk], reason=BECAUSE, source=products.get(best[pk][1])) for pk in chosen]
    if len(picks) < limit:
        picks += trending(limit=limit - len(picks), exclude=seen | set(chosen))
    return picks


def interests(*, user, limit: int = 6) -> list[dict]:
    """The interests inferred from the person's latest interactions — the categories they looked at most —
    with whether they hid one (two queries and the categories' names)."""
    from quanzi.analytics.selectors import recent_products_of_user
    from quanzi.catalog.selectors import category_list, products_by_ids

    _personalised, hidden = preference(user=user)
    recent = recent_products_of_user(user_id=user.pk, limit=RECENT)
    products = products_by_ids(product_ids=[pk for pk, _e in recent])
    weight: dict[int, float] = defaultdict(float)
    for i, (pk, event) in enumerate(recent):
        if pk in products:
            weight[products[pk].category_id] += EVENT_WEIGHTS[event] * DECAY ** i
    names = {c.pk: c.name for c in category_list(top_level_only=False)}
    ranked = sorted(set(weight) | hidden, key=lambda c: (-weight.get(c, 0.0), c))[:limit + len(hidden)]
    return [{"category_id": c, "name": names.get(c, ""), "weight": round(weight.get(c, 0.0), 2), "hidden": c in hidden}
            for c in ranked if c in names]
