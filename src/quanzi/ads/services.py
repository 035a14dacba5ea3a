"""Sponsored-listing use cases: campaigns and their targets and bids, the operator's placement terms,
the ads balance and its top-up through the payment flow, click billing and click refunds.

Lock order (every path takes them in this order, so none deadlocks): the click guard row → the campaign
row (conditional UPDATE of its spend) → the shop's AdsBalance row (conditional UPDATE of the balance).
A top-up takes (payment → top-up → AdsBalance); a refund takes (click → campaign → AdsBalance).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.functions import Greatest
from django.utils.translation import gettext as _

from quanzi.ads import accounts as acct
from quanzi.ads import matching, serving
from quanzi.ads.auction import budget_day
from quanzi.ads.constants import (
    TOPUP_PURPOSE,
    CampaignStatus,
    ClickReason,
    MatchType,
    Placement,
    ReviewStatus,
    TargetKind,
    TopUpStatus,
)
from quanzi.ads.events import AdOrderAttributed
from quanzi.ads.models import (
    AdBid,
    AdCampaign,
    AdClick,
    AdClickGuard,
    AdImpression,
    AdPlacementSetting,
    AdProduct,
    AdsBalance,
    AdTarget,
    AdTargetTerm,
    AdTopUp,
)
from quanzi.ads.states import CAMPAIGN, TOPUP
from quanzi.catalog.selectors import category_exists, product_of_shop, sellable_products
from quanzi.core import clock
from quanzi.core.errors import BusinessRuleViolation, Conflict, Forbidden, NotFound, ValidationFailed
from quanzi.core.events import publish
from quanzi.ledger.selectors import transactions_for
from quanzi.ledger.services import Entry, ledger_post, ledger_reverse
from quanzi.payments.services import payment_create
from quanzi.shops.selectors import shop_for_owner

CLICK_SALT = "quanzi.ads.click"
DEDUPE_WINDOW = dt.timedelta(minutes=30)
DEFAULT_PLACEMENTS = {  # the operator's terms until they save their own (AdPlacementSetting rows)
    Placement.SEARCH: {"reserve_price": 10, "slots": 2, "prior_clicks": 2, "prior_impressions": 100},
    Placement.FEED: {"reserve_price": 10, "slots": 1, "prior_clicks": 1, "prior_impressions": 100},
    Placement.CATEGORY: {"reserve_price": 10, "slots": 2, "prior_clicks": 2, "prior_impressions": 100},
}


def conf(name: str, default: int) -> int:
    return int(settings.QUANZI.get(name, default))


def max_bid() -> int:
    return conf("ADS_MAX_BID", 5000)  # ¥50 per click


def max_keywords() -> int:
    return conf("ADS_MAX_KEYWORDS", 50)


def max_products() -> int:
    return conf("ADS_MAX_PRODUCTS", 20)


def burst_limit() -> int:
    return conf("ADS_BURST_CLICKS_PER_MINUTE", 10)


def impression_ttl() -> dt.timedelta:
    return dt.timedelta(seconds=conf("ADS_IMPRESSION_TTL_SECONDS", 24 * 3600))


def _int(value, field: str, *, low: int, high: int, code: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationFailed(_("%(f)s must be a whole number from %(a)d to %(b)d.") % {"f": field, "a": low, "b": high},
                               code=code, fields={field: f"{low}..{high}"})
    return value


# ---------------------------------------------------------------- placements (operator)

PLACEMENT_CACHE_SECONDS = 30


def _placement_cache_key(placement: str) -> str:
    return f"ads:placement:{placement}"


def placement_terms(placement: str) -> AdPlacementSetting:
    """The operator's terms for a placement (an unsaved row with the defaults when they set none). Cached for
    30 s (serving reads them on every search); `placement_set` drops the cached copy."""
    from django.core.cache import cache

    if placement not in DEFAULT_PLACEMENTS:
        raise ValidationFailed(_("Unknown placement."), code="invalid_placement", fields={"placement": "unknown"})
    values = cache.get(_placement_cache_key(placement))
    if values is None:
        row = AdPlacementSetting.objects.filter(placement=placement).first()
        values = {f: getattr(row, f) for f in DEFAULT_PLACEMENTS[placement]} if row else DEFAULT_PLACEMENTS[placement]
        cache.set(_placement_cache_key(placement), dict(values), PLACEMENT_CACHE_SECONDS)
    return AdPlacementSetting(placement=placement, **values)


@transaction.atomic
def placement_set(*, placement: str, reserve_price: int, slots: int, prior_clicks: int | None = None,
                  prior_impressions: int | None = None) -> AdPlacementSetting:
    """The operator sets a placement's reserve price, slot limit and (optionally) its click-rate prior."""
    current = placement_terms(placement)
    _int(reserve_price, "reserve_price", low=1, high=max_bid(), code="invalid_reserve")
    _int(slots, "slots", low=0, high=10, code="invalid_slots")
    clicks = current.prior_clicks if prior_clicks is None else prior_clicks
    shown = current.prior_impressions if prior_impressions is None else prior_impressions
    _int(clicks, "prior_clicks", low=1, high=10**6, code="invalid_prior")
    _int(shown, "prior_impressions", low=clicks + 1, high=10**7, code="invalid_prior")
    row, _created = AdPlacementSetting.objects.update_or_create(
        placement=placement, defaults={"reserve_price": reserve_price, "slots": slots, "prior_clicks": clicks,
                                       "prior_impressions": shown, "updated_at": clock.now()})
    from django.core.cache import cache

    transaction.on_commit(lambda: cache.delete(_placement_cache_key(placement)))
    cache.delete(_placement_cache_key(placement))
    serving.changed()
    return row


