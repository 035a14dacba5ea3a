"""Serving: rails built from the precomputed lists (services.train) in a handful of queries, whatever the
catalogue's size. Every pick says why it is there (`reason`, and the product it came from), never shows a
product that cannot be bought now, and at most `PER_SHOP` products of one shop in a rail (diversity).

A person who turned personalisation off — and everyone who is not signed in — gets the same trending list
(PIPL art. 24, E-commerce Law art. 18: a non-personalised option), without social proof. So does the A/B
holdout (`arm_of`): a stable share of signed-in people, so the lift of personalisation is measured.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, replace

from django.conf import settings
from django.utils import timezone

from quanzi.core import clock
from quanzi.recommend.data import EVENT_WEIGHTS
from quanzi.recommend.models import (
    Arm,
    ArmDay,
    ItemNeighbour,
    NeighbourKind,
    PersonPicks,
    RecommendPreference,
    RegionalTrendingItem,
    TrendingItem,
)

PER_SHOP = 2
RECENT = 30
DECAY = 0.92  # the weight of the i-th most recent interaction: DECAY ** i
RECENT_DAYS = 30
CACHE_SECONDS = 300  # a person's picks (and their friends' counts) are recomputed at most every 5 minutes, or when their settings change

BECAUSE = "because"  # similar to something the person looked at or bought
ALSO = "also"  # people who looked at this product looked at that one
TRENDING = "trending"
SIMILAR = "similar"  # alike in title and category (a product too new to have neighbours by behaviour)
BOUGHT = "bought"  # people who bought this bought that too
FRIENDS = "friends"  # the person's friends bought it (through the circle's rules)
INTEREST = "interest"  # popular in an interest the person picked (cold start)
REGION = "region"  # popular where the person lives (cold start: the province of their default address)
CONTENT_WEIGHT = 0.5  # a word-alike neighbour counts half a behaviour neighbour in 猜你喜欢
FRIENDS_WEIGHT = 0.2  # a friend's recent purchase as a candidate, per friend


@dataclass(frozen=True)
class Pick:
    product: object  # catalog Product (shop joined)
    reason: str
    source: object | None = None  # the product it came from (BECAUSE)
    friends: int = 0  # how many of the viewer's friends bought it (social proof)
    region: str = ""  # the province it is popular in (REGION)


def preference(*, user) -> tuple[bool, set[int]]:
    """(personalised, hidden category ids) — personalised by default, never for someone not signed in."""
    personalised, hidden, _liked = _preference(user)
    return personalised, hidden


def _preference(user) -> tuple[bool, set[int], list[int]]:
    if not getattr(user, "is_authenticated", False):
        return False, set(), []
    return preference_of(user_id=user.pk)


def preference_of(*, user_id: int) -> tuple[bool, set[int], list[int]]:
    """(personalised, hidden category ids, liked category ids) of a signed-in person, by id."""
    pref = RecommendPreference.objects.filter(user_id=user_id).first()
    if pref is None:
        return True, set(), []
    return pref.personalised, {int(c) for c in pref.hidden_categories}, [int(c) for c in pref.liked_categories]


def liked_categories(*, user) -> list[int]:
    """The interests the person picked (cold start), in the order they picked them."""
    return _preference(user)[2]


def arm_of(*, user) -> str | None:
    """The person's A/B arm, stable (a hash of their id): `Arm.HOLDOUT` for `RECOMMEND_HOLDOUT_PERCENT` % of
    signed-in people, else `Arm.PERSONALISED`; None for someone not signed in (not in the experiment)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return arm_of_id(user_id=user.pk)


def arm_of_id(*, user_id: int) -> str:
    """`arm_of` for a signed-in person known by id (the handlers and the sweep have no request)."""
    bucket = int.from_bytes(hashlib.sha256(f"recommend-ab:{user_id}".encode()).digest()[:4], "big") % 100
    return Arm.HOLDOUT if bucket < settings.QUANZI.get("RECOMMEND_HOLDOUT_PERCENT", 10) else Arm.PERSONALISED


# What a product card and the API's pick show: loading only these keeps a rail's 80 candidates cheap to build
# (a product's description alone may be 20,000 characters).
CARD_FIELDS = ("id", "title", "min_price", "sold_count", "cover", "cover_thumb", "category_id", "shop_id", "shop__id",
               "shop__name")


def _products(ids: list[int]) -> dict[int, object]:
    from quanzi.catalog.selectors import sellable_products

    return {p.pk: p for p in sellable_products().filter(pk__in=set(ids)).select_related("shop").only(*CARD_FIELDS)}


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


