"""Sponsored listings API (/api/v1/ads): the merchant's campaigns, targets and bids, balance and top-up,
reports; serving sponsored search results and recording clicks; the operator's placement terms, click
list and click refunds. Another shop's campaign answers 404; errors: the one error shape. Money is
integer fen."""

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Schema

from quanzi.accounts.auth import auth, optional_auth
from quanzi.ads import selectors, services
from quanzi.ads.auction import budget_day
from quanzi.ads.models import AdCampaign, AdClick, AdTarget
from quanzi.core import clock
from quanzi.core.errors import Forbidden
from quanzi.core.http import client_fingerprint, idempotent, iso, money_json
from quanzi.payments.services import payment_pay_url

router = Router(tags=["ads"])


def money(v: int) -> dict:
    return money_json(int(v))


class AdKeywordIn(Schema):
    keyword: str
    match_type: str = "broad"
    max_cpc: int


class AdPlacementIn(Schema):
    placement: str
    category_id: int | None = None
    max_cpc: int


class AdCampaignIn(Schema):
    name: str
    daily_budget: int
    total_budget: int
    product_ids: list[int]
    keywords: list[AdKeywordIn] = []
    placements: list[AdPlacementIn] = []
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None


class AdCampaignPatch(Schema):
    name: str | None = None
    daily_budget: int | None = None
    total_budget: int | None = None
    ends_at: dt.datetime | None = None
    product_ids: list[int] | None = None


class AdTargetIn(Schema):
    keyword: AdKeywordIn | None = None
    placement: AdPlacementIn | None = None


class AdBidIn(Schema):
    max_cpc: int


class AdTopUpIn(Schema):
    amount: int


class AdClickIn(Schema):
    click_id: str


class AdRefundIn(Schema):
    note: str = ""


class AdReviewIn(Schema):
    decision: str  # "approved" or "rejected"
    note: str = ""  # required when rejected: the merchant reads it


class AdPlacementTermsIn(Schema):
    reserve_price: int
    slots: int
    prior_clicks: int | None = None
    prior_impressions: int | None = None


def target_out(t: AdTarget) -> dict:
    return {"id": t.pk, "kind": t.kind, "keyword": t.keyword, "match_type": t.match_type, "placement": t.placement,
            "category_id": t.category_id, "max_cpc": money(t.bid.max_cpc)}


def campaign_out(c: AdCampaign, *, detail: bool = False) -> dict:
    out = {"number": c.number, "name": c.name, "status": c.status, "review": c.review, "review_note": c.review_note,
           "daily_budget": money(c.daily_budget),
           "total_budget": money(c.total_budget), "spent": money(c.spent),
           "spent_today": money(c.spent_on(budget_day(clock.now()))),
           "starts_at": iso(c.starts_at), "ends_at": iso(c.ends_at), "created_at": iso(c.created_at)}
    if detail:
        out["products"] = [{"product_id": p.product_id, "title": p.product.title, "impressions": p.impressions,
                            "clicks": p.clicks} for p in selectors.campaign_products(campaign=c)]
        out["targets"] = [target_out(t) for t in selectors.campaign_targets(campaign=c)]
    return out


def _mine(request, number: str) -> AdCampaign:
    return services.campaign_for_shop(shop=services.merchant_shop(request.auth), number=number)


# ---------------------------------------------------------------- merchant: balance

@router.get("/balance", auth=auth, summary="Merchant: the shop's ads balance and its recent top-ups")
def balance(request):
    a = selectors.shop_ads_account(shop=services.merchant_shop(request.auth))
    return {"balance": money(a["balance"]), "topped_up": money(a["paid_total"]),
            "topups": [{"number": t.number, "amount": money(t.amount), "status": t.status,
                        "created_at": iso(t.created_at), "paid_at": iso(t.paid_at)} for t in a["topups"]]}


@router.post("/topups", auth=auth, response={201: dict},
             summary="Merchant: top up the ads balance; returns the payment to open (Idempotency-Key supported)")
@idempotent("ads-topup")
def topup(request, payload: AdTopUpIn):
    row, payment = services.topup_start(user=request.auth, amount=payload.amount)
    return 201, {"topup_number": row.number, "amount": money(row.amount),
                 "payment": {"payment_number": payment.number, "amount": money(payment.amount),
                             "pay_url": payment_pay_url(payment=payment)}}


