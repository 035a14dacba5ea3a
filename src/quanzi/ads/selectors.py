"""Reads of sponsored listings: serving (the auction on a search or feed page, impressions recorded in
one batch), the merchant's campaigns, balance and report.

The serving path costs a fixed handful of statements whatever the number of keywords and campaigns: the
keyword index, the matching targets with their campaigns and bids (flat rows), the promoted sellable
products with their shop's balance, then one INSERT of the impressions and one UPDATE of the impression
counters in one transaction. The placement's terms come from the cache.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import TruncDate

from quanzi.ads import matching, services
from quanzi.ads.auction import (
    Bidder,
    Prior,
    budget_day,
    participates,
    predicted_ctr,
    run_auction,
    seconds_left_in_day,
)
from quanzi.ads.constants import CampaignStatus, Placement, TargetKind, TopUpStatus
from quanzi.ads.models import (
    AdCampaign,
    AdClick,
    AdConversion,
    AdImpression,
    AdProduct,
    AdsBalance,
    AdTarget,
    AdTargetTerm,
    AdTopUp,
)
from quanzi.catalog.selectors import sellable_q
from quanzi.core import clock

DEFAULT_RELEVANCE_FLOOR = 0.5
AD_FIELDS = ("id", "campaign_id", "impressions", "clicks", "product", "product__title", "product__title_zh_hans",
             "product__title_en", "product__cover", "product__cover_thumb", "product__min_price", "product__status",
             "product__category_id", "product__shop", "product__shop__name", "product__shop__name_zh_hans",
             "product__shop__name_en", "product__shop__status")


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


def _titles(product) -> str:
    """The product's title in every language it was written in: a shopper searching 耳机 finds the
    earphones whichever language the page is in (as catalog search does)."""
    from django.conf import settings

    names = [getattr(product, "title_" + code.replace("-", "_"), None)
             for code in getattr(settings, "MODELTRANSLATION_LANGUAGES", ())]
    return " ".join(dict.fromkeys(t for t in [*names, product.title] if t))


def _running(now) -> Q:
    return Q(campaign__status=CampaignStatus.ACTIVE, campaign__starts_at__lte=now) & (
        Q(campaign__ends_at__isnull=True) | Q(campaign__ends_at__gt=now))


@dataclass(frozen=True, slots=True)
class _Candidate:
    """A matching target with what the auction needs of its bid and campaign (one flat row: serving builds
    no model instances for the many targets a query can reach)."""

    pk: int
    campaign_id: int
    kind: str
    keyword: str
    match_type: str
    category_id: int | None
    max_cpc: int | None
    shop_id: int
    daily_budget: int
    total_budget: int
    spent: int
    spend_day: object
    spent_day: int

    def spent_on(self, day) -> int:
        return self.spent_day if self.spend_day == day else 0


_CANDIDATE_FIELDS = ("pk", "campaign_id", "kind", "keyword", "match_type", "category_id", "bid__max_cpc",
                     "campaign__shop_id", "campaign__daily_budget", "campaign__total_budget", "campaign__spent",
                     "campaign__spend_day", "campaign__spent_day")


def _candidates(qs) -> list[_Candidate]:
    return [c for c in (_Candidate(*row) for row in qs.values_list(*_CANDIDATE_FIELDS)) if c.max_cpc]


def _has_budget(c: _Candidate, *, today, reserve: int) -> bool:
    return c.total_budget - c.spent >= reserve and c.daily_budget - c.spent_on(today) >= reserve


def _serve(*, placement: str, targets: list[_Candidate], query: matching.Query | None, limit: int, viewer, device: str,
           rng: Callable[[], float] | None, record: bool, now) -> list[SponsoredAd]:
    terms = services.placement_terms(placement)
    slots = min(max(int(limit), 0), terms.slots)
    if not targets or slots <= 0:
        return []
    today, day_left = budget_day(now), seconds_left_in_day(now)
    draw = rng or random.random
    campaigns = {}
    for c in targets:  # budget left, and pacing: one draw per campaign per auction
        if c.campaign_id in campaigns or not _has_budget(c, today=today, reserve=terms.reserve_price):
            continue
        left = min(c.daily_budget - c.spent_on(today), c.total_budget - c.spent)
        campaigns[c.campaign_id] = participates(budget_left=left, budget=c.daily_budget, day_seconds_left=day_left, u=draw())
    live = {pk for pk, on in campaigns.items() if on}
    if not live:
        return []
    balance_of = AdsBalance.objects.filter(shop_id=OuterRef("campaign__shop_id")).values("balance")[:1]
    ads = list(AdProduct.objects.filter(sellable_q(prefix="product"), campaign_id__in=live)
               .select_related("product__shop").only(*AD_FIELDS).annotate(shop_balance=Subquery(balance_of)))
    floor = float(services.conf("ADS_RELEVANCE_FLOOR_PCT", int(DEFAULT_RELEVANCE_FLOOR * 100))) / 100
    prior = Prior(clicks=terms.prior_clicks, impressions=terms.prior_impressions)
    best_target: dict[int, _Candidate] = {}
    for t in targets:  # a campaign's best bid among its targets that matched
        if t.campaign_id in live and (t.campaign_id not in best_target
                                      or t.max_cpc > best_target[t.campaign_id].max_cpc):
            best_target[t.campaign_id] = t
    bidders: dict[int, tuple[Bidder, AdProduct, _Candidate]] = {}
    for ad in ads:
        target = best_target[ad.campaign_id]
        if (ad.shop_balance or 0) < terms.reserve_price:
            continue
        if query is not None and matching.relevance(title=_titles(ad.product), query=query) < floor:
            continue
        if placement == Placement.CATEGORY and target.category_id and ad.product.category_id != target.category_id:
            continue
        bidder = Bidder(key=(ad.product_id, ad.pk), bid=target.max_cpc,
                        quality=predicted_ctr(clicks=ad.clicks, impressions=ad.impressions, prior=prior))
        held = bidders.get(ad.product_id)  # one ad per product: the best-scoring campaign's
        if held is None or (bidder.bid * bidder.quality, -ad.pk) > (held[0].bid * held[0].quality, -held[1].pk):
            bidders[ad.product_id] = (bidder, ad, target)
    awards = run_auction([b for b, _a, _t in bidders.values()], reserve=terms.reserve_price, slots=slots)
    if not awards:
        return []
    won = [(award, *bidders[award.key[0]][1:]) for award in awards]
    signed_in = viewer is not None and getattr(viewer, "is_authenticated", False)
    rows = [AdImpression(campaign_id=ad.campaign_id, ad_id=ad.pk, target_id=target.pk, placement=placement,
                         query=(query.norm if query else "")[:60], viewer=viewer if signed_in else None,
                         device=str(device or "")[:32], rank=award.rank, price=award.price, created_at=now)
            for award, ad, target in won]
    if record:  # two statements, no transaction of their own: the counter only feeds the click-rate estimate
        AdImpression.objects.bulk_create(rows)
        AdProduct.objects.filter(pk__in=[ad.pk for _a, ad, _t in won]).update(impressions=F("impressions") + 1)
    out = []
    for (award, ad, target), row in zip(won, rows, strict=True):
        why = {"placement": placement}
        if target.kind == TargetKind.KEYWORD:
            why.update(keyword=target.keyword, match_type=target.match_type)
        out.append(SponsoredAd(product=ad.product, advertiser=ad.product.shop.name, rank=award.rank, price=award.price,
                               impression_id=row.pk or 0, click_token=services.click_token(row.pk) if row.pk else "",
                               placement=placement, why=why))
    return out


def sponsored_for_search(*, query: str, limit: int = 2, viewer=None, device: str = "",
                         rng: Callable[[], float] | None = None, record: bool = True) -> list[SponsoredAd]:
    """The sponsored results for a search: ads whose keywords match the query (exact, phrase or broad,
    segmented with jieba), whose product is sellable and relevant to the query (the organic relevance
    floor), with budget and balance left and a bid at or above the reserve, ranked by the auction; at most
    `limit` and the placement's slot limit. Each one shown is recorded as an impression (one INSERT)."""
    q = matching.parse_query(query)
    if not q.norm or not q.required:
        return []
    now = clock.now()
    matching_terms = AdTargetTerm.objects.filter(term__in=q.lookup_terms[:64]).values("target_id")
    candidates = _candidates(AdTarget.objects.filter(_running(now), pk__in=matching_terms, kind=TargetKind.KEYWORD))
    targets = [t for t in candidates if matching.matches(keyword=t.keyword, match_type=t.match_type, query=q)]
    return _serve(placement=Placement.SEARCH, targets=targets, query=q, limit=limit, viewer=viewer, device=device,
                  rng=rng, record=record, now=now)


