"""Analytics API (/api/v1/analytics): the browser's beacon (views and impressions), and the reports —
the platform's for operators, a merchant's own shop's under /merchant/… (never another shop's: the shop
is the signed-in owner's, not a parameter). Dates are YYYY-MM-DD China days; money is integer fen."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Router, Schema

from quanzi.accounts.auth import auth, optional_auth
from quanzi.analytics import selectors, services
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


def _overview(since: str, until: str, shop_id: int | None) -> dict:
    start, end = selectors.parse_range(since=since[:10], until=until[:10])
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


@router.get("/merchant/overview", auth=auth, response=OverviewOut, summary="Merchant: the shop's daily figures")
def merchant_overview(request, since: str = "", until: str = ""):
    return _overview(since, until, _own_shop(request))


@router.get("/merchant/funnel", auth=auth, response=FunnelOut, summary="Merchant: a funnel over the shop's events")
def merchant_funnel(request, steps: str = DEFAULT_STEPS, since: str = "", until: str = "", window_hours: int = 24):
    return _funnel(steps, since, until, window_hours, _own_shop(request))


@router.get("/merchant/cohorts", auth=auth, response=CohortsOut, summary="Merchant: the shop's buyer cohorts")
def merchant_cohorts(request, by: str = "first_purchase", since: str = "", until: str = ""):
    return _cohorts(by, since, until, _own_shop(request))