# ---------------------------------------------------------------- merchant: campaigns

@router.get("/campaigns", auth=auth, summary="Merchant: the shop's campaigns (cursor-paginated, newest first)")
def campaigns(request, cursor: str | None = None, limit: int = 20):
    items, nxt = selectors.shop_campaign_page(shop=services.merchant_shop(request.auth), cursor=cursor, limit=limit)
    return {"items": [campaign_out(c) for c in items], "next_cursor": nxt}


@router.post("/campaigns", auth=auth, response={201: dict},
             summary="Merchant: create a campaign (a draft): products, keywords, placements, budgets, schedule")
def campaign_create(request, payload: AdCampaignIn):
    c = services.campaign_create(user=request.auth, name=payload.name, daily_budget=payload.daily_budget,
                                 total_budget=payload.total_budget, product_ids=payload.product_ids,
                                 keywords=[k.model_dump() for k in payload.keywords],
                                 placements=[p.model_dump() for p in payload.placements],
                                 starts_at=payload.starts_at, ends_at=payload.ends_at)
    return 201, campaign_out(c, detail=True)


@router.get("/campaigns/{number}", auth=auth, summary="Merchant: one campaign with its products, targets and bids")
def campaign_detail(request, number: str):
    return campaign_out(_mine(request, number), detail=True)


@router.patch("/campaigns/{number}", auth=auth, summary="Merchant: edit name, budgets, end or add products")
def campaign_update(request, number: str, payload: AdCampaignPatch):
    c = services.campaign_update(user=request.auth, number=number, name=payload.name,
                                 daily_budget=payload.daily_budget, total_budget=payload.total_budget,
                                 ends_at=payload.ends_at, product_ids=payload.product_ids)
    return campaign_out(c, detail=True)


def _status(request, number: str, status: str) -> dict:
    return campaign_out(services.campaign_set_status(user=request.auth, number=number, status=status))


@router.post("/campaigns/{number}/activate", auth=auth, summary="Merchant: start or resume (needs an ads balance)")
def campaign_activate(request, number: str):
    return _status(request, number, "active")


@router.post("/campaigns/{number}/pause", auth=auth, summary="Merchant: pause")
def campaign_pause(request, number: str):
    return _status(request, number, "paused")


@router.post("/campaigns/{number}/end", auth=auth, summary="Merchant: end for good")
def campaign_end(request, number: str):
    return _status(request, number, "ended")


@router.post("/campaigns/{number}/resubmit", auth=auth,
             summary="Merchant: send a campaign that was not approved for review again")
def campaign_resubmit(request, number: str):
    return campaign_out(services.campaign_resubmit(user=request.auth, number=number))


@router.post("/campaigns/{number}/targets", auth=auth, response={201: dict},
             summary="Merchant: add a keyword (with match type) or a placement, with its max CPC")
def target_add(request, number: str, payload: AdTargetIn):
    t = services.target_add(user=request.auth, number=number,
                            keyword=payload.keyword.model_dump() if payload.keyword else None,
                            placement=payload.placement.model_dump() if payload.placement else None)
    return 201, target_out(AdTarget.objects.select_related("bid").get(pk=t.pk))


@router.put("/campaigns/{number}/targets/{target_id}/bid", auth=auth, summary="Merchant: change a target's max CPC")
def bid_set(request, number: str, target_id: int, payload: AdBidIn):
    bid = services.bid_set(user=request.auth, number=number, target_id=target_id, max_cpc=payload.max_cpc)
    return {"target_id": target_id, "max_cpc": money(bid.max_cpc)}


@router.delete("/campaigns/{number}/targets/{target_id}", auth=auth, response={204: None},
               summary="Merchant: remove a target")
def target_remove(request, number: str, target_id: int):
    services.target_remove(user=request.auth, number=number, target_id=target_id)
    return 204, None


@router.get("/campaigns/{number}/report", auth=auth,
            summary="Merchant: impressions, clicks, CTR, spend, average CPC, attributed orders and GMV (ROAS), by day")
def campaign_report(request, number: str):
    r = selectors.campaign_report(campaign=_mine(request, number))
    return {"number": number, "impressions": r["impressions"], "clicks": r["clicks"], "ctr_bps": r["ctr_bps"],
            "spend": money(r["spend"]), "avg_cpc": money(r["avg_cpc"]), "orders": r["orders"], "gmv": money(r["gmv"]),
            "roas_bps": r["roas_bps"], "invalid_clicks": r["invalid_clicks"], "refunded_clicks": r["refunded_clicks"],
            "days": [{**d, "spend": money(d["spend"])} for d in r["days"]]}


