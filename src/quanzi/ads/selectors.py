"""Reads of sponsored listings: serving (the auction on a search or feed page, impressions recorded in
one statement), the merchant's campaigns, balance and report.

Serving reads the targets, bids, budgets, promoted products, balances and placement terms from the
process's serving index (serving.py: in memory, rebuilt when something changes), so an auction costs one
cache read and one database statement — the impressions it shows — whatever the number of campaigns.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, F, Sum
from django.db.models.functions import TruncDate

from quanzi.ads import matching, services, serving
from quanzi.ads.auction import (
    Bidder,
    Prior,
    budget_day,
    participates,
    predicted_ctr,
    run_auction,
    seconds_left_in_day,
)
from quanzi.ads.constants import CampaignStatus, Placement, ReviewStatus, TargetKind, TopUpStatus
from quanzi.ads.models import (
    AdCampaign,
    AdClick,
    AdConversion,
    AdImpression,
    AdProduct,
    AdTarget,
    AdTopUp,
)
from quanzi.ads.serving import Candidate
from quanzi.core import clock
from quanzi.core.db import relaxed_commit

DEFAULT_RELEVANCE_FLOOR = 0.5


@dataclass(frozen=True)
class SponsoredAd:
    """One sponsored result to show, marked 广告 with the advertiser's name; `click_token` goes in its link."""

    product: object
    advertiser: str
    rank: int
    price: int
    impression_id: int
    click_token: str
    placement: str
    why: dict = field(default_factory=dict)  # what matched: {"keyword", "match_type"} or {"placement"}


def _has_budget(c: Candidate, *, today, reserve: int) -> bool:
    return c.total_budget - c.spent >= reserve and c.daily_budget - c.spent_on(today) >= reserve


def _paced_campaigns(targets: list[Candidate], *, terms, now, rng) -> set[int]:
    """The campaigns that take part in this auction: budget left at the reserve price, and pacing's draw
    (one per campaign per auction) says yes."""
    today, day_left = budget_day(now), seconds_left_in_day(now)
    draw = rng or random.random
    campaigns: dict[int, bool] = {}
    for c in targets:
        if c.campaign_id in campaigns or not _has_budget(c, today=today, reserve=terms.reserve_price):
            continue
        left = min(c.daily_budget - c.spent_on(today), c.total_budget - c.spent)
        campaigns[c.campaign_id] = participates(budget_left=left, budget=c.daily_budget, day_seconds_left=day_left,
                                                u=draw())
    return {pk for pk, on in campaigns.items() if on}


def _bidders(index: serving.ServingIndex, *, placement: str, targets: list[Candidate], live: set[int], terms,
             query: matching.Query | None) -> dict[int, tuple[Bidder, AdProduct, Candidate]]:
    """One bidder per product (the best-scoring campaign's ad), from each live campaign's best matching bid."""
    floor = float(services.conf("ADS_RELEVANCE_FLOOR_PCT", int(DEFAULT_RELEVANCE_FLOOR * 100))) / 100
    prior = Prior(clicks=terms.prior_clicks, impressions=terms.prior_impressions)
    best_target: dict[int, Candidate] = {}
    for t in targets:
        if t.campaign_id in live and (t.campaign_id not in best_target
                                      or t.max_cpc > best_target[t.campaign_id].max_cpc):
            best_target[t.campaign_id] = t
    bidders: dict[int, tuple[Bidder, AdProduct, Candidate]] = {}
    for campaign_id, target in best_target.items():
        if index.balances.get(target.shop_id, 0) < terms.reserve_price:
            continue
        for ad in index.ads_by_campaign.get(campaign_id, ()):
            if query is not None and matching.relevance(title=index.titles[ad.pk], query=query) < floor:
                continue
            if placement == Placement.CATEGORY and target.category_id and ad.product.category_id != target.category_id:
                continue
            bidder = Bidder(key=(ad.product_id, ad.pk), bid=target.max_cpc,
                            quality=predicted_ctr(clicks=ad.clicks, impressions=ad.impressions, prior=prior))
            held = bidders.get(ad.product_id)
            if held is None or (bidder.bid * bidder.quality, -ad.pk) > (held[0].bid * held[0].quality, -held[1].pk):
                bidders[ad.product_id] = (bidder, ad, target)
    return bidders


