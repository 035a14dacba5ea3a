"""Bargain API (/api/v1/bargain): campaigns, bargains, helps and purchases for shoppers; campaign
management and statistics for merchants. Bargain numbers are random; another user's bargain (to buy)
and another merchant's campaign answer 404."""

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Router, Schema

from quanzi.accounts.auth import auth, optional_auth
from quanzi.bargain import selectors, services
from quanzi.bargain.models import Bargain, BargainCampaign
from quanzi.core.errors import Forbidden, NotFound
from quanzi.core.http import idempotent
from quanzi.core.http import iso as _iso
from quanzi.core.http import money_json as money
from quanzi.payments.services import payment_pay_url
from quanzi.shops.selectors import shop_for_owner

router = Router(tags=["bargain"])




def campaign_out(c: BargainCampaign) -> dict:
    return {"id": c.pk, "title": c.title, "product_id": c.product_id, "sku_id": c.sku_id, "status": c.status,
            "original_price": money(c.original_price), "floor_price": money(c.floor_price),
            "expected_helps": c.expected_helps, "time_limit_seconds": c.time_limit_seconds, "stock": c.stock,
            "per_user_limit": c.per_user_limit, "new_user_bonus": c.new_user_bonus,
            "starts_at": _iso(c.starts_at), "ends_at": _iso(c.ends_at)}


def bargain_out(b: Bargain, *, helps: list | None = None) -> dict:
    out = {"number": b.number, "campaign_id": b.campaign_id, "status": b.status,
           "original_price": money(b.original_price), "floor_price": money(b.floor_price),
           "current_price": money(b.current_price), "cut_total": money(b.cut_total),
           "remaining": money(b.remaining), "progress_pct": b.progress_pct, "helps_count": b.helps_count,
           "expected_helps": b.expected_helps, "expires_at": _iso(b.expires_at),
           "seconds_left": selectors.seconds_left(bargain=b), "starter": {"uid": b.starter.uid, "nickname": b.starter.display_name},
           "url": f"/b/{b.number}/"}
    if helps is not None:
        out["helps"] = [{"nickname": h.helper.display_name, "avatar": h.helper.avatar.url if h.helper.avatar else "",
                         "amount": money(h.amount), "is_new_user": h.is_new_user, "created_at": _iso(h.created_at)}
                        for h in helps]
    return out


class BargainBuyIn(Schema):
    address_id: int


class BargainCampaignIn(Schema):
    sku_id: int
    title: str = ""
    original_price: int | None = None
    floor_price: int
    expected_helps: int
    time_limit_seconds: int = 24 * 3600
    stock: int
    per_user_limit: int = 1
    new_user_bonus: bool = True
    starts_at: dt.datetime
    ends_at: dt.datetime
    activate: bool = True


def _bargain(number: str) -> Bargain:
    bargain = selectors.bargain_detail(number=number)
    if bargain is None:
        raise NotFound(_("Bargain not found."), code="bargain_not_found")
    return bargain


# ---------------------------------------------------------------- shoppers

@router.get("/campaigns/{campaign_id}", auth=optional_auth, summary="A running (or ended) bargain campaign")
def campaign_detail(request, campaign_id: int):
    campaign = selectors.campaign_public(campaign_id=campaign_id)
    if campaign is None:
        raise NotFound(_("Campaign not found."), code="campaign_not_found")
    user = request.auth if request.auth is not True else None
    mine = selectors.active_bargain_of(user=user, campaign=campaign)
    return {**campaign_out(campaign), "my_bargain": bargain_out(mine) if mine else None}


@router.post("/campaigns/{campaign_id}/bargains", auth=auth, response={201: dict},
             summary="Start a bargain at the original price")
def start_bargain(request, campaign_id: int):
    bargain = services.bargain_start(user=request.auth, campaign_id=campaign_id)
    return 201, bargain_out(_bargain(bargain.number), helps=[])


