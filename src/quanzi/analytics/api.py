"""Analytics API (/api/v1/analytics): the browser's beacon (views and impressions), and the reports —
the platform's for operators, a merchant's own shop's under /merchant/… (never another shop's: the shop
is the signed-in owner's, not a parameter). Dates are YYYY-MM-DD China days; money is integer fen."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Router, Schema

from quanzi.accounts.auth import auth, optional_auth
from quanzi.analytics import selectors, services
from quanzi.analytics.constants import FREE_DAYS, PLANS
from quanzi.core import ratelimit
from quanzi.core.errors import Forbidden, NotFound
from quanzi.core.http import client_fingerprint

router = Router(tags=["analytics"])

BEACONS_PER_MINUTE = 120


class BeaconIn(Schema):
    events: list[dict]


class BeaconOut(Schema):
    accepted: int
    rejected: int
    reasons: dict[str, int]


class DaySeriesOut(Schema):
    day: dt.date
    gmv: int
    orders: int
    buyers: int
    refunds: int
    product_views: int
    visitors: int
    shares: int
    share_clicks: int
    follows: int


class ChannelOut(Schema):
    channel: str
    gmv: int
    orders: int


class OverviewOut(Schema):
    since: dt.date
    until: dt.date
    totals: dict[str, int | None]
    days: list[DaySeriesOut]
    channels: list[ChannelOut]


class FunnelStepOut(Schema):
    name: str
    actors: int
    rate_bps: int


class FunnelOut(Schema):
    since: dt.date
    until: dt.date
    window_hours: int
    steps: list[FunnelStepOut]


class CohortOut(Schema):
    week: dt.date
    size: int
    active: list[int]


class CohortsOut(Schema):
    since: dt.date
    until: dt.date
    by: str
    cohorts: list[CohortOut]


class RepurchaseOut(Schema):
    buyers: int
    repeat_buyers: int
    rate_bps: int


class CampaignRoiOut(Schema):
    campaign: str  # group, flash, bargain, live, share, note, ads
    sales: int  # fen: what the campaign sold in the range
    orders: int
    previous_sales: int  # in the equal period just before the range
    incremental_sales: int  # sales − previous_sales
    discount: int  # given away below list price
    paid_cost: int  # commissions and ad spend (ledger)
    cost: int
    return_per_yuan: float | None  # sales per fen of cost; null without cost
    incremental_per_yuan: float | None


class RoiOut(Schema):
    since: dt.date
    until: dt.date
    previous_since: dt.date
    previous_until: dt.date
    campaigns: list[CampaignRoiOut]


class DataPlanOut(Schema):
    active: bool
    period: str | None
    ends_at: dt.datetime | None
    full_days: int  # how far back the shop's reports may reach
    prices: dict[str, int]  # period → fen


class DataPlanIn(Schema):
    period: str  # month | year


class DataPlanStartOut(Schema):
    plan_number: str
    payment_number: str
    amount: int
    pay_url: str


class SharingOut(Schema):
    sharers: int
    share_clicks: int
    clickers: int
    buyers: int
    invites_per_sharer: float
    conversion: float
    k_factor: float


@router.post("/beacon", auth=optional_auth, response={202: BeaconOut}, url_name="analytics_beacon",
             summary="A browser's batch of page views, product/note/room views and impressions")
def beacon(request, payload: BeaconIn):
    """At most 50 events; each `{key, name, ts, id | path}` (see `analytics.services.beacon_accept`). Bad
    items are dropped with a reason and the rest kept; a repeated key is stored once; bots are not
    counted. 120 beacons a minute per device."""
    fp = client_fingerprint(request)
    ratelimit.hit("analytics_beacon", fp["device"] + fp["ip"], limit=BEACONS_PER_MINUTE, window=60)
    result = services.beacon_accept(items=payload.events, user=request.auth, device=fp["device"],
                                    user_agent=request.META.get("HTTP_USER_AGENT", ""))
    return 202, {"accepted": result.accepted, "rejected": result.rejected, "reasons": result.reasons}


def _staff(request) -> None:
    if not request.auth.is_staff:
        raise Forbidden(_("Operators only."), code="staff_only")


def _own_shop(request) -> int:
    from quanzi.shops.selectors import shop_for_owner

    shop = shop_for_owner(user=request.auth)
    if shop is None:
        raise NotFound(_("You have no shop."), code="shop_not_found")
    return shop.pk


def _subscribed_shop(request) -> int:
    """The owner's shop, if it has a running data plan: the full reports are what the plan sells."""
    from quanzi.analytics.plans import active_plan

    shop_id = _own_shop(request)
    if active_plan(shop_id=shop_id) is None:
        raise Forbidden(_("This report comes with the data plan. The free tier shows the last %(n)d days of "
                          "basic sales.") % {"n": FREE_DAYS}, code="plan_required")
    return shop_id