# ---------------------------------------------------------------- campaigns (merchant)

def merchant_shop(user):
    """The shop the user owns (403 `no_shop` otherwise)."""
    shop = shop_for_owner(user=user) if user is not None and user.is_authenticated else None
    if shop is None:
        raise Forbidden(_("Open a shop first."), code="no_shop")
    return shop


def campaign_for_shop(*, shop, number: str, lock: bool = False) -> AdCampaign:
    """The shop's campaign with this number; another shop's (or none) is a 404."""
    qs = AdCampaign.objects.filter(shop=shop, number=str(number)[:16])
    if lock:
        qs = qs.select_for_update()
    campaign = qs.first()
    if campaign is None:
        raise NotFound(_("Campaign not found."), code="campaign_not_found")
    return campaign


def _budgets(daily_budget, total_budget) -> None:
    _int(daily_budget, "daily_budget", low=conf("ADS_MIN_DAILY_BUDGET", 100), high=10**9, code="invalid_budget")
    _int(total_budget, "total_budget", low=1, high=10**10, code="invalid_budget")
    if total_budget < daily_budget:
        raise ValidationFailed(_("The total budget cannot be less than the daily budget."), code="invalid_budget",
                               fields={"total_budget": f"min {daily_budget}"})


def _schedule(starts_at, ends_at) -> None:
    for name, value in (("starts_at", starts_at), ("ends_at", ends_at)):
        if value is not None and (not isinstance(value, dt.datetime) or value.tzinfo is None):
            raise ValidationFailed(_("Give a date and time with a time zone."), code="invalid_schedule",
                                   fields={name: "ISO-8601 with offset"})
    if starts_at and ends_at and ends_at <= starts_at:
        raise ValidationFailed(_("The campaign must end after it starts."), code="invalid_schedule",
                               fields={"ends_at": "after starts_at"})


def _name(name) -> str:
    text = str(name or "").strip()
    if not 1 <= len(text) <= 40:
        raise ValidationFailed(_("Give the campaign a name of up to 40 characters."), code="invalid_name",
                               fields={"name": "1..40"})
    return text


def _check_bid(max_cpc, placement: str) -> int:
    if isinstance(max_cpc, bool) or not isinstance(max_cpc, int):
        raise ValidationFailed(_("A bid is a whole number of fen."), code="invalid_bid", fields={"max_cpc": "integer"})
    reserve = placement_terms(placement).reserve_price
    if max_cpc < reserve:
        raise BusinessRuleViolation(_("The bid is below this placement's reserve price of ¥%(y)s.")
                                    % {"y": f"{reserve / 100:.2f}"}, code="bid_below_reserve",
                                    fields={"max_cpc": f"min {reserve}"})
    if max_cpc > max_bid():
        raise BusinessRuleViolation(_("The bid is above the cap of ¥%(y)s per click.") % {"y": f"{max_bid() / 100:.2f}"},
                                    code="bid_above_cap", fields={"max_cpc": f"max {max_bid()}"})
    return max_cpc


