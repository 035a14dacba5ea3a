"""Demo data of coupons (issue 16; quanzi.core.seeding), late in the seed (after the other apps' orders, before
reconciliation (99) reads the day's payments), so the other stories' orders stay as they were written.

* The platform (admin@quanzi.demo) runs four coupons: a ¥15 sign-up gift (granted to every new account), 满199减20
  with a ¥2,000 budget, a free-shipping coupon and a code, QUANZI2026 (¥8 off over ¥59).
* The tea shop (山野茶舍, merchant1@quanzi.demo) runs 满99减15 and 10 % off (up to ¥30); the apparel studio
  (织物所) 满59减5. Seeded shoppers claimed them over the last three weeks and some used them on paid orders,
  so the console's coupon page shows issued, used, cost and GMV.
* The demo shopper (小圈) holds coupons to try at checkout (the best one is applied), and has one paid order
  bought with the tea shop's 满99减15 — each line carries its share of the discount — of which one line was
  refunded: the refund is what that line cost after its share of the coupon.
* Share-a-coupon: the tea shop rewards sharing its 满99减15 with a ¥5 coupon. 小圈 shared it; two friends
  claimed it through the link; one friend's order with it was delivered and settled after the return window,
  which earned 小圈 the reward; the other friend's order is paid and its reward waits for settlement.

Everything goes through the coupons services and real checkouts paid at the sandbox. Idempotent: any coupon
template in the database means it ran.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from quanzi.core.seeding import DemoSeeder

CODE = "QUANZI2026"


def coupons_present(ctx) -> bool:
    from quanzi.coupons.models import CouponTemplate

    return CouponTemplate.objects.exists()


def _shop(n: int):
    from quanzi.accounts.selectors import user_get_by_email
    from quanzi.shops.selectors import shop_for_owner

    owner = user_get_by_email(email=f"merchant{n}@quanzi.demo")
    return (shop_for_owner(user=owner), owner) if owner is not None else (None, None)


def _templates(ctx, operator, tea, apparel) -> dict[str, Any]:
    from quanzi.coupons.services import template_create

    ends = ctx.t0 + dt.timedelta(days=60)
    base = {"starts_at": ctx.ago(days=21), "ends_at": ends, "per_user_limit": 1}
    platform = [
        ("gift", {"name": "新人专享 无门槛¥15", "kind": "fixed", "amount_off": 1500, "channel": "new_user",
                  "total_count": 100000, "valid_days": 14, "new_users_only": True}),
        ("p199", {"name": "平台满199减20", "kind": "fixed", "amount_off": 2000, "min_spend": 19900, "total_count": 2000,
                  "budget_amount": 2_000_000}),
        ("ship", {"name": "全场包邮券", "kind": "free_shipping", "total_count": 5000, "per_user_limit": 2}),
        ("code", {"name": "圈子8元券", "kind": "fixed", "amount_off": 800, "min_spend": 5900, "total_count": 3000,
                  "channel": "code", "code": CODE}),
    ]
    with ctx.at(ctx.ago(days=21)):
        reward = template_create(issuer="shop", shop=tea, actor=tea.owner, data={
            **base, "name": "老友回馈 无门槛¥5", "kind": "fixed", "amount_off": 500, "channel": "reward",
            "total_count": 1000, "valid_days": 30, "stacking_group": "tea-reward"})
    shops = [
        ("tea99", tea, {"name": "店铺满99减15", "kind": "fixed", "amount_off": 1500, "min_spend": 9900, "total_count": 500,
                        "share_reward_id": reward.pk}),
        ("tea10", tea, {"name": "好茶9折 最高减30", "kind": "percent", "percent_off": 10, "max_discount": 3000,
                        "total_count": 300, "stacking_group": "tea-percent"}),
        ("apparel59", apparel, {"name": "满59减5", "kind": "fixed", "amount_off": 500, "min_spend": 5900,
                                "total_count": 800, "valid_days": 7}),
    ]
    with ctx.at(ctx.ago(days=21)):
        out = {key: template_create(issuer="platform", actor=operator, data={**base, **spec}) for key, spec in platform}
        for key, shop, spec in shops:
            out[key] = template_create(issuer="shop", shop=shop, actor=shop.owner, data={**base, **spec})
    return out


def _skus_of(ctx, shop_id: int, least_price: int = 0) -> list:
    products = sorted((p for p, _d in ctx.products_on_sale().values() if p.shop_id == shop_id), key=lambda p: p.pk)
    return [s for p in products for s in p.skus.filter(is_active=True, stock__gte=5).order_by("pk")[:1]
            if s.price >= least_price]


def _buy(ctx, user, lines, when, *, pay: bool = True):
    """A checkout at `when` with the best coupons the user holds, paid a few minutes later."""
    from quanzi.orders.checkout import checkout_and_pay
    from quanzi.orders.services import CheckoutItem

    address = user.addresses.order_by("-is_default", "id").first()
    with ctx.at(when):
        orders, payment = checkout_and_pay(user=user, items=[CheckoutItem(s.pk, q) for s, q in lines],
                                           address_id=address.pk, clear_cart=False)
    if pay:
        ctx.pay(payment, when + dt.timedelta(minutes=3))
    return orders


def seed_coupons(ctx) -> dict[str, Any] | None:
    from quanzi.accounts.selectors import user_get_by_email
    from quanzi.coupons.services import coupon_claim, coupon_redeem
    from quanzi.orders.aftersales import aftersale_approve, aftersale_request

    operator = user_get_by_email(email=ctx.data.OPERATOR["email"])
    (tea, _o1), (apparel, _o2) = _shop(1), _shop(2)
    me, people = ctx.demo_shopper(), [p for p in ctx.demo_people() if p.addresses.exists()]
    tea_skus = _skus_of(ctx, tea.pk) if tea is not None else []
    if operator is None or tea is None or apparel is None or me is None or len(people) < 4 or len(tea_skus) < 2:
        ctx.log("  coupons: the operator, the shops, their goods or the demo people are missing; skipped")
        return None
    t = _templates(ctx, operator, tea, apparel)
    apparel_skus = _skus_of(ctx, apparel.pk, least_price=6000)

    claims = used = 0
    for i, person in enumerate(people[:14]):  # shoppers find the coupons over three weeks
        when = ctx.ago(days=20 - i, hours=ctx.rng.uniform(1, 9))
        with ctx.at(when):
            for key in ("tea99", "p199", "apparel59") if i % 3 else ("tea99", "ship"):
                coupon_claim(user=person, template_id=t[key].pk, how="centre")
                claims += 1
        if i % 2 == 0:  # half of them buy with it a little later
            lines = [(tea_skus[i % len(tea_skus)], 2)] if i % 4 else [(tea_skus[0], 1), (tea_skus[1], 1)]
            if apparel_skus and i % 3:
                lines.append((apparel_skus[i % len(apparel_skus)], 1))
            orders = _buy(ctx, person, lines, when + dt.timedelta(hours=ctx.rng.uniform(2, 30)))
            used += sum(1 for o in orders for a in o.adjustments if a["source"] == "coupon")

    # 小圈: one order bought with the tea shop's 满99减15, one of its lines refunded; coupons to try at checkout
    with ctx.at(ctx.ago(days=6)):
        coupon_claim(user=me, template_id=t["tea99"].pk, how="shop")
    [order] = _buy(ctx, me, [(tea_skus[0], 1), (tea_skus[1], 2)], ctx.ago(days=6, hours=-1))
    line = order.lines.order_by("id").last()
    with ctx.at(ctx.ago(days=5, hours=20)):
        request = aftersale_request(user=me, order_id=order.pk, line_id=line.pk, kind="refund_only", quantity=1,
                                    reason="changed_mind", description="买多了一份，还没发货，退一份。")
    with ctx.at(ctx.ago(days=5, hours=18)):
        aftersale_approve(shop=tea, after_sale_id=request.pk, note="已退一份，谢谢支持。")
    ctx.flush_refunds()
    with ctx.at(ctx.ago(days=2)):
        for key in ("p199", "ship", "tea10"):
            coupon_claim(user=me, template_id=t[key].pk, how="centre")
        coupon_redeem(user=me, code=CODE)
    shared = _share_story(ctx, me, people[14:16], t["tea99"], tea_skus)
    result = {"templates": len(t) + 1, "claims": claims + 5, "used": used + 1, "refunded line": line.pk, **shared}
    ctx.log(f"  coupons: {result}")
    return result


def _share_story(ctx, me, friends, template, skus) -> dict[str, Any]:
    """小圈 shares the tea shop's 满99减15; two friends claim it through the link and buy with it: one order
    settles (the reward is granted), the other is paid and its reward waits."""
    from quanzi.coupons.services import coupon_claim_shared, rewards_decide, share_link

    if len(friends) < 2:
        return {}
    with ctx.at(ctx.ago(days=19)):
        link = share_link(user=me, template_id=template.pk)
    for friend in friends:
        with ctx.at(ctx.ago(days=18, hours=ctx.rng.uniform(1, 20))):
            coupon_claim_shared(user=friend, code=link.code)
    [settled] = ctx.story(friends[0], [(skus[0], 1), (skus[1], 1)], "completed", ctx.ago(days=17))
    _buy(ctx, friends[1], [(skus[1], 2)], ctx.ago(days=1, hours=4))
    ctx.settle_due()
    decided = rewards_decide(order_ids=[settled.pk])  # the outbox would; the seed does not wait for it
    return {"shared link": link.code, "rewards": decided}


seeder = DemoSeeder(key="coupons", run=seed_coupons, present=coupons_present)