def _roi(since: str, until: str, shop_id: int | None) -> dict:
    start, end = selectors.parse_range(since=since[:10], until=until[:10])
    before_until = start - dt.timedelta(days=1)
    return {"since": start, "until": end, "previous_since": before_until - (end - start),
            "previous_until": before_until, "campaigns": selectors.campaign_roi(since=start, until=end, shop_id=shop_id)}


def _overview(since: str, until: str, shop_id: int | None, max_days: int = selectors.MAX_DASHBOARD_DAYS) -> dict:
    start, end = selectors.parse_range(since=since[:10], until=until[:10], max_days=max_days,
                                       default_days=min(30, max_days))
    o = selectors.overview(since=start, until=end, shop_id=shop_id)
    return {"since": o.since, "until": o.until, "totals": o.totals, "days": o.days, "channels": o.channels}


def _funnel(steps: str, since: str, until: str, window_hours: int, shop_id: int | None) -> dict:
    chosen = selectors.parse_steps(steps[:300])
    start, end = selectors.parse_range(since=since[:10], until=until[:10], max_days=selectors.MAX_RAW_DAYS)
    if not 1 <= window_hours <= 24 * 30:
        from quanzi.core.errors import ValidationFailed

        raise ValidationFailed(_("The window is 1 hour to 30 days."), code="invalid_window",
                               fields={"window_hours": "1..720"})
    rows = selectors.funnel(steps=chosen, since=start, until=end, window=dt.timedelta(hours=window_hours),
                            shop_id=shop_id)
    return {"since": start, "until": end, "window_hours": window_hours, "steps": [vars(r) for r in rows]}


def _cohorts(by: str, since: str, until: str, shop_id: int | None) -> dict:
    start, end = selectors.parse_range(since=since[:10], until=until[:10], max_days=selectors.MAX_RAW_DAYS,
                                       default_days=56)
    rows = selectors.cohorts(since=start, until=end, by=by[:20], shop_id=shop_id)
    return {"since": start, "until": end, "by": by, "cohorts": [vars(c) for c in rows]}


DEFAULT_STEPS = "product.view,order.created,order.paid"


@router.get("/overview", auth=auth, response=OverviewOut, summary="Operator: the platform's daily figures")
def overview(request, since: str = "", until: str = ""):
    """GMV, orders, buyers, refunds, product views, visitors, shares and follows per day (at most 366 days,
    default the last 30), totals, and GMV by sales channel."""
    _staff(request)
    return _overview(since, until, None)


@router.get("/funnel", auth=auth, response=FunnelOut, summary="Operator: a funnel over the platform's events")
def funnel(request, steps: str = DEFAULT_STEPS, since: str = "", until: str = "", window_hours: int = 24):
    """People who did `steps` (comma-separated event names, 2–6) in order within `window_hours` of the
    first, over at most 92 days."""
    _staff(request)
    return _funnel(steps, since, until, window_hours, None)


@router.get("/cohorts", auth=auth, response=CohortsOut, summary="Operator: weekly retention cohorts")
def cohorts(request, by: str = "first_purchase", since: str = "", until: str = ""):
    """By the week of the first purchase (repurchase retention) or of the first event (`first_seen`)."""
    _staff(request)
    return _cohorts(by, since, until, None)


