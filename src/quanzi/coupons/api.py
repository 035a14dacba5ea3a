"""API of coupons (/api/v1/coupons): the coupon centre (public; with a login, how many of each you hold), claim,
redeem a code, your coupons, the checkout's coupon options; the merchant's coupons (the caller's own shop) and
the platform's (staff). Another shop's template or another shopper's coupon answers 404; errors: the one error
shape; money is integer fen (`{"amount", "currency"}`)."""

from datetime import datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from pydantic import StrictBool, StrictInt, StrictStr

from quanzi.accounts.auth import auth, optional_auth
from quanzi.catalog.selectors import product_get, product_is_sellable
from quanzi.core.errors import Forbidden, NotFound, ValidationFailed
from quanzi.core.http import client_fingerprint, money_json
from quanzi.coupons import pricing, rules, selectors, services
from quanzi.coupons.constants import CODE_TRIES_PER_HOUR, MAX_SCOPE_IDS, Issuer
from quanzi.orders import selectors as order_selectors
from quanzi.orders.api import CheckoutItemIn
from quanzi.orders.services import CheckoutItem, checkout_quote
from quanzi.shops.selectors import shop_for_owner

router = Router(tags=["coupons"])

MAX_ID = 2**62
TABS = ("available", "used", "expired")
CLAIM_PLACES = ("centre", "shop", "product")


# ---------------------------------------------------------------- schemas

class CpMoneyOut(Schema):
    amount: int
    currency: str


class CpValidityOut(Schema):
    claim_from: datetime = Field(description="the template can be claimed from")
    claim_until: datetime
    valid_days: int | None = Field(description="a claimed coupon is valid this many days; null: until claim_until")


class CpScopeOut(Schema):
    scope: str = Field(description="all, shops, categories or products")
    ids: list[int]


class CentreTemplateOut(Schema):
    id: int
    issuer: str
    shop_id: int | None
    shop_name: str
    name: str
    kind: str
    headline: str
    left: int
    per_user_limit: int
    new_users_only: bool
    validity: CpValidityOut
    scope: CpScopeOut
    claimed: int | None = Field(description="how many you hold (any state); null when not logged in")


class CouponOut(Schema):
    id: int
    template_id: int
    name: str
    headline: str
    kind: str
    issuer: str
    shop_id: int | None
    shop_name: str
    funded_by: str
    min_spend: CpMoneyOut
    scope: CpScopeOut
    status: str
    how: str
    claimed_at: datetime
    valid_from: datetime
    valid_until: datetime
    used_at: datetime | None
    held: CpMoneyOut = Field(description="the discount it gave the order holding or having used it")


class RedeemIn(Schema):
    code: StrictStr = Field(max_length=64)


class CheckoutOptionsIn(Schema):
    items: list[CheckoutItemIn] | None = Field(None, description="Omit to use the selected cart lines.")
    context: dict[str, str] = Field(default_factory=dict, description=(
        "as for POST /checkout: `coupons` absent = the best combination, `none`, or comma-separated coupon ids"))


class CheckoutOptionOut(Schema):
    coupon: CouponOut
    applied: bool
    applicable: bool
    saving: CpMoneyOut
    code: str = Field(description="why it cannot be used (empty when it can): expired, below_min_spend, …")
    reason: str


class CheckoutOptionsOut(Schema):
    coupons: list[CheckoutOptionOut]
    chosen: list[int] | None = Field(description="the coupons chosen in the context; null: the best combination")
    applied_ids: list[int]
    saving: CpMoneyOut
    items_total: CpMoneyOut
    shipping_total: CpMoneyOut
    discount_total: CpMoneyOut
    total: CpMoneyOut


class TemplateIn(Schema):
    """A coupon's terms (services._clean_template decides what is valid)."""

    name: StrictStr = Field(max_length=200)
    kind: StrictStr = Field(max_length=20, description="fixed, percent or free_shipping")
    amount_off: StrictInt | None = Field(None, description="fen (fixed)")
    percent_off: StrictInt | None = Field(None, description="1–90 (percent)")
    max_discount: StrictInt | None = Field(None, description="fen; 0 = no cap (percent)")
    min_spend: StrictInt | None = Field(None, description="fen, on the goods in scope")
    scope: StrictStr | None = Field(None, max_length=20, description="all, shops, categories or products")
    scope_ids: list[StrictInt] | None = Field(None, max_length=MAX_SCOPE_IDS)
    new_users_only: StrictBool | None = None
    channel: StrictStr | None = Field(None, max_length=20, description="public, code, new_user (platform) or reward")
    code: StrictStr | None = Field(None, max_length=64)
    starts_at: datetime | None = Field(None, description="ISO 8601 with a time zone; default now")
    ends_at: datetime = Field(description="ISO 8601 with a time zone")
    valid_days: StrictInt | None = None
    total_count: StrictInt
    per_user_limit: StrictInt | None = None
    budget_amount: StrictInt | None = Field(None, description="fen: the most its discounts may cost")
    stacking_group: StrictStr | None = Field(None, max_length=40)
    share_reward_id: StrictInt | None = Field(None, description=(
        "one of the issuer's `reward` coupons: shoppers may share this coupon, and earn one of those for each "
        "friend's order with it that settles not refunded in full"))


