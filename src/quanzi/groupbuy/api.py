"""Group-buy API (/api/v1/groupbuy): campaigns and groups for shoppers, campaign management and
statistics for merchants. Another merchant's campaign answers 404; group numbers are random."""

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Router, Schema

from quanzi.accounts.auth import auth, optional_auth
from quanzi.core import clock
from quanzi.core.errors import Forbidden, NotFound
from quanzi.core.http import idempotent
from quanzi.core.http import iso as _iso
from quanzi.core.http import money_json as money
from quanzi.groupbuy import selectors, services
from quanzi.groupbuy.models import GroupCampaign
from quanzi.payments.services import payment_pay_url
from quanzi.shops.selectors import shop_for_owner

router = Router(tags=["groupbuy"])




def campaign_out(c: GroupCampaign) -> dict:
    return {"id": c.pk, "title": c.title, "product_id": c.product_id, "status": c.status,
            "group_size": c.group_size, "fill_seconds": c.fill_seconds, "per_user_limit": c.per_user_limit,
            "leader_discount": money(c.leader_discount), "auto_complete_at_deadline": c.auto_complete_at_deadline,
            "starts_at": _iso(c.starts_at), "ends_at": _iso(c.ends_at),
            "skus": [{"sku_id": s.sku_id, "label": s.sku.label, "list_price": money(s.sku.price),
                      "group_price": money(s.group_price), "stock": s.stock} for s in c.skus.all()]}


def group_out(g, *, members: list | None = None) -> dict:
    now = clock.now()
    out = {"number": g.number, "campaign_id": g.campaign_id, "status": g.status, "size": g.size,
           "joined": g.joined_count, "paid": g.paid_count, "spots_left": g.spots_left,
           "deadline": _iso(g.deadline), "seconds_left": max(0, int((g.deadline - now).total_seconds())),
           "leader": {"uid": g.leader.uid, "nickname": g.leader.display_name},
           "url": f"/g/{g.number}/"}
    if members is not None:
        out["members"] = [{"nickname": m.user.display_name, "is_leader": m.is_leader, "paid": m.paid}
                          for m in members]
    return out


def _placed(group, order, payment) -> dict:
    return {"group": group_out(group), "order_number": order.number, "total": money(order.total),
            "payment": {"payment_number": payment.number, "amount": money(payment.amount),
                        "pay_url": payment_pay_url(payment=payment)}}


class OpenIn(Schema):
    sku_id: int
    quantity: int = 1
    address_id: int


class CampaignSkuIn(Schema):
    sku_id: int
    group_price: int
    stock: int


class GroupCampaignIn(Schema):
    product_id: int
    title: str = ""
    group_size: int
    fill_seconds: int = 24 * 3600
    per_user_limit: int = 1
    leader_discount: int = 0
    starts_at: dt.datetime
    ends_at: dt.datetime
    skus: list[CampaignSkuIn]
    activate: bool = True


# ---------------------------------------------------------------- shoppers

@router.get("/products/{product_id}/groups", auth=optional_auth, summary="Open groups you can join")
def product_groups(request, product_id: int):
    user = request.auth if request.auth is not True else None
    campaign = selectors.running_campaign_for_product(product_id=product_id)
    groups = selectors.open_groups_for_product(product_id=product_id, exclude_user=user)
    return {"campaign": campaign_out(campaign) if campaign else None, "groups": [group_out(g) for g in groups]}


@router.get("/groups/{number}", auth=optional_auth)
def group_detail(request, number: str):
    group = selectors.group_detail(number=number)
    if group is None:
        raise NotFound(_("Group not found."), code="group_not_found")
    return group_out(group, members=selectors.visible_members(group=group))


@router.post("/campaigns/{campaign_id}/groups", auth=auth, response={201: dict},
             summary="Open a group as its leader and pay at the group price (Idempotency-Key supported)")
@idempotent("groupbuy-open")
def open_group(request, campaign_id: int, payload: OpenIn):
    group, order, payment = services.group_open(user=request.auth, campaign_id=campaign_id, sku_id=payload.sku_id,
                                                quantity=payload.quantity, address_id=payload.address_id)
    return 201, _placed(group, order, payment)


@router.post("/groups/{number}/join", auth=auth, response={201: dict},
             summary="Take a spot in an open group and pay (group_full / group_closed otherwise)")
@idempotent("groupbuy-join")
def join_group(request, number: str, payload: OpenIn):
    group, order, payment = services.group_join(user=request.auth, number=number, sku_id=payload.sku_id,
                                                quantity=payload.quantity, address_id=payload.address_id)
    return 201, _placed(group, order, payment)


# ---------------------------------------------------------------- merchants

def _shop(request):
    shop = shop_for_owner(user=request.auth)
    if shop is None:
        raise Forbidden(_("Open a shop first."), code="no_shop")
    return shop


def _own_campaign(request, campaign_id: int) -> GroupCampaign:
    campaign = selectors.campaign_for_shop(shop=_shop(request), campaign_id=campaign_id)
    if campaign is None:
        raise NotFound(_("Campaign not found."), code="campaign_not_found")
    return campaign


@router.get("/merchant/campaigns", auth=auth)
def merchant_campaigns(request):
    items = selectors.campaigns_for_shop(shop=_shop(request))
    return {"items": [{**campaign_out(c), "groups_opened": c.opened, "groups_succeeded": c.succeeded}
                      for c in items]}


@router.post("/merchant/campaigns", auth=auth, response={201: dict})
def merchant_campaign_create(request, payload: GroupCampaignIn):
    shop = _shop(request)
    campaign = services.campaign_create(shop=shop, product_id=payload.product_id, title=payload.title,
                                        group_size=payload.group_size, fill_seconds=payload.fill_seconds,
                                        per_user_limit=payload.per_user_limit,
                                        leader_discount=payload.leader_discount, starts_at=payload.starts_at,
                                        ends_at=payload.ends_at, skus=[s.dict() for s in payload.skus])
    if payload.activate:
        services.campaign_activate(campaign_id=campaign.pk, shop=shop)
    return 201, campaign_out(selectors.campaign_for_shop(shop=shop, campaign_id=campaign.pk))


@router.get("/merchant/campaigns/{campaign_id}", auth=auth)
def merchant_campaign(request, campaign_id: int):
    campaign = _own_campaign(request, campaign_id)
    return {**campaign_out(campaign), "stats": selectors.campaign_stats(campaign=campaign)}


@router.post("/merchant/campaigns/{campaign_id}/activate", auth=auth)
def merchant_campaign_activate(request, campaign_id: int):
    campaign = _own_campaign(request, campaign_id)
    services.campaign_activate(campaign_id=campaign.pk, shop=campaign.shop)
    return campaign_out(_own_campaign(request, campaign_id))


@router.post("/merchant/campaigns/{campaign_id}/end", auth=auth)
def merchant_campaign_end(request, campaign_id: int):
    campaign = _own_campaign(request, campaign_id)
    services.campaign_end(campaign_id=campaign.pk, shop=campaign.shop)
    return campaign_out(_own_campaign(request, campaign_id))
