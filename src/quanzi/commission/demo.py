"""Demo data of share-to-earn (issue 4, quanzi.core.seeding), on top of the shop and social seeds.

The demo shopper 小圈 is a distributor: her upline is creator 1, three shoppers joined through her
invitation, she shared four products that their merchants opted into distribution, and friends
bought through her links — orders in every stage, so /me/earnings/ shows pending, available and
withdrawn money, a reversed commission (a refunded order), and /me/wallet/ a paid withdrawal plus one
above the approval threshold waiting for the operator in /admin/. Everything goes through the
services (links, bindings, checkout, payment, settlement, withdrawals), at past moments of the clock.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from quanzi.core.seeding import DemoSeeder

H = dt.timedelta(hours=1)
# product key → commission rate (bps of the line price) the merchant opted it in with
PLANS = {"dahongpao": 2000, "longjing": 1500, "hoodie": 1800, "earbuds": 1200}
# (product key, quantity, stage) of the purchases friends made through 小圈's links
PURCHASES = [("dahongpao", 2, "settled"), ("hoodie", 1, "settled"), ("earbuds", 1, "settled"),
             ("longjing", 2, "settled"), ("dahongpao", 1, "completed"), ("hoodie", 1, "delivered"),
             ("earbuds", 1, "paid"), ("longjing", 1, "refund_full")]
DEMO_APPROVAL_THRESHOLD = 2000  # ¥20: low, so the demo shows a withdrawal waiting for the operator


def distribution_present(ctx) -> bool:
    from quanzi.commission.models import DistributionPlan

    return DistributionPlan.objects.exists()


def seed_distribution(ctx) -> dict[str, Any] | None:
    demo = ctx.demo_shopper()
    if demo is None:
        return None
    products = {k: v[0] for k, v in ctx.products_on_sale().items() if k in PLANS}
    counts: dict[str, Any] = {"plans": _plans(products)}
    friends = _network(ctx, demo)
    counts["directs"] = min(3, len(friends))
    counts["attributed_orders"] = _purchases(ctx, demo, products, friends)
    ctx.settle_due()
    counts["withdrawals"] = _withdrawals(ctx, demo)
    ctx.log(f"  distribution: {counts}")
    return counts


def _plans(products: dict) -> int:
    from quanzi.commission.services import plan_create

    for key, rate in PLANS.items():
        product = products.get(key)
        if product is not None:
            plan_create(shop=product.shop, rate_bps=rate, product_id=product.pk)
    return len(products)


def _network(ctx, demo) -> list:
    """小圈's upline is creator 1; three shoppers (with addresses) joined through her invitation.
    Returns the five shoppers who buy through her links."""
    from quanzi.accounts.selectors import user_get_by_email, users_with_address
    from quanzi.sharing.services import invitation_for, upline_bind
    from quanzi.shops.selectors import shop_owner_ids

    creator = user_get_by_email(email=ctx.data.CREATOR_EMAIL.format(n=1))
    if creator is not None:
        upline_bind(user=demo, upline=creator, via="code", code=invitation_for(user=creator).code)
    code = invitation_for(user=demo).code
    friends = users_with_address(exclude_ids={demo.pk, *shop_owner_ids()}, without_email=True, limit=5)
    for friend in friends[:3]:
        upline_bind(user=friend, upline=demo, via="code", code=code)
    return friends


def _purchases(ctx, demo, products: dict, friends: list) -> int:
    """Each friend opens 小圈's link (a click binds them), then buys at the stage's moment."""
    from quanzi.sharing.demo import share_click_create
    from quanzi.sharing.services import bind_user, share_link_for

    links = {key: share_link_for(sharer=demo, target_type="product", target_id=p.pk)[0]
             for key, p in products.items()}
    orders = 0
    for i, (key, qty, stage) in enumerate(PURCHASES):
        product, link = products.get(key), links.get(key)
        sku = product.skus.filter(is_active=True, stock__gte=qty).order_by("pk").first() if product else None
        if sku is None or not friends:
            continue
        buyer = friends[i % len(friends)]
        start = ctx.start_for(stage)
        clicked = start - 2 * H
        with ctx.at(clicked):
            share_click_create(link=link, user=buyer, ip=f"10.0.{i}.7", device=f"demo{i:012d}", at=clicked)
            bind_user(user_id=buyer.pk, product_id=product.pk, link_id=link.pk, sharer_id=demo.pk,
                      clicked_at=clicked)
        orders += len(ctx.story(buyer, [(sku, qty)], stage, start))
    # a few anonymous visits that did not buy, so the conversion rate is not 100 %
    for k, link in enumerate(links.values()):
        for j in range(3 + k):
            share_click_create(link=link, session_key=f"demo-visit-{k}-{j}", ip=f"10.1.{k}.{j}",
                               device=f"visit{k:05d}{j:06d}")
    return orders


def _withdrawals(ctx, demo) -> int:
    """One small withdrawal paid out; one above the demo's approval threshold for the operator."""
    from quanzi.wallet import selectors as wallet
    from quanzi.wallet.services import settings_update, withdrawal_pay, withdrawal_request

    settings_update(approval_threshold=DEMO_APPROVAL_THRESHOLD)
    account = {"account_type": "alipay", "account_number": ctx.data.DEMO_SHOPPER["phone"],
               "account_name": ctx.data.DEMO_SHOPPER["nickname"]}
    available = wallet.balances(user_id=demo.pk)["available"]
    made = 0
    if available >= 1000 + 1000:
        first = min(DEMO_APPROVAL_THRESHOLD, available // 2) // 100 * 100
        with ctx.at(ctx.ago(days=2)):
            w = withdrawal_request(user=demo, amount=first, **account)
            withdrawal_pay(withdrawal_id=w.pk)
        made += 1
        available = wallet.balances(user_id=demo.pk)["available"]
    if available > DEMO_APPROVAL_THRESHOLD:
        with ctx.at(ctx.ago(hours=3)):
            withdrawal_request(user=demo, amount=available // 100 * 100, **account)
        made += 1
    return made


seeder = DemoSeeder(
    key="distribution", label="share-to-earn", run=seed_distribution, present=distribution_present,
    describe=lambda r: (f"{r['plans']} products in distribution, {r['directs']} invited friends, "
                        f"{r['attributed_orders']} orders through shares, {r['withdrawals']} withdrawals"))