@router.get("/bargains/{number}", auth=optional_auth, summary="A bargain: price progress, helpers, countdown")
def bargain_detail(request, number: str):
    bargain = _bargain(number)
    return bargain_out(bargain, helps=selectors.helps_for(bargain=bargain))


@router.post("/bargains/{number}/help", auth=auth, response={201: dict},
             summary="Cut a friend's bargain once (own_bargain, already_helped, daily_help_limit otherwise)")
def help_bargain(request, number: str):
    help_ = services.bargain_help(user=request.auth, number=number)
    bargain = _bargain(number)
    return 201, {"cut": money(help_.amount), "is_new_user": help_.is_new_user,
                 "bargain": bargain_out(bargain, helps=selectors.helps_for(bargain=bargain))}


@router.post("/bargains/{number}/buy", auth=auth, response={201: dict},
             summary="Buy your bargain at its current price and pay (Idempotency-Key supported)")
@idempotent("bargain-buy")
def buy_bargain(request, number: str, payload: BargainBuyIn):
    bargain, order, payment = services.bargain_buy(user=request.auth, number=number, address_id=payload.address_id)
    return 201, {"bargain": bargain_out(bargain), "order_number": order.number, "total": money(order.total),
                 "payment": {"payment_number": payment.number, "amount": money(payment.amount),
                             "pay_url": payment_pay_url(payment=payment)}}


@router.get("/me/bargains", auth=auth, summary="My bargains, newest first")
def my_bargains(request):
    return {"items": [bargain_out(b) for b in selectors.bargains_for_user(user=request.auth)]}


# ---------------------------------------------------------------- merchants

def _shop(request):
    shop = shop_for_owner(user=request.auth)
    if shop is None:
        raise Forbidden(_("Open a shop first."), code="no_shop")
    return shop


def _own_campaign(request, campaign_id: int) -> BargainCampaign:
    campaign = selectors.campaign_for_shop(shop=_shop(request), campaign_id=campaign_id)
    if campaign is None:
        raise NotFound(_("Campaign not found."), code="campaign_not_found")
    return campaign


def _with_stats(campaign: BargainCampaign) -> dict:
    return {**campaign_out(campaign), "stats": selectors.campaign_stats(campaign=campaign)}


@router.get("/merchant/campaigns", auth=auth)
def merchant_campaigns(request):
    return {"items": [{**campaign_out(c), "bargains_started": c.started, "bargains_bought": c.bought,
                       "conversion_bps": c.bought * 10_000 // c.started if c.started else 0}
                      for c in selectors.campaigns_for_shop(shop=_shop(request))]}


@router.post("/merchant/campaigns", auth=auth, response={201: dict})
def merchant_campaign_create(request, payload: BargainCampaignIn):
    shop = _shop(request)
    data = payload.dict()
    activate = data.pop("activate")
    campaign = services.campaign_create(shop=shop, **data)
    if activate:
        services.campaign_activate(campaign_id=campaign.pk, shop=shop)
    return 201, _with_stats(selectors.campaign_for_shop(shop=shop, campaign_id=campaign.pk))


@router.get("/merchant/campaigns/{campaign_id}", auth=auth)
def merchant_campaign(request, campaign_id: int):
    return _with_stats(_own_campaign(request, campaign_id))


@router.post("/merchant/campaigns/{campaign_id}/activate", auth=auth)
def merchant_campaign_activate(request, campaign_id: int):
    campaign = _own_campaign(request, campaign_id)
    services.campaign_activate(campaign_id=campaign.pk, shop=campaign.shop)
    return _with_stats(_own_campaign(request, campaign_id))


@router.post("/merchant/campaigns/{campaign_id}/end", auth=auth)
def merchant_campaign_end(request, campaign_id: int):
    campaign = _own_campaign(request, campaign_id)
    services.campaign_end(campaign_id=campaign.pk, shop=campaign.shop)
    return _with_stats(_own_campaign(request, campaign_id))
