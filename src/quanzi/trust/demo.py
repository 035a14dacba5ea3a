"""Demo data of trust and safety (issue 20, quanzi.core.seeding, order 96): a risk review queue with cases
found by the real detectors in real signals.

* a 刷单 ring: 小刷 shares a tea; six new accounts open the link from two phones on one network, all ship to
  one flat and each buys four times at clockwork 12-hour intervals — the rules and the dense-block peeling
  both find it, and 小刷's pending commissions are held;
* a reward farm: 拉新王 invites six accounts registered within the hour, all shipping to one address, each
  making one small order — an invite-burst star. The operator has already confirmed it as fraud.

Everything goes through the services (registration, invitations, share links and clicks, checkout with the
phone's fingerprint, the sandbox payment, delivery); the signals are recorded at once (the outbox would also
deliver them after the seed's commit: recording is idempotent) and detection runs like its sweep would.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from quanzi.core.seeding import DemoSeeder

H = dt.timedelta(hours=1)
PASSWORD = "Demo-trust-2026"
RING_FLAT = {"recipient": "张先生", "phone": "13800138000", "province": "广东省", "city": "深圳市",
             "district": "龙岗区", "detail": "坂田街道 某某公寓 3 栋 1702"}
FARM_FLAT = {"recipient": "李女士", "phone": "13900139000", "province": "河南省", "city": "郑州市",
             "district": "金水区", "detail": "花园路 88 号 2 单元 501"}


def trust_present(ctx) -> bool:
    from quanzi.trust.models import RiskCase

    return RiskCase.objects.exists()


def _person(email: str, nickname: str, address: dict):
    from quanzi.accounts.services import address_create, user_register

    user = user_register(identifier=email, password=PASSWORD, nickname=nickname)
    if not user.addresses.exists():
        address_create(user=user, data=address, is_default=True)
    return user


def _sku(products: dict, keys: tuple[str, ...], need: int):
    for key in keys:
        product = products.get(key)
        sku = product.skus.filter(is_active=True, stock__gte=need).order_by("pk").first() if product else None
        if sku is not None:
            return sku
    return None


def _buy(ctx, user, sku, at: dt.datetime, client: dict, stage: str = "delivered") -> list:
    from quanzi.orders.checkout import checkout_and_pay
    from quanzi.orders.services import CheckoutItem

    address = user.addresses.order_by("-is_default", "id").first()
    with ctx.at(at):
        orders, payment = checkout_and_pay(user=user, items=[CheckoutItem(sku.pk, 1, "list", "")],
                                           address_id=address.pk, context={"client": client}, clear_cart=False)
    paid_at = at + 5 * dt.timedelta(minutes=1)
    ctx.pay(payment, paid_at)
    for order in orders:
        order.refresh_from_db()
        ctx.fulfil(order, stage, paid_at)
    return orders


def _record(orders: list) -> None:
    from quanzi.trust import services

    for order in orders:
        order.refresh_from_db()
        services.order_paid_record(order_id=order.pk)
        if order.delivered_at:
            services.order_delivered_record(order_id=order.pk, at=order.delivered_at)


def _ring(ctx, products: dict) -> int:
    from quanzi.sharing.demo import share_click_create
    from quanzi.sharing.services import bind_user, share_link_for

    sku = _sku(products, ("dahongpao", "longjing", "hoodie", "earbuds"), 30)
    if sku is None:
        return 0
    leader = _person("ring-leader@trust.quanzi.demo", "小刷", RING_FLAT)
    link = share_link_for(sharer=leader, target_type="product", target_id=sku.product_id)[0]
    start = ctx.ago(days=3)
    orders = []
    for i in range(6):
        buyer = _person(f"ring{i + 1}@trust.quanzi.demo", f"新买家{i + 1}", RING_FLAT)
        client = {"device": f"ringphone{i % 2:07d}", "ip": f"203.0.113.{10 + i}"}
        t = start + i * 7 * dt.timedelta(minutes=1)
        with ctx.at(t - H):
            share_click_create(link=link, user=buyer, ip=client["ip"], device=client["device"], at=t - H)
            bind_user(user_id=buyer.pk, product_id=sku.product_id, link_id=link.pk, sharer_id=leader.pk,
                      clicked_at=t - H)
        for k in range(4):  # clockwork: every 12 hours
            orders += _buy(ctx, buyer, sku, t + k * 12 * H, client, stage="delivered" if k < 3 else "paid")
    _record(orders)
    return len(orders)


def _farm(ctx, products: dict) -> int:
    from quanzi.sharing.services import invitation_for, upline_bind
    from quanzi.trust import services

    sku = _sku(products, ("earbuds", "hoodie", "longjing", "dahongpao"), 8)
    if sku is None:
        return 0
    inviter = _person("farm-boss@trust.quanzi.demo", "拉新王", FARM_FLAT)
    code = invitation_for(user=inviter).code
    t0 = ctx.ago(days=2)
    orders = []
    for i in range(6):
        with ctx.at(t0 + i * 8 * dt.timedelta(minutes=1)):
            user = _person(f"farm{i + 1}@trust.quanzi.demo", f"新人{i + 1}", FARM_FLAT)
            upline_bind(user=user, upline=inviter, via="code", code=code)
            services.invited_record(user_id=user.pk, inviter_id=inviter.pk,
                                    at=t0 + i * 8 * dt.timedelta(minutes=1))
        orders += _buy(ctx, user, sku, t0 + H + i * 10 * dt.timedelta(minutes=1),
                       {"device": f"farmphone{i % 2:06d}", "ip": f"198.51.100.{60 + i}"}, stage="paid")
    _record(orders)
    ctx.shared["trust_farm_boss"] = inviter
    return len(orders)


def seed_trust(ctx) -> dict[str, Any] | None:
    from quanzi.accounts.selectors import user_get_by_email
    from quanzi.trust import services
    from quanzi.trust.selectors import open_case_numbers_of

    operator = user_get_by_email(email=ctx.data.OPERATOR["email"])
    if operator is None or user_get_by_email(email="ring-leader@trust.quanzi.demo") is not None:
        return None
    products = {k: v[0] for k, v in ctx.products_on_sale().items()}
    counts: dict[str, Any] = {"ring_orders": _ring(ctx, products), "farm_orders": _farm(ctx, products)}
    counts.update(services.detection_run())
    boss = ctx.shared.get("trust_farm_boss")
    for number in open_case_numbers_of(user_id=boss.pk) if boss is not None else []:
        services.case_decide(actor=operator, number=number, decision="fraud",
                             note="同一地址、同一小时注册的六个新号，只为拉新奖励。")
        counts["confirmed"] = counts.get("confirmed", 0) + 1
    ctx.log(f"  trust: {counts}")
    return counts


seeder = DemoSeeder(
    key="trust", label="trust and safety", run=seed_trust, present=trust_present,
    describe=lambda r: (f"{r['ring_orders']} ring orders, {r['farm_orders']} farm orders, "
                        f"{r['opened']} risk cases opened, {r.get('confirmed', 0)} confirmed"))