class CouponShareOut(Schema):
    code: str
    url: str = Field(description="the link to send: friends claim the coupon there")
    template_id: int
    name: str
    claims: int = Field(description="friends who claimed through the link")
    rewards_waiting: int
    rewards_granted: int


class TemplateStatusIn(Schema):
    status: StrictStr = Field(max_length=20, description="live, paused or ended")


class TemplateOut(Schema):
    id: int
    issuer: str
    shop_id: int | None
    name: str
    kind: str
    headline: str
    amount_off: CpMoneyOut
    percent_off: int
    max_discount: CpMoneyOut
    min_spend: CpMoneyOut
    scope: CpScopeOut
    new_users_only: bool
    channel: str
    code: str | None
    starts_at: datetime
    ends_at: datetime
    valid_days: int | None
    total_count: int
    issued_count: int
    left: int
    per_user_limit: int
    budget_amount: CpMoneyOut | None
    spent_amount: CpMoneyOut
    stacking_group: str
    status: str
    created_at: datetime


class TemplateStatsOut(Schema):
    issued: int
    left: int
    used: int
    held: int
    cost: CpMoneyOut
    gmv: CpMoneyOut
    use_rate_bps: int


class TemplateDetailOut(TemplateOut):
    stats: TemplateStatsOut


# ---------------------------------------------------------------- helpers

def _money(v: int) -> dict:
    return money_json(int(v))


def _id(value: int | None, what: str) -> int | None:
    """An id from the path or query: out of range is the same answer as unknown."""
    if value is None:
        return None
    if not 0 < value < MAX_ID:
        raise NotFound(_("Not found."), code=f"{what}_not_found")
    return value


def _user(request):
    user = request.auth
    return user if getattr(user, "is_authenticated", False) else None


def _headline(t) -> str:
    return rules.describe(kind=t.kind, amount_off=t.amount_off, percent_off=t.percent_off,
                          max_discount=t.max_discount, min_spend=t.min_spend)


def _scope(t) -> dict:
    return {"scope": t.scope, "ids": [int(i) for i in t.scope_ids or ()]}


def _shop_name(t) -> str:
    return t.shop.name if t.issuer == Issuer.SHOP and t.shop_id else ""


def _centre_out(t, claimed: dict[int, int] | None) -> dict:
    return {"id": t.pk, "issuer": t.issuer, "shop_id": t.shop_id, "shop_name": _shop_name(t), "name": t.name,
            "kind": t.kind, "headline": _headline(t), "left": t.left, "per_user_limit": t.per_user_limit,
            "new_users_only": t.new_users_only,
            "validity": {"claim_from": t.starts_at, "claim_until": t.ends_at, "valid_days": t.valid_days},
            "scope": _scope(t), "claimed": None if claimed is None else claimed.get(t.pk, 0)}


def _coupon_out(c) -> dict:
    t = c.template
    return {"id": c.pk, "template_id": t.pk, "name": t.name, "headline": _headline(t), "kind": t.kind,
            "issuer": t.issuer, "shop_id": t.shop_id, "shop_name": _shop_name(t), "funded_by": t.funded_by,
            "min_spend": _money(t.min_spend), "scope": _scope(t), "status": c.status, "how": c.how,
            "claimed_at": c.claimed_at, "valid_from": c.valid_from, "valid_until": c.valid_until,
            "used_at": c.used_at, "held": _money(c.held_amount)}