# ---------------------------------------------------------------- shoppers: serving and clicks

def _viewer(request):
    return request.auth if request.auth is not True else None


@router.get("/search", auth=optional_auth,
            summary="Sponsored results for a search query (each marked 广告 with the advertiser; links carry a "
                    "signed click id)")
def sponsored_search(request, q: str = "", limit: int = 2):
    ads = selectors.sponsored_for_search(query=q[:200], limit=max(0, min(limit, 10)), viewer=_viewer(request),
                                         device=client_fingerprint(request)["device"])
    return {"query": q[:60], "items": [{
        "label": _("Ad"), "advertiser": a.advertiser, "rank": a.rank, "click_id": a.click_token,
        "product": {"id": a.product.pk, "title": a.product.title, "price": money(a.product.min_price),
                    "cover": a.product.cover_thumb or a.product.cover},
        "why": a.why} for a in ads]}


@router.post("/clicks", auth=optional_auth, response={201: dict},
             summary="Record a click on a sponsored result; billed unless invalid (reason says why)")
def click(request, payload: AdClickIn):
    fp = client_fingerprint(request)
    c = services.click_record(token=payload.click_id, user=_viewer(request), device=fp["device"], ip=fp["ip"],
                              user_agent=request.META.get("HTTP_USER_AGENT", ""))
    return 201, {"billed": c.billed, "reason": c.reason, "product_id": c.ad.product_id,
                 "product_url": reverse("storefront:product", args=[c.ad.product_id])}


# ---------------------------------------------------------------- operator

def _staff(request):
    if not request.auth.is_staff:
        raise Forbidden(_("Operators only."), code="staff_only")


@router.put("/placements/{placement}", auth=auth, summary="Operator: a placement's reserve price, slots and prior")
def placement_set(request, placement: str, payload: AdPlacementTermsIn):
    _staff(request)
    row = services.placement_set(placement=placement, reserve_price=payload.reserve_price, slots=payload.slots,
                                 prior_clicks=payload.prior_clicks, prior_impressions=payload.prior_impressions)
    return {"placement": row.placement, "reserve_price": money(row.reserve_price), "slots": row.slots,
            "prior_clicks": row.prior_clicks, "prior_impressions": row.prior_impressions}


@router.get("/reviews", auth=auth, summary="Operator: campaigns waiting for the policy review, oldest first")
def reviews(request):
    _staff(request)
    return {"items": [{**campaign_out(item.campaign), "shop_id": item.campaign.shop_id,
                       "shop_name": item.campaign.shop.name, "submitted_at": iso(item.campaign.submitted_at),
                       "products": [{"product_id": a.product_id, "title": a.product.title} for a in item.products],
                       "targets": [target_out(t) for t in item.targets]}
                      for item in selectors.campaigns_in_review()]}


@router.post("/reviews/{number}", auth=auth,
             summary="Operator: approve a campaign (served from the next auction) or reject it with a note")
def review(request, number: str, payload: AdReviewIn):
    _staff(request)
    return campaign_out(services.campaign_review(reviewer=request.auth, number=number, decision=payload.decision,
                                                 note=payload.note))


def click_out(c: AdClick) -> dict:
    return {"id": c.pk, "campaign": c.campaign.number, "shop_id": c.campaign.shop_id, "billed": c.billed,
            "reason": c.reason, "price": money(c.price), "ip": c.ip, "created_at": iso(c.created_at),
            "refunded_at": iso(c.refunded_at)}


@router.get("/clicks", auth=auth, summary="Operator: recent clicks (billed=false: the invalid-traffic report)")
def clicks(request, billed: bool | None = None):
    _staff(request)
    return {"items": [click_out(c) for c in selectors.clicks_for_operator(billed=billed)]}


@router.post("/clicks/{click_id}/refund", auth=auth, summary="Operator: refund an invalid billed click")
def click_refund(request, click_id: int, payload: AdRefundIn):
    _staff(request)
    c = services.click_refund(click_id=click_id, note=payload.note)
    return click_out(AdClick.objects.select_related("campaign").get(pk=c.pk))