def _serve(*, index: serving.ServingIndex, placement: str, targets: list[Candidate], query: matching.Query | None,
           limit: int, viewer, device: str, rng: Callable[[], float] | None, record: bool, now) -> list[SponsoredAd]:
    terms = index.terms[placement]
    slots = min(max(int(limit), 0), terms.slots)
    targets = [t for t in targets if t.running(now)]
    if not targets or slots <= 0:
        return []
    live = _paced_campaigns(targets, terms=terms, now=now, rng=rng)
    if not live:
        return []
    bidders = _bidders(index, placement=placement, targets=targets, live=live, terms=terms, query=query)
    awards = run_auction([b for b, _a, _t in bidders.values()], reserve=terms.reserve_price, slots=slots)
    if not awards:
        return []
    won = [(award, *bidders[award.key[0]][1:]) for award in awards]
    signed_in = viewer is not None and getattr(viewer, "is_authenticated", False)
    rows = [AdImpression(campaign_id=ad.campaign_id, ad_id=ad.pk, target_id=target.pk, placement=placement,
                         query=(query.norm if query else "")[:60], viewer_id=viewer.pk if signed_in else None,
                         device=str(device or "")[:32], rank=award.rank, price=award.price, created_at=now)
            for award, ad, target in won]
    if record:
        _record_impressions(rows)
    out = []
    for (award, ad, target), row in zip(won, rows, strict=True):
        why = {"placement": placement}
        if target.kind == TargetKind.KEYWORD:
            why.update(keyword=target.keyword, match_type=target.match_type)
        out.append(SponsoredAd(product=ad.product, advertiser=ad.product.shop.name, rank=award.rank, price=award.price,
                               impression_id=row.pk or 0, click_token=services.click_token(row.pk) if row.pk else "",
                               placement=placement, why=why))
    return out


_IMPRESSION_COLUMNS = ("campaign_id", "ad_id", "target_id", "placement", "query", "viewer_id", "device", "rank",
                       "price", "created_at")


def _record_impressions(rows: list[AdImpression]) -> None:
    """Store the impressions and count them on their ads. On PostgreSQL one statement (the INSERT and the
    counter UPDATE in one data-modifying WITH) whose commit does not wait for the disk (an impression log,
    not money: a click on an impression lost to a database crash is refused as an unknown click id);
    elsewhere two statements."""
    from django.db import connection

    if connection.vendor != "postgresql":
        AdImpression.objects.bulk_create(rows)
        AdProduct.objects.filter(pk__in=[r.ad_id for r in rows]).update(impressions=F("impressions") + 1)
        return
    values = ", ".join(["(" + ", ".join(["%s"] * len(_IMPRESSION_COLUMNS)) + ")"] * len(rows))
    params = [getattr(r, c) for r in rows for c in _IMPRESSION_COLUMNS]
    sql = (f"WITH shown AS (INSERT INTO {AdImpression._meta.db_table} ({', '.join(_IMPRESSION_COLUMNS)}) "
           f"VALUES {values} RETURNING id, ad_id), "
           f"counted AS (UPDATE {AdProduct._meta.db_table} SET impressions = impressions + 1 "
           f"WHERE id IN (SELECT ad_id FROM shown)) SELECT id, ad_id FROM shown")
    if connection.in_atomic_block:  # the caller's transaction decides when and how it commits
        ids = _execute(sql, params)
    else:
        with transaction.atomic():
            relaxed_commit()  # an impression lost to a database crash costs no one money
            ids = _execute(sql, params)
    for row in rows:
        row.pk = ids[row.ad_id]


