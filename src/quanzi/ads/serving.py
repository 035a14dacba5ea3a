"""The serving index: what an auction needs, held in each process's memory so a search or feed page pays
no database round trip to find its ads.

One `ServingIndex` holds every running, approved keyword, feed and category target with its bid and campaign
budgets, the sellable promoted products (model instances, read-only) with their shop's ads balance, and
the operator's placement terms. It is rebuilt (five statements) when it is older than `MAX_AGE` seconds
or when the shared version in Django's cache moved: every service that changes what serving may show
bumps it (`changed()`), and so do a product's or a shop's change (handlers.py) and the first click a
campaign can no longer pay for. With Redis as the cache, a change reaches every worker on its next page;
with the in-memory cache (one process), the same.

What may be a few seconds old, by design: the spend the pacing reads and the click and impression counts
the click-rate estimate reads. Neither can cost a merchant money — the budget and balance are enforced
exactly when a click is billed (`services._charge`), not here.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q

from quanzi.ads.constants import CampaignStatus, Placement, ReviewStatus, TargetKind
from quanzi.core import clock

VERSION_KEY = "ads:serving:version"
MAX_AGE = 5.0  # seconds; what pacing and the click-rate estimate may lag behind

AD_FIELDS = ("id", "campaign_id", "impressions", "clicks", "product", "product__title", "product__title_zh_hans",
             "product__title_en", "product__cover", "product__cover_thumb", "product__min_price", "product__status",
             "product__category_id", "product__shop", "product__shop__name", "product__shop__name_zh_hans",
             "product__shop__name_en", "product__shop__status")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A running target with what the auction needs of its bid and campaign (one flat row)."""

    pk: int
    campaign_id: int
    kind: str
    keyword: str
    match_type: str
    placement: str
    category_id: int | None
    max_cpc: int | None
    shop_id: int
    daily_budget: int
    total_budget: int
    spent: int
    spend_day: object
    spent_day: int
    starts_at: object
    ends_at: object

    def spent_on(self, day) -> int:
        return self.spent_day if self.spend_day == day else 0

    def running(self, now) -> bool:
        return self.starts_at <= now and (self.ends_at is None or self.ends_at > now)


_CANDIDATE_FIELDS = ("pk", "campaign_id", "kind", "keyword", "match_type", "placement", "category_id", "bid__max_cpc",
                     "campaign__shop_id", "campaign__daily_budget", "campaign__total_budget", "campaign__spent",
                     "campaign__spend_day", "campaign__spent_day", "campaign__starts_at", "campaign__ends_at")


@dataclass
class ServingIndex:
    version: str
    built_at: float
    by_term: dict[str, list[Candidate]] = field(default_factory=dict)
    feed: list[Candidate] = field(default_factory=list)
    by_category: dict[int, list[Candidate]] = field(default_factory=dict)
    ads_by_campaign: dict[int, list] = field(default_factory=dict)  # campaign id → sellable AdProducts
    titles: dict[int, str] = field(default_factory=dict)  # ad id → its product's titles, every language
    balances: dict[int, int] = field(default_factory=dict)  # shop id → ads balance (fen)
    terms: dict[str, object] = field(default_factory=dict)  # placement → AdPlacementSetting

    def keyword_candidates(self, lookup_terms) -> list[Candidate]:
        seen: dict[int, Candidate] = {}
        for term in lookup_terms:
            for c in self.by_term.get(term, ()):
                seen.setdefault(c.pk, c)
        return list(seen.values())


def _build(version: str) -> ServingIndex:
    from quanzi.ads import services
    from quanzi.ads.models import AdProduct, AdsBalance, AdTarget, AdTargetTerm
    from quanzi.catalog.selectors import sellable_q

    now = clock.now()
    live = Q(campaign__status=CampaignStatus.ACTIVE, campaign__review=ReviewStatus.APPROVED) & (
        Q(campaign__ends_at__isnull=True) | Q(campaign__ends_at__gt=now))
    index = ServingIndex(version=version, built_at=time.monotonic())
    targets = {}
    for row in AdTarget.objects.filter(live, bid__max_cpc__gt=0).values_list(*_CANDIDATE_FIELDS):
        c = Candidate(*row)
        targets[c.pk] = c
        if c.kind == TargetKind.PLACEMENT and c.placement == Placement.FEED:
            index.feed.append(c)
        elif c.kind == TargetKind.PLACEMENT and c.placement == Placement.CATEGORY:
            index.by_category.setdefault(c.category_id, []).append(c)
    for term, target_id in AdTargetTerm.objects.filter(target__kind=TargetKind.KEYWORD,
                                                       target_id__in=list(targets)).values_list("term", "target_id"):
        index.by_term.setdefault(term, []).append(targets[target_id])
    campaign_ids = {c.campaign_id for c in targets.values()}
    for ad in (AdProduct.objects.filter(sellable_q(prefix="product"), campaign_id__in=campaign_ids)
               .select_related("product__shop").only(*AD_FIELDS).order_by("pk")):
        index.ads_by_campaign.setdefault(ad.campaign_id, []).append(ad)
        index.titles[ad.pk] = _titles(ad.product)
    shops = {c.shop_id for c in targets.values()}
    index.balances = dict(AdsBalance.objects.filter(shop_id__in=shops).values_list("shop_id", "balance"))
    index.terms = {p: services.placement_terms(p) for p in services.DEFAULT_PLACEMENTS}
    return index


def _titles(product) -> str:
    """The product's title in every language it was written in: a shopper searching 耳机 finds the
    earphones whichever language the page is in (as catalog search does)."""
    from django.conf import settings

    names = [getattr(product, "title_" + code.replace("-", "_"), None)
             for code in getattr(settings, "MODELTRANSLATION_LANGUAGES", ())]
    return " ".join(dict.fromkeys(t for t in [*names, product.title] if t))


_lock = threading.Lock()
_current: ServingIndex | None = None


def current() -> ServingIndex:
    """This process's index, rebuilt first if it is stale (one cache read when it is not)."""
    global _current
    version = cache.get(VERSION_KEY)
    if version is None:  # first use, or the cache was emptied: start a version every process will read
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY) or ""
    index = _current
    if index is not None and index.version == version and time.monotonic() - index.built_at < MAX_AGE:
        return index
    # One thread rebuilds. The others go on with the index they have — never a pause of the whole worker
    # for a rebuild (tens of milliseconds with hundreds of campaigns) — and wait only when there is none yet.
    if not _lock.acquire(blocking=index is None):
        return index
    try:
        index = _current
        if index is None or index.version != version or time.monotonic() - index.built_at >= MAX_AGE:
            index = _current = _build(version)
        return index
    finally:
        _lock.release()


def changed() -> None:
    """What serving may show changed (a campaign, target, bid, promoted product, balance or placement term):
    every process rebuilds its index on its next page. Called inside the change's transaction and again
    after it commits, so a process that rebuilt in between (from the old rows) rebuilds once more."""
    _bump()
    transaction.on_commit(_bump)


def _bump() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def exhausted(campaign_id: int) -> None:
    """A click found the campaign (or its shop's balance) unable to pay: stop serving it now rather than at
    the next rebuild — at most once per MAX_AGE per campaign, whatever the click burst."""
    if cache.add(f"ads:serving:exhausted:{campaign_id}", 1, MAX_AGE):
        _bump()