def trending(*, limit: int = 12, exclude: set[int] | None = None, hidden: set[int] | None = None) -> list[Pick]:
    """The non-personalised list: what most people interacted with lately (one query and a cached list)."""
    ids = trending_ids()[: limit * 4]
    products = _products(ids)
    chosen = _diverse(ids, products, exclude=set(exclude or ()), hidden=set(hidden or ()), limit=limit,
                      per_shop=defaultdict(int))
    return [Pick(product=products[pk], reason=TRENDING) for pk in chosen]


def _in_categories(categories: list[int], *, limit: int, exclude: set[int]) -> list[Pick]:
    """Cold start for a new person: the trending products of the interests they picked, then the best
    sellers of those categories when the trending list has too few (two queries)."""
    from quanzi.catalog.selectors import sellable_products

    if not categories:
        return []
    rank = {pk: i for i, pk in enumerate(trending_ids())}
    pool = list(sellable_products().filter(category_id__in=categories).select_related("shop").only(*CARD_FIELDS)
                .order_by("-sold_count", "-pk")[: limit * 8])
    pool.sort(key=lambda p: (rank.get(p.pk, len(rank)), -p.sold_count, -p.pk))
    products = {p.pk: p for p in pool}
    chosen = _diverse([p.pk for p in pool], products, exclude=set(exclude), hidden=set(), limit=limit,
                      per_shop=defaultdict(int))
    return [Pick(product=products[pk], reason=INTEREST) for pk in chosen]


def region_of(*, user) -> dict:
    """{"region": the province of the person's default address or "", "use_region": whether they let it be
    used} — the settings page shows both (the law: a person sees what is used to pick for them)."""
    from quanzi.accounts.selectors import default_province

    used = not RecommendPreference.objects.filter(user_id=user.pk, use_region=False).exists()
    return {"region": default_province(user_id=user.pk), "use_region": used}


def _in_region(user_id: int, *, limit: int, exclude: set[int], hidden: set[int]) -> list[Pick]:
    """Cold start by place: what sold most lately to addresses in the province of the person's default address
    (the province only; nothing without an address, or when they said not to use it)."""
    from quanzi.accounts.selectors import default_province

    if RecommendPreference.objects.filter(user_id=user_id, use_region=False).exists():
        return []
    region = default_province(user_id=user_id)
    if not region:
        return []
    ids = list(RegionalTrendingItem.objects.filter(region=region).order_by("rank").values_list("product_id", flat=True))
    products = _products(ids)
    chosen = _diverse(ids, products, exclude=set(exclude), hidden=hidden, limit=limit, per_shop=defaultdict(int))
    return [Pick(product=products[pk], reason=REGION, region=region) for pk in chosen]


def also_viewed(*, product_id: int, limit: int = 8) -> list[Pick]:
    """看了又看: the product's nearest products by behaviour — or, for a product too new to have any, the ones
    most alike in title and category — sellable, two per shop at most (two queries)."""
    rows = ItemNeighbour.objects.filter(product_id=product_id, kind__in=[NeighbourKind.VIEWED, NeighbourKind.CONTENT])
    by_kind: dict[str, list[int]] = defaultdict(list)
    for kind, other in rows.order_by("rank").values_list("kind", "neighbour_id"):
        by_kind[kind].append(other)
    kind = NeighbourKind.VIEWED if by_kind[NeighbourKind.VIEWED] else NeighbourKind.CONTENT
    ids = by_kind[kind]
    products = _products(ids)
    chosen = _diverse(ids, products, exclude={product_id}, hidden=set(), limit=limit, per_shop=defaultdict(int))
    reason = ALSO if kind == NeighbourKind.VIEWED else SIMILAR
    return [Pick(product=products[pk], reason=reason) for pk in chosen]


def bought_together(*, product_ids, limit: int = 8) -> list[Pick]:
    """买了还买: what the buyers of these products bought too (orders only), best first across the products,
    without the products themselves, sellable, two per shop at most (two queries). One product for the
    product page; an order's products for the after-purchase rail."""
    sources = [int(pk) for pk in product_ids][:20]
    score: dict[int, float] = defaultdict(float)
    for other, sim in ItemNeighbour.objects.filter(product_id__in=sources, kind=NeighbourKind.BOUGHT).values_list(
            "neighbour_id", "score"):
        score[other] += sim
    ordered = sorted(score, key=lambda pk: (-score[pk], pk))
    products = _products(ordered[: limit * 4])
    chosen = _diverse(ordered, products, exclude=set(sources), hidden=set(), limit=limit, per_shop=defaultdict(int))
    return [Pick(product=products[pk], reason=BOUGHT) for pk in chosen]


TRENDING_KEY = "recommend:trending"