def _execute(sql: str, params: list) -> dict[int, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {ad_id: pk for pk, ad_id in cursor.fetchall()}


def sponsored_for_search(*, query: str, limit: int = 2, viewer=None, device: str = "",
                         rng: Callable[[], float] | None = None, record: bool = True) -> list[SponsoredAd]:
    """The sponsored results for a search: ads whose keywords match the query (exact, phrase or broad,
    segmented with jieba), whose product is sellable and relevant to the query (the organic relevance
    floor), with budget and balance left and a bid at or above the reserve, ranked by the auction; at most
    `limit` and the placement's slot limit. Read from the process's serving index (serving.py); each ad shown
    is recorded as an impression (one statement)."""
    q = matching.parse_query(query)
    if not q.norm or not q.required or limit <= 0:
        return []
    index = serving.current()
    if index.terms[Placement.SEARCH].slots <= 0:
        return []
    candidates = index.keyword_candidates(q.lookup_terms[:64])
    targets = [t for t in candidates if matching.matches(keyword=t.keyword, match_type=t.match_type, query=q)]
    return _serve(index=index, placement=Placement.SEARCH, targets=targets, query=q, limit=limit, viewer=viewer,
                  device=device, rng=rng, record=record, now=clock.now())


def sponsored_for_feed(*, limit: int = 1, viewer=None, device: str = "", rng: Callable[[], float] | None = None,
                       record: bool = True) -> list[SponsoredAd]:
    """Sponsored products for the discovery feed (campaigns with a feed placement)."""
    index = serving.current()
    return _serve(index=index, placement=Placement.FEED, targets=index.feed, query=None, limit=limit, viewer=viewer,
                  device=device, rng=rng, record=record, now=clock.now())


def sponsored_for_category(*, category_id: int, limit: int = 2, viewer=None, device: str = "",
                           rng: Callable[[], float] | None = None, record: bool = True) -> list[SponsoredAd]:
    """Sponsored products on a category's page: campaigns with a category placement on that category,
    whose promoted products belong to it (a `_bidders` rule)."""
    index = serving.current()
    return _serve(index=index, placement=Placement.CATEGORY, targets=index.by_category.get(category_id, []),
                  query=None, limit=limit, viewer=viewer, device=device, rng=rng, record=record, now=clock.now())


# ---------------------------------------------------------------- merchant

def shop_campaigns(*, shop) -> list[AdCampaign]:
    return list(AdCampaign.objects.filter(shop=shop).order_by("-pk"))


def campaign_targets(*, campaign: AdCampaign) -> list[AdTarget]:
    return list(AdTarget.objects.filter(campaign=campaign).select_related("bid").order_by("pk"))


def campaign_products(*, campaign: AdCampaign) -> list[AdProduct]:
    return list(AdProduct.objects.filter(campaign=campaign).select_related("product").order_by("pk"))


def shop_ads_account(*, shop) -> dict:
    """The shop's ads balance (fen) and its recent top-ups."""
    return {"balance": services.shop_balance(shop_id=shop.pk),
            "topups": list(AdTopUp.objects.filter(shop=shop).order_by("-pk")[:20]),
            "paid_total": AdTopUp.objects.filter(shop=shop, status=TopUpStatus.PAID)
            .aggregate(s=Sum("amount"))["s"] or 0}


def _ratio_bps(num: int, den: int) -> int:
    return num * 10000 // den if den else 0


def campaign_report(*, campaign: AdCampaign) -> dict:
    """Impressions, clicks (billed), CTR, spend, average CPC, invalid clicks, and the orders and GMV
    attributed within 7 days of a billed click (ROAS), in total and by day (Asia/Shanghai)."""
    from django.utils import timezone

    from quanzi.ads.auction import SHANGHAI

    impressions = AdImpression.objects.filter(campaign=campaign)
    clicks = AdClick.objects.filter(campaign=campaign)
    billed = clicks.filter(billed=True, refunded_at__isnull=True)
    n_imp = impressions.count()
    n_billed = billed.count()
    spend = billed.aggregate(s=Sum("price"))["s"] or 0
    conversions = AdConversion.objects.filter(campaign=campaign)
    gmv = conversions.aggregate(s=Sum("amount"))["s"] or 0
    with timezone.override(SHANGHAI):
        by_day: dict = {}
        for row in impressions.annotate(day=TruncDate("created_at", tzinfo=SHANGHAI)).values("day") \
                .annotate(n=Count("id")):
            by_day.setdefault(row["day"], {"impressions": 0, "clicks": 0, "spend": 0})["impressions"] = row["n"]
        for row in billed.annotate(day=TruncDate("created_at", tzinfo=SHANGHAI)).values("day") \
                .annotate(n=Count("id"), s=Sum("price")):
            d = by_day.setdefault(row["day"], {"impressions": 0, "clicks": 0, "spend": 0})
            d["clicks"], d["spend"] = row["n"], row["s"] or 0
    invalid = dict(clicks.filter(billed=False).values_list("reason").annotate(n=Count("id")))
    return {
        "impressions": n_imp, "clicks": n_billed, "ctr_bps": _ratio_bps(n_billed, n_imp), "spend": spend,
        "avg_cpc": spend // n_billed if n_billed else 0, "invalid_clicks": invalid,
        "refunded_clicks": clicks.filter(refunded_at__isnull=False).count(),
        "orders": conversions.values("order_id").distinct().count(), "gmv": gmv,
        "roas_bps": _ratio_bps(gmv, spend),
        "days": [{"day": day.isoformat(), **v} for day, v in sorted(by_day.items(), reverse=True)],
    }


@dataclass(frozen=True)
class CampaignInReview:
    campaign: AdCampaign
    products: list  # AdProduct with product
    targets: list  # AdTarget with bid


def campaigns_in_review(*, limit: int = 50) -> list[CampaignInReview]:
    """The operator's queue: campaigns waiting for a policy decision (not ended), oldest request first, each
    with what it would show. Three statements whatever the queue's length."""
    from django.db.models import Prefetch

    campaigns = list(AdCampaign.objects.filter(review=ReviewStatus.PENDING).exclude(status=CampaignStatus.ENDED)
                     .select_related("shop").order_by("submitted_at", "pk")
                     .prefetch_related(Prefetch("products", AdProduct.objects.select_related("product").order_by("pk")),
                                       Prefetch("targets", AdTarget.objects.select_related("bid").order_by("pk")))
                     [:limit])
    return [CampaignInReview(campaign=c, products=list(c.products.all()), targets=list(c.targets.all()))
            for c in campaigns]


def clicks_for_operator(*, billed: bool | None = None, limit: int = 100) -> list[AdClick]:
    qs = AdClick.objects.select_related("campaign__shop").order_by("-pk")
    if billed is not None:
        qs = qs.filter(billed=billed)
    return list(qs[:limit])


def shop_campaign_page(*, shop, cursor: str | None, limit: int = 20):
    """The shop's campaigns, newest first, cursor-paginated: (campaigns, next_cursor)."""
    from quanzi.core.http import cursor_page

    return cursor_page(AdCampaign.objects.filter(shop=shop), cursor=cursor, limit=limit)
