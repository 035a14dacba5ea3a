"""Demo data for share-to-earn (issue 4), on top of the commerce and social seeds.

The demo shopper 小圈 is a distributor: her upline is creator 1 (数码…), three shoppers joined through
her invitation, she shared four products that their merchants opted into distribution, and friends
bought through her links — orders in every stage, so /me/earnings/ shows pending, available and
withdrawn money, a reversed commission (a refunded order), and /me/wallet/ a paid withdrawal plus one
above the approval threshold waiting for the operator in /admin/. Everything goes through the
services (links, bindings, checkout, payment, settlement, withdrawals), at past moments of the clock.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction

from quanzi.accounts.models import User
from quanzi.demo import data
from quanzi.demo.social_seed import creator_email, products_by_key

H = dt.timedelta(hours=1)
# product key → commission rate (bps of the line price) the merchant opted it in with
PLANS = {"dahongpao": 2000, "longjing": 1500, "hoodie": 1800, "earbuds": 1200}
# (product key, quantity, stage) of the purchases friends made through 小圈's links
PURCHASES = [("dahongpao", 2, "settled"), ("hoodie", 1, "settled"), ("earbuds", 1, "settled"),
             ("longjing", 2, "settled"), ("dahongpao", 1, "completed"), ("hoodie", 1, "delivered"),
             ("earbuds", 1, "paid"), ("longjing", 1, "refund_full")]
DEMO_APPROVAL_THRESHOLD = 2000  # ¥20: low, so the demo shows a withdrawal waiting for the operator


def already_seeded() -> bool:
    from quanzi.commission.models import DistributionPlan

    return DistributionPlan.objects.exists()


class DistributionSeeder:
    def __init__(self, *, out=None, seed: int = 2026):
        from quanzi.demo.seed import Seeder

        self.rng = random.Random(seed)
        self.out = out
        self.commerce = Seeder(out=out, seed=seed)  # its story()/settle_due() drive orders like the history
        self.counts: dict[str, Any] = {}

    def log(self, msg: str) -> None:
        if self.out is not None:
            self.out.write(msg)

    def run(self) -> dict[str, Any]:
        self.demo = User.objects.get(phone=data.DEMO_SHOPPER["phone"])
        self.products = {k: v[0] for k, v in products_by_key().items() if k in PLANS}
        self.plans()
        self.network()
        self.purchases()
        self.commerce.settle_due()
        self.withdrawals()
        self.log(f"  distribution: {self.counts}")
        return self.counts

    def plans(self) -> None:
        from quanzi.commission.services import plan_create

        for key, rate in PLANS.items():
            product = self.products.get(key)
            if product is not None:
                plan_create(shop=product.shop, rate_bps=rate, product_id=product.pk)
        self.counts["plans"] = len(self.products)

    def network(self) -> None:
        """小圈's upline is creator 1; three shoppers (with addresses) joined through her invitation."""
        from quanzi.sharing.services import invitation_for, upline_bind

        creator = User.objects.filter(email=creator_email(1)).first()
        if creator is not None:
            upline_bind(user=self.demo, upline=creator, via="code", code=invitation_for(creator).code)
        code = invitation_for(self.demo).code
        owners = set(User.objects.filter(shop__isnull=False).values_list("pk", flat=True))
        self.friends = list(User.objects.filter(addresses__isnull=False, is_staff=False, email__isnull=True)
                            .exclude(pk=self.demo.pk).exclude(pk__in=owners).distinct().order_by("pk")[:5])
        for friend in self.friends[:3]:
            upline_bind(user=friend, upline=self.demo, via="code", code=code)
        self.counts["directs"] = min(3, len(self.friends))

    def purchases(self) -> None:
        """Each friend opens 小圈's link (a click binds them), then buys at the stage's moment."""
        from quanzi.sharing.models import ShareClick
        from quanzi.sharing.services import bind_user, share_link_for

        links = {key: share_link_for(sharer=self.demo, target_type="product", target_id=p.pk)[0]
                 for key, p in self.products.items()}
        orders = 0
        for i, (key, qty, stage) in enumerate(PURCHASES):
            product, link = self.products.get(key), links.get(key)
            sku = product.skus.filter(is_active=True, stock__gte=qty).order_by("pk").first() if product else None
            if sku is None or not self.friends:
                continue
            buyer = self.friends[i % len(self.friends)]
            start = self.commerce.start_for(stage)
            clicked = start - 2 * H
            with self.commerce.at(clicked):
                ShareClick.objects.create(link=link, user=buyer, ip=f"10.0.{i}.7", device=f"demo{i:012d}",
                                          at=clicked)
                bind_user(user_id=buyer.pk, product_id=product.pk, link_id=link.pk, sharer_id=self.demo.pk,
                          clicked_at=clicked)
            orders += len(self.commerce.story(buyer, [(sku, qty)], stage, start))
        # a few anonymous visits that did not buy, so the conversion rate is not 100 %
        for k, link in enumerate(links.values()):
            for j in range(3 + k):
                ShareClick.objects.create(link=link, session_key=f"demo-visit-{k}-{j}", ip=f"10.1.{k}.{j}",
                                          device=f"visit{k:05d}{j:06d}")
        self.counts["attributed_orders"] = orders

    def withdrawals(self) -> None:
        """One small withdrawal paid out; one above the demo's approval threshold for the operator."""
        from quanzi.wallet import selectors as wallet
        from quanzi.wallet.services import settings_update, withdrawal_pay, withdrawal_request

        settings_update(approval_threshold=DEMO_APPROVAL_THRESHOLD)
        account = {"account_type": "alipay", "account_number": data.DEMO_SHOPPER["phone"],
                   "account_name": data.DEMO_SHOPPER["nickname"]}
        available = wallet.balances(self.demo.pk)["available"]
        made = 0
        if available >= 1000 + 1000:
            first = min(DEMO_APPROVAL_THRESHOLD, available // 2) // 100 * 100
            with self.commerce.at(self.commerce.ago(days=2)):
                w = withdrawal_request(user=self.demo, amount=first, **account)
                withdrawal_pay(withdrawal_id=w.pk)
            made += 1
            available = wallet.balances(self.demo.pk)["available"]
        if available > DEMO_APPROVAL_THRESHOLD:
            with self.commerce.at(self.commerce.ago(hours=3)):
                withdrawal_request(user=self.demo, amount=available // 100 * 100, **account)
            made += 1
        self.counts["withdrawals"] = made


def seed_distribution(*, out=None) -> dict[str, Any] | None:
    """Seed the share-to-earn demo once; None when it is already there (or the commerce seed is not)."""
    if already_seeded() or not User.objects.filter(phone=data.DEMO_SHOPPER["phone"]).exists():
        return None
    with transaction.atomic():
        return DistributionSeeder(out=out).run()