def _add_products(campaign: AdCampaign, product_ids) -> int:
    if not isinstance(product_ids, list | tuple) or not product_ids:
        raise ValidationFailed(_("Choose at least one product to promote."), code="no_products",
                               fields={"product_ids": "required"})
    ids = list(dict.fromkeys(product_ids))
    if len(ids) > max_products():
        raise ValidationFailed(_("A campaign promotes at most %(n)d products.") % {"n": max_products()},
                               code="too_many_products", fields={"product_ids": f"max {max_products()}"})
    for pid in ids:
        if isinstance(pid, bool) or not isinstance(pid, int) or product_of_shop(shop_id=campaign.shop_id,
                                                                              product_id=pid) is None:
            raise NotFound(_("Product not found in your shop."), code="product_not_found",
                           fields={"product_ids": str(pid)[:20]})
    sellable = set(sellable_products().filter(pk__in=ids).values_list("pk", flat=True))
    off = [pid for pid in ids if pid not in sellable]
    if off:
        raise BusinessRuleViolation(_("Only products on the shelf can be promoted."), code="product_not_sellable",
                                    fields={"product_ids": ",".join(str(p) for p in off)[:100]})
    have = set(AdProduct.objects.filter(campaign=campaign).values_list("product_id", flat=True))
    new = [AdProduct(campaign=campaign, product_id=pid) for pid in ids if pid not in have]
    AdProduct.objects.bulk_create(new)
    return len(new)


def _keyword_target(campaign: AdCampaign, item) -> AdTarget:
    if not isinstance(item, dict):
        raise ValidationFailed(_("A keyword needs a word, a match type and a bid."), code="invalid_keyword")
    keyword = matching.normalize(item.get("keyword", ""))
    if not 1 <= len(keyword) <= conf("ADS_MAX_KEYWORD_CHARS", 20) or not matching.index_terms(keyword):
        raise ValidationFailed(_("A keyword is 1 to %(n)d characters of words.") % {"n": conf("ADS_MAX_KEYWORD_CHARS", 20)},
                               code="invalid_keyword", fields={"keyword": str(item.get("keyword", ""))[:40]})
    match_type = item.get("match_type", MatchType.BROAD)
    if match_type not in MatchType.values:
        raise ValidationFailed(_("The match type is exact, phrase or broad."), code="invalid_match_type",
                               fields={"match_type": "exact|phrase|broad"})
    max_cpc = _check_bid(item.get("max_cpc"), Placement.SEARCH)
    if AdTarget.objects.filter(campaign=campaign, kind=TargetKind.KEYWORD, keyword=keyword,
                               match_type=match_type).exists():
        raise Conflict(_("This keyword is already in the campaign."), code="keyword_exists",
                       fields={"keyword": keyword})
    if AdTarget.objects.filter(campaign=campaign, kind=TargetKind.KEYWORD).count() >= max_keywords():
        raise BusinessRuleViolation(_("A campaign has at most %(n)d keywords.") % {"n": max_keywords()},
                                    code="too_many_keywords", fields={"keywords": f"max {max_keywords()}"})
    target = AdTarget.objects.create(campaign=campaign, kind=TargetKind.KEYWORD, keyword=keyword,
                                     match_type=match_type, placement=Placement.SEARCH)
    AdTargetTerm.objects.bulk_create([AdTargetTerm(target=target, term=t) for t in matching.index_terms(keyword)])
    AdBid.objects.create(target=target, max_cpc=max_cpc)
    return target


def _placement_target(campaign: AdCampaign, item) -> AdTarget:
    if not isinstance(item, dict) or item.get("placement") not in (Placement.FEED, Placement.CATEGORY):
        raise ValidationFailed(_("A placement is the feed or a category."), code="invalid_placement",
                               fields={"placement": "feed|category"})
    placement = item["placement"]
    category_id = item.get("category_id")
    if placement == Placement.CATEGORY:
        if isinstance(category_id, bool) or not isinstance(category_id, int) or not category_exists(
                category_id=category_id):
            raise ValidationFailed(_("Choose a category."), code="invalid_category", fields={"category_id": "unknown"})
    else:
        category_id = None
    max_cpc = _check_bid(item.get("max_cpc"), placement)
    exists = AdTarget.objects.filter(campaign=campaign, kind=TargetKind.PLACEMENT, placement=placement,
                                     category_id=category_id).exists()
    if exists:
        raise Conflict(_("This placement is already in the campaign."), code="placement_exists")
    target = AdTarget.objects.create(campaign=campaign, kind=TargetKind.PLACEMENT, placement=placement,
                                     category_id=category_id)
    AdBid.objects.create(target=target, max_cpc=max_cpc)
    return target