def sponsored_for_feed(*, limit: int = 1, viewer=None, device: str = "", rng: Callable[[], float] | None = None,
                       record: bool = True) -> list[SponsoredAd]:
    """Sponsored products for the discovery feed (campaigns with a feed placement)."""
    now = clock.now()
    targets = _candidates(AdTarget.objects.filter(_running(now), kind=TargetKind.PLACEMENT, placement=Placement.FEED))
    return _serve(placement=Placement.FEED, targets=targets, query=None, limit=limit, viewer=viewer, device=device,
                  rng=rng, record=record, now=now)


def sponsored_for_category(*, category_id: int, limit: int = 2, viewer=None, device: str = "",
                           rng: Callable[[], float] | None = None, record: bool = True) -> list[SponsoredAd]:
    """Sponsored products on a category's page: campaigns with a category placement on that category,
    whose promoted products belong to it (a `_serve` rule)."""
    now = clock.now()
    targets = _candidates(AdTarget.objects.filter(_running(now), kind=TargetKind.PLACEMENT,
                                                  placement=Placement.CATEGORY, category_id=category_id))
    return _serve(placement=Placement.CATEGORY, targets=targets, query=None, limit=limit, viewer=viewer,
                  device=device, rng=rng, record=record, now=now)


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


def clicks_for_operator(*, billed: bool | None = None, limit: int = 100) -> list[AdClick]:
    qs = AdClick.objects.select_related("campaign__shop").order_by("-pk")
    if billed is not None:
        qs = qs.filter(billed=billed)
    return list(qs[:limit])


def shop_campaign_page(*, shop, cursor: str | None, limit: int = 20):
    """The shop's campaigns, newest first, cursor-paginated: (campaigns, next_cursor)."""
    from quanzi.core.http import cursor_page

    return cursor_page(AdCampaign.objects.filter(shop=shop), cursor=cursor, limit=limit)