def trending_ids() -> list[int]:
    """The trending list's product ids, best first; cached until the next training (which forgets it) or
    `CACHE_SECONDS`, since every non-personalised rail starts from it."""
    from django.core.cache import cache

    ids = cache.get(TRENDING_KEY)
    if ids is None:
        ids = list(TrendingItem.objects.order_by("rank").values_list("product_id", flat=True))
        cache.set(TRENDING_KEY, ids, CACHE_SECONDS)
    return ids


def _cache_key(user_id: int) -> str:
    return f"recommend:for_user:{user_id}"


def forget_picks(*, user_id: int) -> None:
    """Drop the person's cached computed picks (their settings changed, or their stored ones were refreshed)."""
    from django.core.cache import cache

    cache.delete(_cache_key(user_id))


STORED = 48  # picks kept per person: the API's largest page


def for_user(*, user, limit: int = 12) -> list[Pick]:
    """猜你喜欢: products near what the person interacted with lately (their latest 30 views, adds to cart
    and orders, the recent and the strong weighing more) and what their friends bought, without what they
    already saw, topped up with the trending products of the interests they picked, then trending; each
    with how many friends bought it. Trending alone, without friends, when personalisation is off or the
    person is in the A/B holdout.

    Served precomputed: the person's `PersonPicks` row — refreshed by a sweep seconds after they do something
    (services.picks_refresh_due), worked out again at once when they change their settings, deleted when they
    turn personalisation off — costs two queries: the row and the products (still checked sellable, topped up
    with trending when some went off sale). Someone without a row yet gets the list worked out on the request
    (at most ten queries), kept in the cache for `CACHE_SECONDS`."""
    if not getattr(user, "is_authenticated", False) or arm_of(user=user) == Arm.HOLDOUT:
        return trending(limit=limit)
    stored = _stored(user.pk, limit)
    if stored is None:
        personalised, _hidden, _liked = _preference(user)
        return _computed_and_cached(user.pk, limit) if personalised else trending(limit=limit)
    rows, hidden = stored
    picks = _from_rows(rows, limit)
    if len(picks) < min(limit, len(rows)):  # some went off sale since they were worked out
        picks += trending(limit=limit - len(picks), exclude={p.product.pk for p in picks}, hidden=hidden)
    return picks


def _stored(user_id: int, limit: int) -> tuple[list, set[int]] | None:
    """The person's precomputed picks and the categories they hid; None when they have none yet, or fewer
    than asked for and not because the candidates ran out."""
    row = PersonPicks.objects.filter(user_id=user_id, computed_at__isnull=False).values_list(
        "picks", "hidden_categories").first()
    if row is None or (len(row[0]) < limit and len(row[0]) >= STORED):
        return None
    return row[0], {int(c) for c in row[1]}


def _computed_and_cached(user_id: int, limit: int) -> list[Pick]:
    from django.core.cache import cache

    key = _cache_key(user_id)
    cached = cache.get(key)
    if cached is not None and cached["limit"] >= limit:
        return _from_rows(cached["picks"][:limit], limit)
    picks = compute_picks(user_id=user_id, limit=limit)
    cache.set(key, {"limit": limit, "picks": picks_as_rows(picks)}, CACHE_SECONDS)
    return picks


def picks_as_rows(picks: list[Pick]) -> list[list]:
    """The picks as stored: [product id, reason, source product id or None, friends, region]."""
    return [[p.product.pk, p.reason, p.source.pk if p.source else None, p.friends, p.region] for p in picks]


def _from_rows(rows: list, limit: int) -> list[Pick]:
    """Stored or cached rows back into picks: the products loaded in one query, still sellable."""
    products = _products([row[0] for row in rows] + [row[2] for row in rows if row[2]])
    return [Pick(product=products[pk], reason=reason, source=products.get(src), friends=friends, region=region)
            for pk, reason, src, friends, region in (_padded(row) for row in rows) if pk in products][:limit]


def _padded(row: list) -> list:
    return [*row, ""] if len(row) == 4 else row  # rows stored before regions


def compute_picks(*, user_id: int, limit: int) -> list[Pick]:
    """Work the person's 猜你喜欢 out from their history, their friends and their interests (at most nine
    queries): what the refresh sweep stores and what someone without stored picks is served."""
    personalised, hidden, liked = preference_of(user_id=user_id)
    if not personalised:
        return trending(limit=limit)
    friends = _friend_ids(user_id)
    return with_social_proof(_fresh_picks(user_id=user_id, hidden=hidden, liked=liked, friends=friends, limit=limit),
                             viewer_id=user_id, friends=friends)


def _friend_ids(user_id: int) -> set[int]:
    from quanzi.social.selectors import friend_ids

    return friend_ids(user_id=user_id)