def _template_out(t) -> dict:
    return {"id": t.pk, "issuer": t.issuer, "shop_id": t.shop_id, "name": t.name, "kind": t.kind,
            "headline": _headline(t), "amount_off": _money(t.amount_off), "percent_off": t.percent_off,
            "max_discount": _money(t.max_discount), "min_spend": _money(t.min_spend), "scope": _scope(t),
            "new_users_only": t.new_users_only, "channel": t.channel, "code": t.code, "starts_at": t.starts_at,
            "ends_at": t.ends_at, "valid_days": t.valid_days, "total_count": t.total_count,
            "issued_count": t.issued_count, "left": t.left, "per_user_limit": t.per_user_limit,
            "budget_amount": None if t.budget_amount is None else _money(t.budget_amount),
            "spent_amount": _money(t.spent_amount), "stacking_group": t.stacking_group, "status": t.status,
            "created_at": t.created_at}


def _template_detail_out(t) -> dict:
    s = selectors.template_stats(t)
    return {**_template_out(t), "stats": {"issued": s["issued"], "left": s["left"], "used": s["used"],
                                          "held": s["held"], "cost": _money(s["cost"]), "gmv": _money(s["gmv"]),
                                          "use_rate_bps": s["use_rate_bps"]}}


def _template_data(payload: TemplateIn) -> dict:
    """The terms as the services read them: fields left out are absent (their defaults apply)."""
    return {k: v for k, v in payload.dict().items() if v is not None}


def _merchant_shop(request):
    shop = shop_for_owner(user=request.auth)
    if shop is None:
        raise Forbidden(_("Open a shop first."), code="no_shop")
    return shop


def _staff(request) -> None:
    """The platform's coupons are not there for anyone else: the same answer as an unknown path."""
    if not getattr(request.auth, "is_staff", False):
        raise NotFound(_("Not found."), code="not_found")


# ---------------------------------------------------------------- shoppers

@router.get("/centre", auth=optional_auth, response=list[CentreTemplateOut],
            summary="Coupons to claim now (the centre; or a shop's, or those covering a product); with a login, "
                    "how many of each you hold")
def centre(request, issuer: str | None = None, shop_id: int | None = None, product_id: int | None = None):
    if issuer not in (None, "", *Issuer.values):
        raise ValidationFailed(_("Unknown issuer."), code="invalid_issuer", fields={"issuer": "invalid"})
    product = None
    if product_id is not None:
        product = product_get(product_id=_id(product_id, "product"))
        if product is None or not product_is_sellable(product=product):
            raise NotFound(_("Product not found."), code="product_not_found")
    templates = selectors.claimable_templates(issuer=issuer or None, shop_id=_id(shop_id, "shop"), product=product)
    user = _user(request)
    claimed = selectors.claimed_counts(user=user, template_ids=[t.pk for t in templates]) if user else None
    return [_centre_out(t, claimed) for t in templates]


@router.post("/{template_id}/claim", auth=auth, response={201: CouponOut},
             summary="Claim one coupon of a template offered in the centre, a shop or a product page")
def claim(request, template_id: int, how: str = "centre"):
    if how not in CLAIM_PLACES:
        raise ValidationFailed(_("Unknown place."), code="invalid_how", fields={"how": "invalid"})
    coupon = services.coupon_claim(user=request.auth, template_id=_id(template_id, "coupon"), how=how)
    return 201, _coupon_out(coupon)


@router.post("/redeem", auth=auth, response={201: CouponOut},
             summary=f"Claim the coupon a code names ({CODE_TRIES_PER_HOUR} tries an hour, right or wrong)")
def redeem(request, payload: RedeemIn):
    return 201, _coupon_out(services.coupon_redeem(user=request.auth, code=payload.code))


def _share_out(request, link, waiting: int = 0, granted: int = 0) -> dict:
    return {"code": link.code, "url": request.build_absolute_uri(reverse("coupons:shared", args=[link.code])),
            "template_id": link.template_id, "name": link.template.name, "claims": link.claims,
            "rewards_waiting": waiting, "rewards_granted": granted}


@router.post("/{template_id}/share", auth=auth, response={201: CouponShareOut},
             summary="Your link to share a public coupon (the same link each time)")
def share(request, template_id: int):
    return 201, _share_out(request, services.share_link(user=request.auth, template_id=_id(template_id, "coupon")))


@router.get("/shared", auth=auth, response=list[CouponShareOut],
            summary="Your shared links: friends who claimed, rewards waiting for their orders to settle and earned")
def shared(request):
    return [_share_out(request, s, s.waiting, s.granted) for s in selectors.shares_of_user(user=request.auth)]


@router.post("/shared/{code}/claim", auth=auth, response={201: CouponOut},
             summary="Claim the coupon a friend shared (its sharer is rewarded only when your order with it settles)")