@transaction.atomic
def campaign_create(*, user, name: str, daily_budget: int, total_budget: int, product_ids: list[int],
                    keywords: list[dict] = (), placements: list[dict] = (), starts_at: dt.datetime | None = None,
                    ends_at: dt.datetime | None = None) -> AdCampaign:
    """A merchant creates a campaign (a draft): the products to promote, keywords (word, match type, max
    CPC) and placements (feed or a category, max CPC), budgets in fen and a schedule."""
    shop = merchant_shop(user)
    name = _name(name)
    _budgets(daily_budget, total_budget)
    _schedule(starts_at, ends_at)
    keywords, placements = list(keywords or []), list(placements or [])
    if len(keywords) > max_keywords():
        raise BusinessRuleViolation(_("A campaign has at most %(n)d keywords.") % {"n": max_keywords()},
                                    code="too_many_keywords", fields={"keywords": f"max {max_keywords()}"})
    now = clock.now()
    campaign = AdCampaign.objects.create(shop=shop, name=name, daily_budget=daily_budget, total_budget=total_budget,
                                         starts_at=starts_at or now, ends_at=ends_at, created_at=now, updated_at=now)
    _add_products(campaign, product_ids)
    for item in keywords:
        _keyword_target(campaign, item)
    for item in placements:
        _placement_target(campaign, item)
    serving.changed()
    return campaign


@transaction.atomic
def campaign_update(*, user, number: str, name: str | None = None, daily_budget: int | None = None,
                    total_budget: int | None = None, ends_at: dt.datetime | None = None,
                    product_ids: list[int] | None = None) -> AdCampaign:
    """Edit a campaign that has not ended: its name, budgets (never below what is already spent), end and
    products (added; products already promoted stay)."""
    shop = merchant_shop(user)
    campaign = campaign_for_shop(shop=shop, number=number, lock=True)
    if campaign.status == CampaignStatus.ENDED:
        raise Conflict(_("An ended campaign cannot be changed."), code="campaign_ended")
    if name is not None:
        campaign.name = _name(name)
    daily = campaign.daily_budget if daily_budget is None else daily_budget
    total = campaign.total_budget if total_budget is None else total_budget
    _budgets(daily, total)
    spent_today = campaign.spent_on(budget_day(clock.now()))
    if total < campaign.spent or daily < spent_today:
        raise BusinessRuleViolation(_("A budget cannot go below what has already been spent."),
                                    code="budget_below_spend",
                                    fields={"total_budget": f"min {campaign.spent}", "daily_budget": f"min {spent_today}"})
    campaign.daily_budget, campaign.total_budget = daily, total
    if ends_at is not None:
        _schedule(campaign.starts_at, ends_at)
        campaign.ends_at = ends_at
    if product_ids is not None and _add_products(campaign, product_ids):
        _send_for_review(campaign)
    campaign.updated_at = clock.now()
    campaign.save()
    serving.changed()
    return campaign


def is_promoted(*, product_id: int) -> bool:
    return AdProduct.objects.filter(product_id=product_id).exists()


def shop_advertises(*, shop_id: int) -> bool:
    return AdCampaign.objects.filter(shop_id=shop_id).exists()


def shop_balance(*, shop_id: int) -> int:
    return AdsBalance.objects.filter(shop_id=shop_id).values_list("balance", flat=True).first() or 0


@transaction.atomic
def campaign_set_status(*, user, number: str, status: str) -> AdCampaign:
    """Activate (or resume), pause or end a campaign. Activating needs an ads balance, a product and a target."""
    shop = merchant_shop(user)
    campaign = campaign_for_shop(shop=shop, number=number, lock=True)
    if status not in CampaignStatus.values:
        raise ValidationFailed(_("Unknown status."), code="invalid_status", fields={"status": str(status)[:20]})
    if campaign.status == status:
        return campaign
    CAMPAIGN.check(campaign.status, status)
    if status == CampaignStatus.ACTIVE:
        if shop_balance(shop_id=shop.pk) <= 0:
            raise BusinessRuleViolation(_("Top up your ads balance before starting a campaign."),
                                        code="insufficient_balance")
        if not AdTarget.objects.filter(campaign=campaign).exists():
            raise BusinessRuleViolation(_("Add a keyword or a placement first."), code="no_targets")
        if campaign.ends_at and campaign.ends_at <= clock.now():
            raise BusinessRuleViolation(_("This campaign's end time has passed."), code="campaign_over")
    campaign.status = status
    campaign.updated_at = clock.now()
    campaign.save(update_fields=["status", "updated_at"])
    serving.changed()
    return campaign


