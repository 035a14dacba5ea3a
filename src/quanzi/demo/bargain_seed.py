"""Demo data for bargaining (砍价), on top of the commerce seed.

One active campaign on a demo product (list price → about a third of it with 8 helps, 48 hours per
bargain, new users cut more), made through the bargain services at past moments of the clock. The demo
shopper 小圈 started a bargain three hours ago and two other shoppers have cut it, so /b/<number>/
shows progress, helpers and a countdown, and there is room for more friends to cut (or for 小圈 to buy
at the current price).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction

from quanzi.accounts.models import User
from quanzi.demo import data

# product keys to try in order (a single-SKU product without a group buy reads best)
PRODUCT_KEYS = ["teacup", "speaker", "stand", "floorlamp", "keyboard", "coffee", "candle", "tote", "mouse", "cable"]
EXPECTED_HELPS = 8
FLOOR_PERCENT = 35  # the floor: 35 % of the list price, rounded down to whole yuan
POOL_UNITS = 10
TIME_LIMIT_SECONDS = 48 * 3600


def already_seeded() -> bool:
    from quanzi.bargain.models import BargainCampaign

    return BargainCampaign.objects.exists()


class BargainSeeder:
    def __init__(self, *, out=None, seed: int = 2026):
        from quanzi.demo.seed import Seeder

        self.out = out
        self.rng = random.Random(seed)
        self.commerce = Seeder(out=out, seed=seed)  # its ago()/at() move the clock
        self.counts: dict[str, Any] = {}

    def log(self, msg: str) -> None:
        if self.out is not None:
            self.out.write(msg)

    def run(self) -> dict[str, Any] | None:
        self.demo = User.objects.get(phone=data.DEMO_SHOPPER["phone"])
        helpers = list(User.objects.filter(addresses__isnull=False, is_staff=False, email__isnull=True,
                                           shop__isnull=True, is_active=True)
                       .exclude(pk=self.demo.pk).distinct().order_by("pk")[:2])
        campaign = self.campaign()
        if campaign is None or len(helpers) < 2:
            return None
        self.bargain(campaign, helpers)
        self.log(f"  bargains: {self.counts}")
        return self.counts

    def campaign(self):
        from quanzi.bargain.services import campaign_activate, campaign_create
        from quanzi.demo.social_seed import products_by_key

        products = products_by_key()
        for key in PRODUCT_KEYS:
            product = products.get(key, (None, {}))[0]
            if product is None or product.group_campaigns.exists():
                continue
            sku = product.skus.filter(is_active=True, stock__gte=4).order_by("price", "pk").first()
            if sku is None:
                continue
            floor = max(100, sku.price * FLOOR_PERCENT // 100 // 100 * 100)
            if sku.price - floor < EXPECTED_HELPS:
                continue
            start = self.commerce.ago(days=1)
            with self.commerce.at(start):
                campaign = campaign_create(
                    shop=product.shop, sku_id=sku.pk, floor_price=floor, expected_helps=EXPECTED_HELPS,
                    stock=min(POOL_UNITS, sku.stock // 2), time_limit_seconds=TIME_LIMIT_SECONDS,
                    new_user_bonus=True, starts_at=start, ends_at=self.commerce.t0 + dt.timedelta(days=10),
                    title=f"{product.title} · 砍价")
                campaign_activate(campaign_id=campaign.pk, shop=product.shop)
            self.counts.update(campaign=campaign.pk, product=product.pk)
            return campaign
        return None

    def bargain(self, campaign, helpers) -> None:
        """Three hours ago 小圈 started a bargain; two shoppers cut it an hour later and just now."""
        from quanzi.bargain.services import bargain_help, bargain_start

        with self.commerce.at(self.commerce.ago(hours=3)):
            bargain = bargain_start(user=self.demo, campaign_id=campaign.pk)
        for helper, moment in zip(helpers, [self.commerce.ago(hours=2), self.commerce.ago(minutes=20)], strict=True):
            with self.commerce.at(moment):
                bargain_help(user=helper, number=bargain.number, rng=self.rng)
        bargain.refresh_from_db()
        self.counts.update(bargain=bargain.number, current_price=bargain.current_price, helps=bargain.helps_count)


def seed_bargain(*, out=None) -> dict[str, Any] | None:
    """Seed the bargain demo once; None when it is already there (or the commerce seed is not)."""
    if already_seeded() or not User.objects.filter(phone=data.DEMO_SHOPPER["phone"]).exists():
        return None
    with transaction.atomic():
        return BargainSeeder(out=out).run()
