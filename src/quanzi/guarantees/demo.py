"""Demo data of guarantees (issue 20; quanzi.core.seeding), after ads (92) and before reconciliation (99),
which reads the demo's payments.

* The tea shop (山野茶舍, merchant1@quanzi.demo) opted into 假一赔十 and 7-day no-reason returns a month ago
  and paid a ¥3,000 deposit at the sandbox cashier (clearing → its deposit), so its shop and product pages
  show the badges.
* The demo shopper (小圈) received one of its teas (one of the demo's orders) and filed a counterfeit claim
  with a photo; the shop contested it, the operator (admin@quanzi.demo) upheld it, and it was paid — ten
  times the price, up to the ¥1,000 cap — from the shop's deposit into 小圈's wallet (one balanced ledger
  transaction).
* A seeded shopper's claim (a refused 7-day return) waits for the merchant's answer in the console.

Everything goes through the guarantees services and the sandbox's signed notifications. Idempotent: any
guarantee in the database means it ran.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from quanzi.core.seeding import DemoSeeder

MERCHANT = "merchant1@quanzi.demo"
DEPOSIT = 300_000  # ¥3,000: covers both promises (¥1,500) after the upheld claim is paid
KINDS = ("counterfeit", "returns_7day")
COUNTERFEIT_TEXT = "收到的龙井茶叶颜色发黄、碎末多，包装上的防伪码扫不出来，和店里的图片完全不一样，怀疑是假货。"
CONTEST_NOTE = "本店茶叶均从杭州茶农直采，附进货单据；防伪码可能是运输中磨损。"
DECISION_NOTE = "防伪码无法验证，商家未能提供该批次的检测报告，支持买家。"
RETURN_TEXT = "收到后 3 天申请 7 天无理由退货，商家以“已拆封”为由拒绝，但茶叶未饮用。"


def guarantees_present(ctx) -> bool:
    from quanzi.guarantees.models import Guarantee

    return Guarantee.objects.exists()


def _tea_sku(ctx, shop_id: int, skip: int = 0):
    """An active SKU with stock of one of the shop's products on sale."""
    products = sorted((p for p, _d in ctx.products_on_sale().values() if p.shop_id == shop_id), key=lambda p: p.pk)
    skus = [s for p in products for s in p.skus.filter(is_active=True).order_by("pk")[:1] if s.stock >= 2]
    return skus[skip % len(skus)] if skus else None


def _photo(ctx, key: str):
    images = ctx.images
    return images.jpeg_upload(images.product_picture(key=key, motif="tea", variant=1, hue=0.11), "evidence.jpg")


def _received_line(ctx, user, shop_id: int, since, skip: int = 0):
    """A line the user received from the shop, paid after `since`: one of the demo's orders when there is
    one (so the user's order list is not changed), else a new order taken to delivered."""
    from quanzi.orders.selectors import order_lines_received_by

    lines = [ln for ln in order_lines_received_by(user=user, limit=100)
             if ln.order.shop_id == shop_id and ln.order.paid_at and ln.order.paid_at > since]
    if lines:
        line = lines[-1]  # the oldest: the newest orders stay as the other seeders left them
        return line.order, line
    sku = _tea_sku(ctx, shop_id, skip=skip)
    [order] = ctx.story(user, [(sku, 1)], "delivered", ctx.start_for("delivered"))
    order.refresh_from_db()
    return order, order.lines.first()


def seed_guarantees(ctx) -> dict[str, Any] | None:
    from quanzi.accounts.selectors import user_get_by_email
    from quanzi.guarantees import services
    from quanzi.shops.selectors import shop_for_owner

    owner = user_get_by_email(email=MERCHANT)
    shop = shop_for_owner(user=owner) if owner is not None else None
    operator = user_get_by_email(email=ctx.data.OPERATOR["email"])
    buyer, people = ctx.demo_shopper(), ctx.demo_people()
    sku = _tea_sku(ctx, shop.pk) if shop is not None else None
    if sku is None or operator is None or buyer is None or not people:
        ctx.log("  guarantees: the tea shop, its products or the demo people are missing; skipped")
        return None
    opted_in = ctx.ago(days=30)
    with ctx.at(opted_in):
        for kind in KINDS:
            services.guarantee_opt_in(user=owner, kind=kind)
        _row, payment = services.deposit_start(user=owner, amount=DEPOSIT)
    ctx.pay(payment, opted_in)

    order, line = _received_line(ctx, buyer, shop.pk, opted_in)
    filed_at = (order.delivered_at or order.paid_at) + dt.timedelta(hours=3)
    with ctx.at(filed_at):
        claim = services.claim_file(user=buyer, line_id=line.pk, kind="counterfeit", description=COUNTERFEIT_TEXT,
                                    photos=[_photo(ctx, f"claim{line.pk}")])
    with ctx.at(filed_at + dt.timedelta(hours=20)):
        services.claim_answer(user=owner, number=claim.number, accept=False, note=CONTEST_NOTE)
    with ctx.at(filed_at + dt.timedelta(hours=30)):
        claim = services.claim_decide(operator=operator, number=claim.number, decision="upheld", note=DECISION_NOTE)

    _order, waiting_line = _received_line(ctx, people[0], shop.pk, opted_in, skip=1)
    services.claim_file(user=people[0], line_id=waiting_line.pk, kind="returns_7day", description=RETURN_TEXT)
    result = {"deposit": DEPOSIT, "claims": 2, "paid": claim.amount, "from deposit": claim.from_deposit}
    ctx.log(f"  guarantees: {result}")
    return result


seeder = DemoSeeder(key="guarantees", run=seed_guarantees, present=guarantees_present)