@transaction.atomic
def target_add(*, user, number: str, keyword: dict | None = None, placement: dict | None = None) -> AdTarget:
    shop = merchant_shop(user)
    campaign = campaign_for_shop(shop=shop, number=number, lock=True)
    if campaign.status == CampaignStatus.ENDED:
        raise Conflict(_("An ended campaign cannot be changed."), code="campaign_ended")
    if (keyword is None) == (placement is None):
        raise ValidationFailed(_("Add either a keyword or a placement."), code="invalid_target")
    target = _keyword_target(campaign, keyword) if keyword is not None else _placement_target(campaign, placement)
    _send_for_review(campaign)
    campaign.save(update_fields=["review", "review_note", "submitted_at"])
    serving.changed()
    return target


def _target_of(shop, number: str, target_id: int) -> AdTarget:
    campaign = campaign_for_shop(shop=shop, number=number, lock=True)
    target = AdTarget.objects.select_related("bid").filter(campaign=campaign, pk=target_id).first() \
        if isinstance(target_id, int) and not isinstance(target_id, bool) else None
    if target is None:
        raise NotFound(_("Target not found."), code="target_not_found")
    if campaign.status == CampaignStatus.ENDED:
        raise Conflict(_("An ended campaign cannot be changed."), code="campaign_ended")
    return target


@transaction.atomic
def bid_set(*, user, number: str, target_id: int, max_cpc: int) -> AdBid:
    """Change the max cost per click of one target (it applies from the next auction)."""
    target = _target_of(merchant_shop(user), number, target_id)
    target.bid.max_cpc = _check_bid(max_cpc, target.placement)
    target.bid.updated_at = clock.now()
    target.bid.save(update_fields=["max_cpc", "updated_at"])
    serving.changed()
    return target.bid


@transaction.atomic
def target_remove(*, user, number: str, target_id: int) -> None:
    _target_of(merchant_shop(user), number, target_id).delete()
    serving.changed()


# ---------------------------------------------------------------- policy review (operator)

def _send_for_review(campaign: AdCampaign) -> None:
    """What the campaign shows changed (a product, keyword or placement added): back in the operator's
    queue, and not served until approved again. The caller saves."""
    if campaign.review != ReviewStatus.PENDING:
        campaign.review, campaign.review_note, campaign.submitted_at = ReviewStatus.PENDING, "", clock.now()


@transaction.atomic
def campaign_resubmit(*, user, number: str) -> AdCampaign:
    """The merchant changed a campaign the operator did not approve (say, removed the keyword the note named)
    and sends it for review again. Only a rejected campaign can be sent back (409 otherwise)."""
    campaign = campaign_for_shop(shop=merchant_shop(user), number=number, lock=True)
    if campaign.status == CampaignStatus.ENDED:
        raise Conflict(_("An ended campaign cannot be changed."), code="campaign_ended")
    if campaign.review != ReviewStatus.REJECTED:
        raise Conflict(_("Only a campaign that was not approved can be sent for review again."),
                       code="not_rejected")
    _send_for_review(campaign)
    campaign.updated_at = clock.now()
    campaign.save(update_fields=["review", "review_note", "submitted_at", "updated_at"])
    return campaign


@transaction.atomic
def campaign_review(*, reviewer, number: str, decision: str, note: str = "") -> AdCampaign:
    """The operator approves a campaign (it may be served from the next auction) or rejects it with a note
    the merchant reads (what breaks the advertising policy: a banned claim in a keyword, a product that may
    not be advertised). Only a campaign in review can be decided; deciding twice is a 409."""
    if not getattr(reviewer, "is_staff", False):
        raise Forbidden(_("Operators only."), code="staff_only")
    if decision not in (ReviewStatus.APPROVED, ReviewStatus.REJECTED):
        raise ValidationFailed(_("Approve or reject."), code="invalid_decision", fields={"decision": str(decision)[:20]})
    note = str(note or "").strip()[:200]
    if decision == ReviewStatus.REJECTED and not note:
        raise ValidationFailed(_("Tell the merchant why the campaign was not approved."), code="note_required",
                               fields={"note": "required"})
    campaign = AdCampaign.objects.select_for_update().filter(number=str(number)[:16]).first()
    if campaign is None:
        raise NotFound(_("Campaign not found."), code="campaign_not_found")
    if campaign.review != ReviewStatus.PENDING:
        raise Conflict(_("This campaign has already been reviewed."), code="already_reviewed")
    now = clock.now()
    campaign.review, campaign.review_note, campaign.reviewed_at, campaign.reviewed_by = decision, note, now, reviewer
    campaign.updated_at = now
    campaign.save(update_fields=["review", "review_note", "reviewed_at", "reviewed_by", "updated_at"])
    serving.changed()
    return campaign


