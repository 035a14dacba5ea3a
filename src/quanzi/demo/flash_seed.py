"""Demo data for flash sales (秒杀), on top of the commerce seed.

One session is on now (it runs for three days from the seed) with three items of one shop:
- plenty left: 小圈 can win one and pay for it in the sandbox cashier;
- the last unit: the first visitor to press "Buy now" wins it, the next is told "Sold out";
- already sold out: two other shoppers won both units (one paid, one waiting to pay — if they do
  not pay within five minutes the unit comes back to the sale, live, through the sweeps).
A second session starts ten minutes after the seed, so the countdown and the buttons that wake up
at the start can be seen. Everything goes through the flash-sale services and purchase pipeline.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from quanzi.accounts.models import User
from quanzi.demo import data

SHOP_KEY_CANDIDATES = ["digital", "tea", "home"]  # the first demo shop with three cheap, stocked SKUs
ITEMS = [(20, 2), (1, 1), (2, 1)]  # (units, per-person limit) of the three items on now


def already_seeded() -> bool:
    from quanzi.flashsale.models import FlashSale

    return FlashSale.objects.exists()


def _skus(shop, n: int) -> list:
    from quanzi.catalog.models import Sku

    picked, products = [], set()
    for sku in Sku.objects.filter(product__shop=shop, product__status="on_shelf", is_active=True, stock__gte=25,
                                  price__gte=1000).select_related("product").order_by("price", "pk"):
        if sku.product_id not in products:
            picked.append(sku)
            products.add(sku.product_id)
        if len(picked) == n:
            break
    return picked


def _flash_price(list_price: int) -> int:
    """About 40 % off, ending in .90 like a real flash price."""
    return max(90, list_price * 60 // 100 // 100 * 100 - 10)


@transaction.atomic
def seed_flash(*, out=None) -> dict[str, Any] | None:
    from quanzi.core import clock
    from quanzi.flashsale import gate
    from quanzi.flashsale.purchase import purchase
    from quanzi.flashsale.services import sale_create, sale_publish, token_for
    from quanzi.shops.models import Shop

    if already_seeded():
        return None
    shop, skus = None, []
    for shop in Shop.objects.filter(status="approved").order_by("pk"):
        skus = _skus(shop, len(ITEMS) + 2)
        if len(skus) == len(ITEMS) + 2:
            break
    if len(skus) < len(ITEMS) + 2:
        return None
    now = clock.now()
    on_now = sale_create(shop=shop, title="整点秒杀 · Flash sale", starts_at=now - dt.timedelta(minutes=30),
                         ends_at=now + dt.timedelta(days=3), items=[
                             {"sku_id": s.pk, "price": _flash_price(s.price), "stock": units, "per_user_limit": limit}
                             for s, (units, limit) in zip(skus, ITEMS, strict=False)])
    sale_publish(sale_id=on_now.pk, shop=shop)
    soon = sale_create(shop=shop, title="下一场 · Next flash sale", starts_at=now + dt.timedelta(minutes=10),
                       ends_at=now + dt.timedelta(days=2), items=[
                           {"sku_id": s.pk, "price": _flash_price(s.price), "stock": 5, "per_user_limit": 1}
                           for s in skus[len(ITEMS):]])
    sale_publish(sale_id=soon.pk, shop=shop)
    demo = User.objects.get(phone=data.DEMO_SHOPPER["phone"])
    others = list(User.objects.filter(addresses__isnull=False, is_staff=False, shop__isnull=True, is_active=True)
                  .exclude(pk=demo.pk).distinct().order_by("-pk")[:2])
    sold_out = on_now.items.order_by("sort")[2]
    won = []
    gate.forget_meta()
    for user in others:  # both units of the third item go to two other shoppers
        token, _item = token_for(user=user, item_id=sold_out.pk)
        won.append(purchase(token=token, quantity=1, ip="127.0.0.1", user_id=user.pk))
    if won:
        from quanzi.demo.seed import Seeder

        Seeder(out=None).pay(won[0].payment, clock.now())
    result = {"sessions": 2, "items": on_now.items.count() + soon.items.count(), "won_by_others": len(won)}
    if out is not None:
        out.write(f"  flash sales: {result}")
    return result
