"""Demo data of bargaining (砍价; quanzi.core.seeding), on top of the shop seed.

One active campaign on a demo product (list price → about a third of it with 8 helps, 48 hours per
bargain, new users cut more), made through the bargain services at past moments of the clock. The demo
shopper 小圈 started a bargain three hours ago and two other shoppers have cut it, so /b/<number>/
shows progress, helpers and a countdown, and there is room for more friends to cut (or for 小圈 to buy
at the current price).

Re-arm (`rearm_bargain`, quanzi.demo.rearm): 小圈 can always start a bargain and always has a friend's
to cut. Whenever no seeded shopper's bargain is open with time left and uncut by her, one of them
starts a new one (and another shopper gives it a first cut); when the campaign can no longer give a
new bargain its full time (ended, ending within the time limit, units nearly gone, or 小圈 has bought
her limit), it is ended and a fresh campaign of the same SKU and terms takes over.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from quanzi.core.seeding import DemoSeeder
from quanzi.core.translated_columns import write_translation

# product keys to try in order (a single-SKU product not already in a promotion reads best)
PRODUCT_KEYS = ["teacup", "speaker", "stand", "floorlamp", "keyboard", "coffee", "candle", "tote", "mouse", "cable"]
EXPECTED_HELPS = 8
FLOOR_PERCENT = 35  # the floor: 35 % of the list price, rounded down to whole yuan
POOL_UNITS = 10
TIME_LIMIT_SECONDS = 48 * 3600


def bargain_present(ctx) -> bool:
    from quanzi.bargain.models import BargainCampaign

    return BargainCampaign.objects.exists()


def seed_bargain(ctx) -> dict[str, Any] | None:
    from quanzi.accounts.selectors import users_with_address
    from quanzi.shops.selectors import shop_owner_ids

    demo = ctx.demo_shopper()
    if demo is None:
        return None
    helpers = users_with_address(exclude_ids={demo.pk, *shop_owner_ids()}, without_email=True, limit=2)
    counts: dict[str, Any] = {}
    campaign = _campaign(ctx, counts)
    if campaign is None or len(helpers) < 2:
        return None
    _bargain(ctx, demo, campaign, helpers, counts)
    ctx.log(f"  bargains: {counts}")
    return counts


def _campaign(ctx, counts: dict):
    from quanzi.bargain.services import campaign_activate, campaign_create
    from quanzi.catalog.selectors import products_with_campaign_stock

    products = ctx.products_on_sale()
    in_promotion = products_with_campaign_stock()
    for key in PRODUCT_KEYS:
        product = products.get(key, (None, {}))[0]
        if product is None or product.pk in in_promotion:
            continue
        sku = product.skus.filter(is_active=True, stock__gte=4).order_by("price", "pk").first()
        if sku is None:
            continue
        floor = max(100, sku.price * FLOOR_PERCENT // 100 // 100 * 100)
        if sku.price - floor < EXPECTED_HELPS:
            continue
        start = ctx.ago(days=1)
        with ctx.at(start):
            campaign = campaign_create(
                shop=product.shop, sku_id=sku.pk, floor_price=floor, expected_helps=EXPECTED_HELPS,
                stock=min(POOL_UNITS, sku.stock // 2), time_limit_seconds=TIME_LIMIT_SECONDS,
                new_user_bonus=True, starts_at=start, ends_at=ctx.t0 + dt.timedelta(days=10),
                title=f"{product.title_zh_hans} · 砍价")
            write_translation(campaign, "en",
                              title=ctx.data_en.BARGAIN_TITLES["{title} · 砍价"].format(title=product.title_en)[:120])
            campaign_activate(campaign_id=campaign.pk, shop=product.shop)
        counts.update(campaign=campaign.pk, product=product.pk)
        return campaign
    return None


def _bargain(ctx, demo, campaign, helpers: list, counts: dict) -> None:
    """Three hours ago 小圈 started a bargain; two shoppers cut it an hour later and just now."""
    from quanzi.bargain.services import bargain_help, bargain_start

    with ctx.at(ctx.ago(hours=3)):
        bargain = bargain_start(user=demo, campaign_id=campaign.pk)
    for helper, moment in zip(helpers, [ctx.ago(hours=2), ctx.ago(minutes=20)], strict=True):
        with ctx.at(moment):
            bargain_help(user=helper, number=bargain.number, rng=ctx.rng)
    bargain.refresh_from_db()
    counts.update(bargain=bargain.number, current_price=bargain.current_price, helps=bargain.helps_count)


# ---------------------------------------------------------------- re-arm
REARM_MARGIN = dt.timedelta(hours=1)  # a bargain expiring sooner than this is not offered any more


def _can_host(campaign, demo, now) -> bool:
    from quanzi.bargain.constants import BargainStatus
    from quanzi.bargain.models import Bargain
    from quanzi.catalog.selectors import pool_units

    bought = Bargain.objects.filter(campaign=campaign, starter=demo, status=BargainStatus.BOUGHT).count()
    return (campaign.is_running(now) and campaign.ends_at - now >= dt.timedelta(seconds=campaign.time_limit_seconds)
            and pool_units(pools=[campaign.stock_pool])[campaign.stock_pool] >= 2 and bought < campaign.per_user_limit)


def _renew(campaign, now):
    """End `campaign` (if still active) and start a fresh one of the same SKU and terms."""
    from quanzi.bargain.constants import CampaignStatus
    from quanzi.bargain.services import campaign_activate, campaign_create, campaign_end

    if campaign.status == CampaignStatus.ACTIVE:
        campaign_end(campaign_id=campaign.pk, shop=campaign.shop)
    stock = min(POOL_UNITS, campaign.sku.stock // 2)
    if stock <= 0:
        return None
    fresh = campaign_create(shop=campaign.shop, sku_id=campaign.sku_id, floor_price=campaign.floor_price,
                            expected_helps=campaign.expected_helps, stock=stock,
                            time_limit_seconds=campaign.time_limit_seconds, per_user_limit=campaign.per_user_limit,
                            new_user_bonus=campaign.new_user_bonus, starts_at=now, ends_at=now + dt.timedelta(days=10),
                            title=campaign.title)
    return campaign_activate(campaign_id=fresh.pk, shop=campaign.shop)


def rearm_bargain(ctx) -> dict[str, Any]:
    """A campaign 小圈 can start a bargain in, and a friend's bargain she can cut (see the module's doc)."""
    import contextlib

    from quanzi.bargain.constants import ACTIVE_STATUSES, BargainStatus
    from quanzi.bargain.models import Bargain, BargainCampaign
    from quanzi.bargain.services import bargain_help, bargain_start
    from quanzi.core import clock
    from quanzi.core.errors import DomainError

    demo, people = ctx.demo_shopper(), ctx.demo_people()
    latest = BargainCampaign.objects.filter(shop_id__in=ctx.demo_shop_ids()).select_related("shop", "sku") \
        .order_by("-pk").first()
    if latest is None or demo is None or len(people) < 2:  # the bargain demo was never seeded
        return {}
    now = clock.now()
    made: dict[str, Any] = {}
    campaign = latest
    if not _can_host(latest, demo, now):
        campaign = _renew(latest, now)
        if campaign is None:
            return {}
        made["campaign"] = campaign.pk
    bargains = Bargain.objects.filter(campaign=campaign)
    if bargains.filter(status=BargainStatus.OPEN, expires_at__gt=now + REARM_MARGIN, starter__in=people) \
            .exclude(helps__helper=demo).exists():
        return made
    busy = set(bargains.filter(status__in=ACTIVE_STATUSES).values_list("starter_id", flat=True))
    bought = set(bargains.filter(status=BargainStatus.BOUGHT).values_list("starter_id", flat=True))
    free = [p for p in people if p.pk not in busy and (campaign.per_user_limit > 1 or p.pk not in bought)]
    if not free:
        return made
    starter = free[0]
    with ctx.at(now - dt.timedelta(minutes=30)):
        bargain = bargain_start(user=starter, campaign_id=campaign.pk)
    helper = next(p for p in people if p.pk != starter.pk)
    with ctx.at(now - dt.timedelta(minutes=10)), contextlib.suppress(DomainError), transaction.atomic():
        bargain_help(user=helper, number=bargain.number, rng=ctx.rng)  # a first cut (unless the helper's day is full)
    made["friend_bargain"] = bargain.number
    return made


seeder = DemoSeeder(key="bargain", run=seed_bargain, present=bargain_present, rearm=rearm_bargain)