def shared_claim(request, code: str):
    return 201, _coupon_out(services.coupon_claim_shared(user=request.auth, code=code[:12]))


@router.get("/mine", auth=auth, response=list[CouponOut],
            summary="Your coupons: available (incl. not yet started), used (incl. held by an unpaid order), expired")
def mine(request, tab: str = "available"):
    if tab not in TABS:
        raise ValidationFailed(_("Unknown tab."), code="invalid_tab", fields={"tab": "available, used or expired"})
    return [_coupon_out(c) for c in selectors.my_coupons(user=request.auth, tab=tab)]


@router.post("/checkout-options", auth=auth, response=CheckoutOptionsOut,
             summary="Your coupons for a checkout: the ones applied, the others that could be, and why the rest "
                     "cannot; with the checkout's totals")
def checkout_options(request, payload: CheckoutOptionsIn):
    if payload.items is not None:
        items = [CheckoutItem(i.sku_id, i.quantity, i.price_source, i.price_ref) for i in payload.items]
    else:
        items = [CheckoutItem(ln.sku_id, ln.quantity) for ln in order_selectors.cart_lines(user=request.auth)
                 if ln.selected]
    context = {**payload.context, "client": client_fingerprint(request)}
    quote = checkout_quote(user=request.auth, items=items, context=context)
    options = pricing.checkout_options(user=request.auth, quote=quote, context=context)
    return {"coupons": [{"coupon": _coupon_out(r["coupon"]), "applied": r["applied"], "applicable": r["applicable"],
                         "saving": _money(r["saving"]), "code": r["code"], "reason": r["reason"]}
                        for r in options["rows"]],
            "chosen": options["chosen"], "applied_ids": options["applied_ids"], "saving": _money(options["saving"]),
            "items_total": _money(quote.items_total), "shipping_total": _money(quote.shipping_total),
            "discount_total": _money(quote.discount_total), "total": _money(quote.total)}


# ---------------------------------------------------------------- merchant (the caller's own shop)

@router.get("/merchant/templates", auth=auth, response=list[TemplateOut],
            summary="Merchant: your shop's coupons, newest first")
def merchant_templates(request):
    return [_template_out(t) for t in selectors.templates_of_shop(shop=_merchant_shop(request))]


@router.post("/merchant/templates", auth=auth, response={201: TemplateDetailOut},
             summary="Merchant: create a coupon your shop funds")
def merchant_template_create(request, payload: TemplateIn):
    template = services.template_create(issuer=Issuer.SHOP, shop=_merchant_shop(request), actor=request.auth,
                                        data=_template_data(payload))
    return 201, _template_detail_out(template)


@router.get("/merchant/templates/{template_id}", auth=auth, response=TemplateDetailOut,
            summary="Merchant: one of your coupons, with what it brought (issued, used, held, cost, GMV)")
def merchant_template(request, template_id: int):
    template = selectors.template_of_shop(shop=_merchant_shop(request), template_id=_id(template_id, "coupon"))
    if template is None:
        raise NotFound(_("Coupon not found."), code="coupon_not_found")
    return _template_detail_out(template)


@router.post("/merchant/templates/{template_id}/status", auth=auth, response=TemplateDetailOut,
             summary="Merchant: pause, resume or end one of your coupons")
def merchant_template_status(request, template_id: int, payload: TemplateStatusIn):
    template = services.template_set_status(template_id=_id(template_id, "coupon"), status=payload.status,
                                            shop=_merchant_shop(request))
    return _template_detail_out(template)


# ---------------------------------------------------------------- platform (staff)

@router.get("/platform/templates", auth=auth, response=list[TemplateOut],
            summary="Staff: the platform's coupons, newest first")
def platform_templates(request):
    _staff(request)
    return [_template_out(t) for t in selectors.platform_templates()]


@router.post("/platform/templates", auth=auth, response={201: TemplateDetailOut},
             summary="Staff: create a coupon the platform funds")
def platform_template_create(request, payload: TemplateIn):
    _staff(request)
    template = services.template_create(issuer=Issuer.PLATFORM, actor=request.auth, data=_template_data(payload))
    return 201, _template_detail_out(template)


@router.post("/platform/templates/{template_id}/status", auth=auth, response=TemplateDetailOut,
             summary="Staff: pause, resume or end a platform coupon")
def platform_template_status(request, template_id: int, payload: TemplateStatusIn):
    _staff(request)
    template = services.template_set_status(template_id=_id(template_id, "coupon"), status=payload.status)
    return _template_detail_out(template)
