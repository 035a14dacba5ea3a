"""Demo data of bargaining (砍价; quanzi.core.seeding), on top of the shop seed.

One active campaign on a demo product (list price → about a third of it with 8 helps, 48 hours per
bargain, new users cut more), made through the bargain services at past moments of the clock. The demo
shopper 小圈 started a bargain three hours ago and two other shoppers have cut it, so /b/<number>/
shows progress, helpers and a countdown, and there is room for more friends to cut (or for 小圈 to buy
at the current price).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from quanzi.core.seeding import DemoSeeder

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
                title=f"{product.title} · 砍价")
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


seeder = DemoSeeder(key="bargain", run=seed_bargain, present=bargain_present)