@router.get("/repurchase", auth=auth, response=RepurchaseOut, summary="Operator: the repurchase rate")
def repurchase(request, since: str = "", until: str = ""):
    _staff(request)
    start, end = selectors.parse_range(since=since[:10], until=until[:10], max_days=selectors.MAX_RAW_DAYS)
    return selectors.repurchase(since=start, until=end)


@router.get("/sharing", auth=auth, response=SharingOut, summary="Operator: the sharing K-factor")
def sharing(request, since: str = "", until: str = ""):
    """K = (people who opened a share link per sharer) × (the share of them who bought through one)."""
    _staff(request)
    start, end = selectors.parse_range(since=since[:10], until=until[:10], max_days=selectors.MAX_RAW_DAYS)
    return selectors.sharing(since=start, until=end)


@router.get("/roi", auth=auth, response=RoiOut, summary="Operator: campaign ROI across the platform")
def roi(request, since: str = "", until: str = ""):
    """Per campaign type: sales, the equal period before, incremental sales, cost (discounts, commissions,
    ad spend) and the return per ¥1 of cost. The rows do not add up: a line can serve two campaigns."""
    _staff(request)
    return _roi(since, until, None)


@router.get("/merchant/overview", auth=auth, response=OverviewOut, summary="Merchant: the shop's daily figures")
def merchant_overview(request, since: str = "", until: str = ""):
    """Without a data plan, ranges reach back at most 7 days (`range_too_long` beyond)."""
    from quanzi.analytics.plans import active_plan

    shop_id = _own_shop(request)
    full = active_plan(shop_id=shop_id) is not None
    return _overview(since, until, shop_id, max_days=selectors.MAX_DASHBOARD_DAYS if full else FREE_DAYS)


@router.get("/merchant/funnel", auth=auth, response=FunnelOut, summary="Merchant: a funnel over the shop's events")
def merchant_funnel(request, steps: str = DEFAULT_STEPS, since: str = "", until: str = "", window_hours: int = 24):
    """Data plan only (403 `plan_required`)."""
    return _funnel(steps, since, until, window_hours, _subscribed_shop(request))


@router.get("/merchant/cohorts", auth=auth, response=CohortsOut, summary="Merchant: the shop's buyer cohorts")
def merchant_cohorts(request, by: str = "first_purchase", since: str = "", until: str = ""):
    """Data plan only (403 `plan_required`)."""
    return _cohorts(by, since, until, _subscribed_shop(request))


@router.get("/merchant/roi", auth=auth, response=RoiOut, summary="Merchant: the shop's campaign ROI")
def merchant_roi(request, since: str = "", until: str = ""):
    """The shop's own campaigns (costs from its own ledger accounts). Data plan only (403 `plan_required`)."""
    return _roi(since, until, _subscribed_shop(request))


@router.get("/merchant/plan", auth=auth, response=DataPlanOut, summary="Merchant: the shop's data plan")
def merchant_plan(request):
    from quanzi.analytics.plans import active_plan

    plan = active_plan(shop_id=_own_shop(request))
    return {"active": plan is not None, "period": plan.period if plan else None,
            "ends_at": plan.ends_at if plan else None,
            "full_days": selectors.MAX_DASHBOARD_DAYS if plan else FREE_DAYS,
            "prices": {period: price for period, (price, _days) in PLANS.items()}}


@router.post("/merchant/plans", auth=auth, response={201: DataPlanStartOut}, summary="Merchant: buy a data plan")
def merchant_plan_buy(request, payload: DataPlanIn):
    """Opens a payment at the cashier (`pay_url`); the plan runs once it is captured, from the end of the
    plan running now, if any."""
    from quanzi.analytics.plans import plan_start
    from quanzi.payments.services import payment_pay_url

    plan, payment = plan_start(user=request.auth, period=payload.period[:10])
    return 201, {"plan_number": plan.number, "payment_number": payment.number, "amount": plan.amount,
                 "pay_url": payment_pay_url(payment=payment)}