# ---------------------------------------------------------------- ads balance and top-up

def _lock_balance(shop_id: int) -> AdsBalance:
    AdsBalance.objects.get_or_create(shop_id=shop_id)
    return AdsBalance.objects.select_for_update().get(shop_id=shop_id)


@transaction.atomic
def topup_start(*, user, amount: int):
    """Open a payment (purpose `ads_topup`) that credits the shop's ads balance when captured: the normal
    cashier and provider flow. Returns (top-up, payment)."""
    shop = merchant_shop(user)
    _int(amount, "amount", low=conf("ADS_TOPUP_MIN", 1000), high=conf("ADS_TOPUP_MAX", 10_000_000),
         code="invalid_amount")
    topup = AdTopUp.objects.create(shop=shop, user=user, amount=amount, created_at=clock.now())
    payment = payment_create(user=user, purpose=TOPUP_PURPOSE, items=[{"ref": topup.number, "amount": amount}],
                             subject=_("Ads balance top-up"))
    topup.payment_number = payment.number
    topup.save(update_fields=["payment_number"])
    return topup, payment


@transaction.atomic
def topup_credit(*, topup_number: str, payment_number: str, amount: int) -> bool:
    """`payment.captured` for a top-up: credit the ads balance exactly once (clearing → ads prepaid).
    Returns whether it credited now."""
    topup = AdTopUp.objects.select_for_update().filter(number=topup_number, payment_number=payment_number).first()
    if topup is None or topup.status == TopUpStatus.PAID or topup.amount != amount:
        return False
    balance = _lock_balance(topup.shop_id)
    now = clock.now()
    TOPUP.check(topup.status, TopUpStatus.PAID)
    topup.status, topup.paid_at = TopUpStatus.PAID, now
    topup.save(update_fields=["status", "paid_at"])
    ledger_post(key=f"ads-topup:{topup.number}", kind="ads.topup", ref_type="ads_topup", ref_id=topup.number,
                entries=[Entry(acct.CLEARING, amount), Entry(acct.ads_prepaid(topup.shop_id), -amount)])
    AdsBalance.objects.filter(pk=balance.pk).update(balance=F("balance") + amount, updated_at=now)
    serving.changed()
    return True


# ---------------------------------------------------------------- clicks

def click_token(impression_id: int) -> str:
    """The signed click id of an impression (what the sponsored result's link carries)."""
    return signing.Signer(salt=CLICK_SALT).sign(str(impression_id))


def impression_for_token(token: str) -> AdImpression:
    """The impression a click id names; a forged, altered or unknown id is a 400 `invalid_click_id`."""
    bad = ValidationFailed(_("This link is not valid."), code="invalid_click_id", fields={"click_id": "invalid"})
    if not isinstance(token, str) or not 3 <= len(token) <= 200:
        raise bad
    try:
        raw = signing.Signer(salt=CLICK_SALT).unsign(token)
    except signing.BadSignature:
        raise bad from None
    if not raw.isdigit() or len(raw) > 18:
        raise bad
    impression = AdImpression.objects.select_related("campaign__shop", "ad").filter(pk=int(raw)).first()
    if impression is None:
        raise bad
    return impression


def is_bot(user_agent: str) -> bool:
    from quanzi.core.http import is_bot_agent

    return is_bot_agent(user_agent)


def visitor_key(*, user, device: str) -> str:
    if user is not None and getattr(user, "is_authenticated", False):
        return f"u{user.pk}"
    return f"d{device[:32]}"


