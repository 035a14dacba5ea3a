"""Demo data of commerce inside live rooms (issue 6, part 2; quanzi.core.seeding), after live's rooms.

On the first room that is live now (made by live/demo.py):
* a live-only price on the first shelf item (80 % of the list price, 10 units, 2 per viewer, 6 hours);
* the gift catalogue (the data migration's, restored if an operator removed it);
* three shoppers declared 18+, topped up their tip balance through the sandbox cashier and sent gifts,
  so the room has a tippers' leaderboard and the host a share of tips in /me/wallet/;
* one of them bought at the live price in the room and paid: the order carries the room and host,
  and the host's commission waits in earnings_pending until the order settles;
* the demo shopper 小圈 is declared 18+ with a small tip balance (¥20 topped up, one rose sent), so she
  can tip from the browser straight away.

Everything goes through the livesales services and the sandbox's signed notifications. Idempotent: a
live price already on the room means it ran.

Re-arm (`rearm_livesales`, quanzi.demo.rearm, after live's re-arm put the demo host on air): whenever
the demo host's live room has no live price running (it lasts six hours), one is started on the first
shelf item, as above.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from quanzi.core.seeding import DemoSeeder

DEMO_TOPUP = 2000  # ¥20.00
TIPPER_TOPUP = 20000  # ¥200.00
TIPS = [(0, "火箭", 1), (1, "跑车", 1), (2, "玫瑰", 10), (0, "棒棒糖", 5)]  # (tipper index, gift, count)
GIFTS = [("小心心", "Heart", "❤️", 10, 1), ("玫瑰", "Rose", "🌹", 100, 2), ("棒棒糖", "Lollipop", "🍭", 660, 3),
         ("跑车", "Sports car", "🏎️", 5200, 4), ("火箭", "Rocket", "🚀", 10000, 5)]


def live_room():
    """The first room (by creation) that is live now and has a shelf."""
    from quanzi.live.selectors import live_now, shelf

    for room in sorted(live_now(limit=1000), key=lambda r: r.pk):
        if shelf(room=room):
            return room
    return None


def livesales_present(ctx) -> bool:
    from quanzi.livesales.models import LivePrice

    room = live_room()
    return room is not None and LivePrice.objects.filter(room_id=room.pk).exists()


def seed_livesales(ctx) -> dict[str, Any] | None:
    room = live_room()
    if room is None:
        ctx.log("  livesales: no live room with a shelf (live/demo.py makes one); skipped")
        return None
    return LiveSalesSeeder(ctx, room).run()


class LiveSalesSeeder:
    def __init__(self, ctx, room):
        self.ctx, self.room = ctx, room
        self.counts: dict[str, Any] = {}

    def run(self) -> dict[str, Any]:
        self.gifts()
        lp = self.live_price()
        tippers = self.tippers()
        self.tips(tippers)
        if lp is not None and tippers:
            self.purchase(tippers[-1], lp)
        self.demo_shopper()
        self.ctx.log(f"  livesales: room {self.room.number}: {self.counts}")
        return {"room": self.room.number, **self.counts}

    def gifts(self) -> None:
        from quanzi.livesales.models import Gift

        for name, name_en, icon, price, sort in GIFTS:
            Gift.objects.get_or_create(name=name, defaults={"name_en": name_en, "icon": icon, "price": price,
                                                            "sort": sort})
        self.counts["gifts"] = Gift.objects.filter(is_active=True).count()

    def live_price(self):
        from quanzi.live.selectors import shelf
        from quanzi.livesales.services import live_price_start

        for item in sorted(shelf(room=self.room), key=lambda i: (i.sort, i.pk)):
            sku = item.product.skus.filter(is_active=True, stock__gte=20).order_by("pk").first()
            if sku is None or item.product.shop_id != (self.room.shop_id or item.product.shop_id):
                continue
            price = max(100, sku.price * 80 // 100 // 100 * 100)
            if price >= sku.price:
                continue
            lp = live_price_start(user=self.room.host, room_number=self.room.number, sku_id=sku.pk, price=price,
                                  stock=10, per_user_limit=2, duration_seconds=6 * 3600)
            self.counts["live_price"] = {"sku": sku.pk, "price": price}
            return lp
        return None

    def _declare_and_fund(self, user, amount: int) -> None:
        from quanzi.core import clock
        from quanzi.livesales.models import TipperDeclaration
        from quanzi.livesales.services import declaration_submit, topup_start

        if not TipperDeclaration.objects.filter(user=user).exists():
            declaration_submit(user=user, real_name=(user.nickname or "圈友")[:10].ljust(2, "友"),
                               birth_date=dt.date(1992, 8, 8))
        _topup, payment = topup_start(user=user, amount=amount)
        self.ctx.pay(payment, clock.now())

    def tippers(self) -> list:
        from quanzi.accounts.selectors import users_with_address
        from quanzi.shops.selectors import shop_owner_ids

        demo = self.ctx.demo_shopper()
        users = users_with_address(exclude_ids={self.room.host_id, demo.pk if demo else 0, *shop_owner_ids()},
                                   limit=3)
        for user in users:
            self._declare_and_fund(user, TIPPER_TOPUP)
        return users

    def tips(self, tippers: list) -> None:
        from quanzi.livesales.models import Gift
        from quanzi.livesales.services import tip_send

        gifts = {g.name: g for g in Gift.objects.filter(is_active=True)}
        sent = 0
        for index, name, count in TIPS:
            if index < len(tippers) and name in gifts:
                tip_send(user=tippers[index], room_number=self.room.number, gift_id=gifts[name].pk, count=count)
                sent += 1
        self.counts["tips"] = sent

    def purchase(self, buyer, lp) -> None:
        from quanzi.core import clock
        from quanzi.livesales.services import live_buy

        address = buyer.addresses.order_by("-is_default", "id").first()
        order, payment = live_buy(user=buyer, room_number=self.room.number, sku_id=lp.sku_id, quantity=1,
                                  address_id=address.pk, live_price_id=lp.pk)
        self.ctx.pay(payment, clock.now())
        self.counts["purchase"] = order.number

    def demo_shopper(self) -> None:
        from quanzi.livesales.models import Gift
        from quanzi.livesales.services import tip_send

        demo = self.ctx.demo_shopper()
        if demo is None or demo.pk == self.room.host_id:
            return
        self._declare_and_fund(demo, DEMO_TOPUP)
        rose = Gift.objects.filter(name="玫瑰", is_active=True).first()
        if rose is not None:
            tip_send(user=demo, room_number=self.room.number, gift_id=rose.pk, count=1)
        self.counts["demo_balance"] = DEMO_TOPUP - (rose.price if rose else 0)


def rearm_livesales(ctx) -> dict[str, Any]:
    """A live price running in the demo host's live room (see the module's doc)."""
    from quanzi.core import clock
    from quanzi.live.demo import host_shop
    from quanzi.live.selectors import live_now, shelf
    from quanzi.livesales.models import LivePrice

    shop = host_shop(ctx)
    if shop is None or not LivePrice.objects.filter(created_by_id=shop.owner_id).exists():
        return {}  # the livesales demo was never seeded
    room = next((r for r in sorted(live_now(limit=1000), key=lambda r: -r.pk)
                 if r.host_id == shop.owner_id and shelf(room=r)), None)
    if room is None or LivePrice.objects.filter(LivePrice.running_q(clock.now()), room_id=room.pk).exists():
        return {}
    seeder = LiveSalesSeeder(ctx, room)
    lp = seeder.live_price()
    return {"room": room.number, "live_price": lp.pk} if lp is not None else {}


seeder = DemoSeeder(key="livesales", run=seed_livesales, present=livesales_present, rearm=rearm_livesales)
