"""Demo data of flash sales (秒杀; quanzi.core.seeding), on top of the shop seed.

One session is on now (it runs for three days from the seed) with three items of one shop:
- plenty left: 小圈 can win one and pay for it in the sandbox cashier;
- the last unit: the first visitor to press "Buy now" wins it, the next is told "Sold out";
- already sold out: two other shoppers won both units (one paid, one waiting to pay — if they do
  not pay within five minutes the unit comes back to the sale, live, through the sweeps).
A second session starts ten minutes after the seed, so the countdown and the buttons that wake up
at the start can be seen. Everything goes through the flash-sale services and purchase pipeline.

Re-arm (`rearm_flash`, quanzi.demo.rearm): sessions run on the hour, like 整点秒杀. Whenever no session of
the demo shop is on now with units left, one is made for the current hour; whenever none is coming
up, one is made for the next hour — so there is always something to win and a countdown to watch.
Sessions end by themselves (the `flashsale_close` sweep returns their leftovers to the SKUs).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from quanzi.core.seeding import DemoSeeder
from quanzi.core.translated_columns import write_translation

ITEMS = [(20, 2), (1, 1), (2, 1)]  # (units, per-person limit) of the three items on now
SESSION_ITEMS = [(10, 2), (5, 1), (3, 1)]  # (units, per-person limit) of a re-armed hourly session
SESSION = dt.timedelta(hours=1)


def flash_present(ctx) -> bool:
    from quanzi.flashsale.models import FlashSale

    return FlashSale.objects.exists()


def _skus(shop_id: int, n: int) -> list:
    """The shop's `n` cheapest stocked SKUs of at least ¥10, one per product."""
    from quanzi.catalog.selectors import sku_list_selling

    picked, products = [], set()
    for sku in sorted(sku_list_selling(shop_id=shop_id, min_stock=25, min_price=1000), key=lambda s: (s.price, s.pk)):
        if sku.product_id not in products:
            picked.append(sku)
            products.add(sku.product_id)
        if len(picked) == n:
            break
    return picked


def _flash_price(list_price: int) -> int:
    """About 40 % off, ending in .90 like a real flash price."""
    return max(90, list_price * 60 // 100 // 100 * 100 - 10)


def seed_flash(ctx) -> dict[str, Any] | None:
    from quanzi.core import clock
    from quanzi.flashsale.services import sale_create, sale_publish
    from quanzi.shops.selectors import shop_list_selling

    shop, skus = None, []
    for shop in shop_list_selling():  # the first approved shop with enough cheap, stocked SKUs
        skus = _skus(shop.pk, len(ITEMS) + 2)
        if len(skus) == len(ITEMS) + 2:
            break
    demo = ctx.demo_shopper()
    if len(skus) < len(ITEMS) + 2 or demo is None:
        return None
    now = clock.now()
    on_now = sale_create(shop=shop, title="整点秒杀", starts_at=now - dt.timedelta(minutes=30),
                         ends_at=now + dt.timedelta(days=3), items=[
                             {"sku_id": s.pk, "price": _flash_price(s.price), "stock": units, "per_user_limit": limit}
                             for s, (units, limit) in zip(skus, ITEMS, strict=False)])
    write_translation(on_now, "en", title=ctx.data_en.FLASH_TITLES["整点秒杀"])
    sale_publish(sale_id=on_now.pk, shop=shop)
    soon = sale_create(shop=shop, title="下一场秒杀", starts_at=now + dt.timedelta(minutes=10),
                       ends_at=now + dt.timedelta(days=2), items=[
                           {"sku_id": s.pk, "price": _flash_price(s.price), "stock": 5, "per_user_limit": 1}
                           for s in skus[len(ITEMS):]])
    write_translation(soon, "en", title=ctx.data_en.FLASH_TITLES["下一场秒杀"])
    sale_publish(sale_id=soon.pk, shop=shop)
    won = _sell_out(ctx, demo, on_now.items.order_by("sort")[2])
    result = {"sessions": 2, "items": on_now.items.count() + soon.items.count(), "won_by_others": won}
    ctx.log(f"  flash sales: {result}")
    return result


def _sell_out(ctx, demo, item) -> int:
    """Both units of the third item go to two other shoppers; the first pays."""
    from quanzi.accounts.selectors import users_with_address
    from quanzi.core import clock
    from quanzi.flashsale import gate
    from quanzi.flashsale.purchase import purchase
    from quanzi.flashsale.services import token_for
    from quanzi.shops.selectors import shop_owner_ids

    others = users_with_address(exclude_ids={demo.pk, *shop_owner_ids()}, newest_first=True, limit=2)
    won = []
    gate.forget_meta()
    for user in others:
        token, _item = token_for(user=user, item_id=item.pk)
        won.append(purchase(token=token, quantity=1, ip="127.0.0.1", user_id=user.pk))
    if won:
        ctx.pay(won[0].payment, clock.now())
    return len(won)


def _hour(moment: dt.datetime) -> dt.datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def _session(ctx, shop, start: dt.datetime) -> Any:
    """A published hourly session of the shop's cheapest stocked SKUs (None when none is left)."""
    from django.utils import timezone

    from quanzi.flashsale.services import sale_create, sale_publish

    skus = _skus(shop.pk, len(SESSION_ITEMS))
    if not skus:
        return None
    label = timezone.localtime(start).strftime("%H:%M")
    sale = sale_create(shop=shop, title=f"整点秒杀 · {label} 场", starts_at=start, ends_at=start + SESSION, items=[
        {"sku_id": s.pk, "price": _flash_price(s.price), "stock": min(units, s.stock), "per_user_limit": limit}
        for s, (units, limit) in zip(skus, SESSION_ITEMS, strict=False)])
    write_translation(sale, "en", title=ctx.data_en.FLASH_TITLES["整点秒杀 · {label} 场"].format(label=label))
    return sale_publish(sale_id=sale.pk, shop=shop)


def rearm_flash(ctx) -> dict[str, Any]:
    """A session of the demo shop on now with units left, and one coming up (see the module's doc)."""
    from quanzi.catalog.selectors import pool_units
    from quanzi.core import clock
    from quanzi.flashsale.models import FlashSale, SaleStatus

    shops = ctx.demo_shop_ids()
    seeded = FlashSale.objects.filter(shop_id__in=shops).select_related("shop").order_by("pk").first()
    if seeded is None:  # the flash-sale demo was never seeded
        return {}
    now = clock.now()
    published = list(FlashSale.objects.filter(shop_id__in=shops, status=SaleStatus.PUBLISHED, ends_at__gt=now)
                     .prefetch_related("items"))
    on_now = [item.stock_pool for sale in published if sale.starts_at <= now for item in sale.items.all()]
    made: dict[str, Any] = {}
    if not any(pool_units(pools=on_now).values()):
        sale = _session(ctx, seeded.shop, _hour(now))
        if sale is not None:
            made["session_now"] = sale.title
    if not any(sale.starts_at > now for sale in published):
        sale = _session(ctx, seeded.shop, _hour(now) + SESSION)
        if sale is not None:
            made["session_next"] = sale.title
    return made


seeder = DemoSeeder(key="flash", run=seed_flash, present=flash_present, rearm=rearm_flash)