def with_social_proof(picks: list[Pick], *, viewer_id: int, friends: set[int] | None = None) -> list[Pick]:
    """The picks with how many of the viewer's friends bought each ("3 位好友买过"), through the circle's
    rules: only friends who share their purchases, purchases not hidden or withdrawn (one or two queries)."""
    from quanzi.circle.selectors import friends_bought_counts

    if not picks:
        return picks
    friends = _friend_ids(viewer_id) if friends is None else friends
    if not friends:
        return picks
    counts = friends_bought_counts(viewer_id=viewer_id, product_ids=[p.product.pk for p in picks], friends=friends)
    return [replace(p, friends=counts.get(p.product.pk, 0)) for p in picks]


def _fresh_picks(*, user_id: int, hidden: set[int], liked: list[int], friends: set[int], limit: int) -> list[Pick]:
    from quanzi.analytics.selectors import recent_products_of_user
    from quanzi.circle.selectors import products_friends_bought

    recent = recent_products_of_user(user_id=user_id, limit=RECENT, days=RECENT_DAYS)
    weight: dict[int, float] = defaultdict(float)
    for i, (pk, event) in enumerate(recent):
        weight[pk] += EVENT_WEIGHTS[event] * DECAY ** i
    score: dict[int, float] = defaultdict(float)
    best: dict[int, tuple[float, int | None]] = {}
    for src, kind, other, sim in ItemNeighbour.objects.filter(
            product_id__in=list(weight), kind__in=[NeighbourKind.VIEWED, NeighbourKind.CONTENT]).values_list(
            "product_id", "kind", "neighbour_id", "score"):
        part = weight[src] * sim * (CONTENT_WEIGHT if kind == NeighbourKind.CONTENT else 1.0)
        score[other] += part
        if part > best.get(other, (0.0, None))[0]:
            best[other] = (part, src)
    bought_by_friends = products_friends_bought(viewer_id=user_id, friends=friends, limit=limit * 2) if friends else []
    for pk in bought_by_friends:
        score[pk] += FRIENDS_WEIGHT
        best.setdefault(pk, (0.0, None))
    ordered = sorted(score, key=lambda pk: (-score[pk], pk))[: limit * 4]
    products = _products([*ordered, *{src for _part, src in best.values() if src}])
    seen = set(weight)
    chosen = _diverse(ordered, products, exclude=set(seen), hidden=hidden, limit=limit, per_shop=defaultdict(int))
    picks = [Pick(product=products[pk], reason=BECAUSE, source=products.get(best[pk][1]))
             if best[pk][1] else Pick(product=products[pk], reason=FRIENDS) for pk in chosen]
    if len(picks) < limit and liked:
        picks += _in_categories([c for c in liked if c not in hidden], limit=limit - len(picks),
                                exclude=seen | set(chosen))
    if len(picks) < limit and not seen:  # nothing done yet to learn from: what is popular where they live
        picks += _in_region(user_id, limit=limit - len(picks), exclude={p.product.pk for p in picks}, hidden=hidden)
    if len(picks) < limit:
        picks += trending(limit=limit - len(picks), exclude=seen | {p.product.pk for p in picks}, hidden=hidden)
    return picks


def needs_interests(*, user) -> bool:
    """Whether to ask a signed-in person for their interests: personalised, nothing picked yet and nothing
    done lately that recommendations could learn from (a new person)."""
    from quanzi.analytics.selectors import recent_products_of_user

    personalised, _hidden, liked = _preference(user)
    if not personalised or liked or arm_of(user=user) == Arm.HOLDOUT:
        return False
    return not recent_products_of_user(user_id=user.pk, limit=1, days=RECENT_DAYS)


def arm_report(*, days: int = 14) -> list[dict]:
    """Per arm over the last `days` days: rails shown, clicks, orders after a click, click-through and
    orders per thousand rails shown — the lift of personalisation as measured, not assumed."""
    from django.db.models import Sum

    since = timezone.localdate(clock.now()) - dt.timedelta(days=days - 1)
    totals = {row["arm"]: row for row in ArmDay.objects.filter(day__gte=since).values("arm").annotate(
        impressions=Sum("impressions"), clicks=Sum("clicks"), orders=Sum("orders")).order_by()}
    report = []
    for arm in Arm:
        row = totals.get(arm.value, {})
        shown, clicks, orders = row.get("impressions") or 0, row.get("clicks") or 0, row.get("orders") or 0
        report.append({"arm": arm.value, "label": str(arm.label), "impressions": shown, "clicks": clicks, "orders": orders,
                       "ctr": round(clicks / shown, 4) if shown else 0.0,
                       "ctr_percent": round(100 * clicks / shown, 2) if shown else 0.0,
                       "orders_per_mille": round(1000 * orders / shown, 2) if shown else 0.0})
    return report


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