class _NotBilled(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _precheck(impression: AdImpression, *, user, device: str, ip: str, user_agent: str, now) -> str:
    """The invalid-traffic rules that need no lock; '' when the click may be billed."""
    signed_in = user is not None and getattr(user, "is_authenticated", False)
    if is_bot(user_agent):
        return ClickReason.BOT
    if signed_in and user.pk == impression.campaign.shop.owner_id:
        return ClickReason.SELF_CLICK
    same_visitor = (signed_in and impression.viewer_id == user.pk) or (bool(device) and impression.device == device)
    if not same_visitor:
        return ClickReason.NO_IMPRESSION
    if now - impression.created_at > impression_ttl():
        return ClickReason.STALE
    if ip and AdClick.objects.filter(ip=ip, created_at__gt=now - dt.timedelta(minutes=1)).count() >= burst_limit():
        return ClickReason.BURST
    return ""


def _take_guard(key: str, now) -> None:
    """Claim the (visitor, ad) guard for a billed click, or raise _NotBilled(duplicate)."""
    if AdClickGuard.objects.filter(key=key, billed_at__lte=now - DEDUPE_WINDOW).update(billed_at=now):
        return
    try:
        with transaction.atomic():
            AdClickGuard.objects.create(key=key, billed_at=now)
    except IntegrityError:
        raise _NotBilled(ClickReason.DUPLICATE) from None


def _charge(campaign_id: int, shop_id: int, price: int, now) -> None:
    """Move the campaign's spend and the shop's balance by `price` with conditional UPDATEs, or raise
    _NotBilled: the budgets and the balance can never be passed, however many clicks race."""
    today = budget_day(now)
    moved = AdCampaign.objects.filter(
        Q(spend_day__isnull=True) | ~Q(spend_day=today) | Q(spent_day__lte=F("daily_budget") - price),
        pk=campaign_id, status=CampaignStatus.ACTIVE, spent__lte=F("total_budget") - price, daily_budget__gte=price,
    ).update(spent=F("spent") + price, spend_day=today, updated_at=now,
             spent_day=_spent_day_after(today, price))
    if not moved:
        active = AdCampaign.objects.filter(pk=campaign_id, status=CampaignStatus.ACTIVE).exists()
        raise _NotBilled(ClickReason.BUDGET if active else ClickReason.INACTIVE)
    if not AdsBalance.objects.filter(shop_id=shop_id, balance__gte=price).update(balance=F("balance") - price,
                                                                                 updated_at=now):
        raise _NotBilled(ClickReason.BALANCE)


def _spent_day_after(today, price: int):
    from django.db.models import Case, Value, When

    return Case(When(spend_day=today, then=F("spent_day") + price), default=Value(price))


def click_record(*, token: str, user=None, device: str = "", ip: str = "", user_agent: str = "") -> AdClick:
    """A shopper clicked a sponsored result. Records the click and bills it — one ledger transaction from
    the shop's ads balance to the platform's ads revenue — unless an invalid-traffic rule or the budget says
    no (`reason`). A forged or unknown click id raises `invalid_click_id` and records nothing."""
    impression = impression_for_token(token)
    now = clock.now()
    device, ip, user_agent = str(device or "")[:32], str(ip or "")[:45], str(user_agent or "")[:200]
    signed_in = user is not None and getattr(user, "is_authenticated", False)
    reason = _precheck(impression, user=user, device=device, ip=ip, user_agent=user_agent, now=now)
    campaign = impression.campaign
    with transaction.atomic():
        click = AdClick(impression=impression, campaign=campaign, ad=impression.ad, viewer=user if signed_in else None,
                        device=device, ip=ip, user_agent=user_agent, created_at=now)
        if not reason:
            try:
                with transaction.atomic():
                    _take_guard(f"{visitor_key(user=user, device=device)}:{impression.ad_id}", now)
                    _charge(campaign.pk, campaign.shop_id, impression.price, now)
                    click.billed, click.price = True, impression.price
                    click.save(force_insert=True)
                    ledger_post(key=f"ad-click:{click.pk}", kind="ads.click", ref_type="ad_click", ref_id=click.pk,
                                entries=[Entry(acct.ads_prepaid(campaign.shop_id), impression.price),
                                         Entry(acct.ADS_REVENUE, -impression.price)])
                    AdProduct.objects.filter(pk=impression.ad_id).update(clicks=F("clicks") + 1)
            except _NotBilled as stop:
                reason = stop.reason
                click.pk, click.billed, click.price = None, False, 0
        if reason:
            click.reason = reason
            click.save(force_insert=True)
    if reason in (ClickReason.BUDGET, ClickReason.BALANCE, ClickReason.INACTIVE):
        serving.exhausted(campaign.pk)
    return click


@transaction.atomic
def click_refund(*, click_id: int, note: str = "") -> AdClick:
    """The operator refunds a billed click found invalid: the click's ledger transaction is reversed, the
    campaign's spend (and that day's, if it is still the campaign's spend day) and the shop's balance go
    back. Idempotent: a refunded click is returned unchanged; an unbilled one is a 409."""
    click = AdClick.objects.select_for_update().filter(pk=click_id).first() \
        if isinstance(click_id, int) and not isinstance(click_id, bool) else None
    if click is None:
        raise NotFound(_("Click not found."), code="click_not_found")
    if click.refunded_at is not None:
        return click
    if not click.billed:
        raise Conflict(_("This click was not billed."), code="click_not_billed")
    now = clock.now()
    [txn] = [t for t in transactions_for(ref_type="ad_click", ref_id=str(click.pk)) if t.reverses_id is None]
    ledger_reverse(txn=txn, key=f"ad-click-refund:{click.pk}", memo=str(note)[:200])
    day = budget_day(click.created_at)
    campaign = AdCampaign.objects.select_for_update().get(pk=click.campaign_id)
    campaign.spent -= click.price
    if campaign.spend_day == day:
        campaign.spent_day = max(campaign.spent_day - click.price, 0)
    campaign.updated_at = now
    campaign.save(update_fields=["spent", "spent_day", "updated_at"])
    _lock_balance(campaign.shop_id)
    AdsBalance.objects.filter(shop_id=campaign.shop_id).update(balance=F("balance") + click.price, updated_at=now)
    AdProduct.objects.filter(pk=click.ad_id).update(clicks=Greatest(F("clicks") - 1, 0))
    click.refunded_at, click.refund_note = now, str(note)[:200]
    click.save(update_fields=["refunded_at", "refund_note"])
    serving.changed()
    return click


# ---------------------------------------------------------------- attribution (orders within 7 days of a click)

ATTRIBUTION_WINDOW = dt.timedelta(days=7)


@transaction.atomic
def conversions_record(*, order_id: int) -> int:
    """`order.paid`: each line of the order whose product the buyer clicked in a sponsored result (a billed,
    unrefunded click) within the 7 days before paying is attributed to that click's campaign (the latest
    click wins). Idempotent per line. Returns the lines attributed now."""
    from quanzi.ads.models import AdConversion
    from quanzi.orders.selectors import order_lines_of, orders_by_id

    order = orders_by_id(order_ids=[order_id], paid_only=True).get(order_id)
    if order is None:
        return 0
    lines = order_lines_of(order_ids=[order_id])
    clicks = (AdClick.objects.filter(viewer_id=order.user_id, billed=True, refunded_at__isnull=True,
                                     created_at__gte=order.paid_at - ATTRIBUTION_WINDOW,
                                     created_at__lte=order.paid_at,
                                     ad__product_id__in={ln.product_id for ln in lines})
              .select_related("ad").order_by("-created_at", "-pk"))
    latest: dict[int, AdClick] = {}
    for click in clicks:
        latest.setdefault(click.ad.product_id, click)
    done = set(AdConversion.objects.filter(order_id=order_id).values_list("order_line_id", flat=True))
    rows = [AdConversion(click=latest[ln.product_id], campaign_id=latest[ln.product_id].campaign_id, order_line=ln,
                         order_id=order_id, amount=ln.line_total, created_at=order.paid_at)
            for ln in lines if ln.product_id in latest and ln.pk not in done]
    if rows:
        with transaction.atomic():
            AdConversion.objects.bulk_create(rows, ignore_conflicts=True)
            publish(AdOrderAttributed(order_id=order_id, shop_id=order.shop_id, user_id=order.user_id,
                                      lines=[{"line_id": r.order_line.pk, "campaign_id": r.campaign_id, "amount": r.amount}
                                             for r in rows]))
    return len(rows)


@transaction.atomic
def campaign_stop(*, campaign_id: int) -> AdCampaign:
    """The operator ends a campaign that breaks the advertising policy (review). Idempotent."""
    campaign = AdCampaign.objects.select_for_update().filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFound(_("Campaign not found."), code="campaign_not_found")
    if campaign.status != CampaignStatus.ENDED:
        CAMPAIGN.check(campaign.status, CampaignStatus.ENDED)
        campaign.status, campaign.updated_at = CampaignStatus.ENDED, clock.now()
        campaign.save(update_fields=["status", "updated_at"])
        serving.changed()
    return campaign
