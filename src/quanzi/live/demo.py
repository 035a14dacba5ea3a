"""Demo data of live rooms (issue 6, part 1; quanzi.core.seeding), on top of the shop seed.

Made through the live services (no media server in the demo: the rooms show a generated cover):
* a merchant room that is LIVE now, started 25 minutes ago, with a shelf of up to four of the shop's
  products, the first one pinned, and a few chat messages from background shoppers;
* one scheduled room tomorrow at 20:00 (the demo shopper 小圈 asked to be reminded);
* one room that ended yesterday, with chat history, likes, viewer sessions and a peak, for the replay
  and the stats page.
The host is the first demo merchant (its login is in the returned dict). Idempotent: any room of that
host means it ran. Viewer sessions and peaks are written here directly: they come from WebSocket
connections the demo never opens.

Re-arm (`rearm_live`, quanzi.demo.rearm): the demo host is always on air and always has a show coming
up. Whenever none of the host's rooms is live (the seeded one was ended by the `live_close_stale`
sweep, or by the host), a new room goes live "25 minutes ago" with the same shelf, a pinned product
and a little chat; whenever no room of the host is scheduled ahead, tomorrow's 20:00 show is
scheduled (小圈 asked to be reminded).
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from quanzi.core.seeding import DemoSeeder
from quanzi.core.translated_columns import write_translation

LIVE_CHAT = ["主播好!", "这件有白色吗?", "刚下单了 🎉", "链接在哪里", "质量怎么样", "求讲解一下尺码", "好看!"]
REPLAY_CHAT = ["来了来了", "今天有什么福利", "这个价格可以", "已拍 2 件", "下次什么时候播?", "谢谢主播"]


def host_shop(ctx):
    """The first approved shop of a demo merchant (…@quanzi.demo), whose owner hosts the rooms."""
    from quanzi.shops.selectors import shop_list_selling

    return next((s for s in shop_list_selling() if (s.owner.email or "").endswith("@quanzi.demo")), None)


def live_present(ctx) -> bool:
    from quanzi.live.models import LiveRoom

    shop = host_shop(ctx)
    return shop is not None and LiveRoom.objects.filter(host_id=shop.owner_id).exists()


def _cover(images, title: str, hue: float):
    from django.core.files.base import ContentFile
    from PIL import ImageDraw

    pal = images.palette(title, hue)
    colours = list(pal.values())
    img = images.gradient(720, 960, colours[0], colours[-1], angle=60)
    draw = ImageDraw.Draw(img)
    # no words on the cover (the room's title is shown beside it in the reader's language): a play mark
    draw.ellipse((270, 390, 450, 570), outline=(255, 255, 255), width=10)
    draw.polygon([(335, 435), (335, 525), (410, 480)], fill=(255, 255, 255))
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=82)
    return ContentFile(buf.getvalue(), name="cover.jpg")


def seed_live(ctx) -> dict[str, Any] | None:
    return LiveSeeder(ctx).run()


class LiveSeeder:
    def __init__(self, ctx):
        self.ctx = ctx
        self.counts: dict[str, Any] = {}

    def prepare(self, viewers: list) -> bool:
        """The host, the shelf and the viewers; False when the demo cannot make rooms."""
        from quanzi.catalog.selectors import sellable_products

        shop = host_shop(self.ctx)
        if shop is None:
            return False
        self.shop, self.host = shop, shop.owner
        self.products = list(sellable_products().filter(shop_id=shop.pk).order_by("pk")
                             .values_list("pk", flat=True)[:4])
        self.viewers = viewers
        self.demo = self.ctx.demo_shopper()
        return bool(self.products) and len(self.viewers) >= 3

    def run(self) -> dict[str, Any] | None:
        from quanzi.accounts.selectors import users_with_address

        if not self.prepare(users_with_address(without_email=True, newest_first=True, limit=8)):
            return None
        ended = self.ended_room()
        live = self.live_room()
        upcoming = self.upcoming_room()
        self.counts.update({"live_room": live.number, "upcoming_room": upcoming.number, "replay_room": ended.number,
                            "host_login": self.host.email, "host_password": self.ctx.data.MERCHANT_PASSWORD})
        self.ctx.log(f"  live rooms: {self.counts}")
        return self.counts

    def _create(self, title: str, when: dt.datetime, hue: float, products):
        from quanzi.live.services import room_create

        room = room_create(host=self.host, title=title.format(shop=self.shop.name_zh_hans), scheduled_at=when,
                           product_ids=list(products), cover=_cover(self.ctx.images, title, hue))
        write_translation(room, "en", title=self.ctx.data_en.LIVE_TITLES[title].format(shop=self.shop.name_en))
        return room

    def _watch(self, room, start: dt.datetime, minutes: list[int]) -> None:
        from quanzi.live.models import ViewerSession

        for user, length in zip(self.viewers, minutes, strict=False):
            ViewerSession.objects.create(room=room, user=user, joined_at=start,
                                         left_at=start + dt.timedelta(minutes=length))

    def _chat(self, room, lines: list[str]) -> None:
        from quanzi.core import clock
        from quanzi.live.services import chat_post

        for i, text in enumerate(lines):
            with clock.travel(dt.timedelta(seconds=20 * i - 20 * len(lines))):
                try:
                    chat_post(room_id=room.pk, user=self.viewers[i % len(self.viewers)], text=text)
                except Exception:  # noqa: BLE001 - a rate limit in a fast seed run only shortens the chat
                    pass

    def ended_room(self):
        from django.utils import timezone

        from quanzi.core import clock
        from quanzi.live.models import LiveRoom
        from quanzi.live.services import likes_add, room_end, room_start

        yesterday = timezone.localtime(clock.now()).replace(hour=20, minute=0, second=0, microsecond=0) \
            - dt.timedelta(days=1)
        if yesterday > clock.now() - dt.timedelta(hours=2):
            yesterday -= dt.timedelta(days=1)
        with clock.travel(yesterday - clock.now() - dt.timedelta(hours=1)):
            room = self._create("{shop} 上新夜", yesterday, 0.95, self.products)
        with clock.travel(yesterday - clock.now()):
            room = room_start(room=room)
            self._watch(room, yesterday, [70, 45, 30, 25, 20, 12, 8, 5])
        with clock.travel(yesterday + dt.timedelta(minutes=40) - clock.now()):
            self._chat(room, REPLAY_CHAT)
            likes_add(room_id=room.pk, count=1288)
        LiveRoom.objects.filter(pk=room.pk).update(peak_viewers=6)
        with clock.travel(yesterday + dt.timedelta(minutes=75) - clock.now()):
            room = room_end(room=room)
        return room

    def live_room(self):
        from quanzi.core import clock
        from quanzi.live.models import LiveRoom
        from quanzi.live.services import likes_add, pin_set, room_start

        start = clock.now() - dt.timedelta(minutes=25)
        with clock.travel(start - clock.now() - dt.timedelta(minutes=5)):
            room = self._create("{shop} 直播间 · 限时福利", start, 0.02, self.products)
        with clock.travel(start - clock.now()):
            room = room_start(room=room)
            pin_set(room=room, product_id=self.products[0])
            self._watch(room, start, [10, 8, 5])
        self._chat(room, LIVE_CHAT)
        likes_add(room_id=room.pk, count=356)
        LiveRoom.objects.filter(pk=room.pk).update(peak_viewers=3)
        return room

    def upcoming_room(self):
        from django.utils import timezone

        from quanzi.core import clock
        from quanzi.live.services import remind

        tomorrow = timezone.localtime(clock.now()).replace(hour=20, minute=0, second=0, microsecond=0) \
            + dt.timedelta(days=1)
        room = self._create("{shop} 明晚 8 点见", tomorrow, 0.6, self.products[:2])
        if self.demo is not None:
            remind(room=room, user=self.demo)
        return room


def rearm_live(ctx) -> dict[str, Any]:
    """A room of the demo host on air, and one scheduled ahead (see the module's doc)."""
    from quanzi.core import clock
    from quanzi.live.models import LiveRoom, RoomStatus

    if not live_present(ctx):  # the live demo was never seeded
        return {}
    live = LiveSeeder(ctx)
    if not live.prepare(ctx.demo_people()[-8:]):
        return {}
    rooms = LiveRoom.objects.filter(host_id=live.host.pk)
    made: dict[str, Any] = {}
    if not rooms.filter(status=RoomStatus.LIVE).exists():
        made["live_room"] = live.live_room().number
    if not rooms.filter(status=RoomStatus.SCHEDULED, scheduled_at__gt=clock.now()).exists():
        made["upcoming_room"] = live.upcoming_room().number
    return made


seeder = DemoSeeder(key="live", run=seed_live, present=live_present, rearm=rearm_live)
