"""Demo data for live rooms (issue 6, part 1), on top of the commerce seed.

Made through the live services (no media server in the demo: the rooms show a generated cover):
* a merchant room that is LIVE now, started 25 minutes ago, with a shelf of up to four of the shop's
  products, the first one pinned, and a few chat messages from background shoppers;
* one scheduled room tomorrow at 20:00 (the demo shopper 小圈 asked to be reminded);
* one room that ended yesterday, with chat history, likes, viewer sessions and a peak, for the replay
  and the stats page.
The host is the first demo merchant (its login is in the returned dict). Idempotent: a second run
changes nothing (any room of that host means it ran).
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from quanzi.accounts.models import User
from quanzi.core import clock
from quanzi.demo import data

LIVE_CHAT = ["主播好!", "这件有白色吗?", "刚下单了 🎉", "链接在哪里", "质量怎么样", "求讲解一下尺码", "好看!"]
REPLAY_CHAT = ["来了来了", "今天有什么福利", "这个价格可以", "已拍 2 件", "下次什么时候播?", "谢谢主播"]


def _cover(title: str, hue: float) -> ContentFile:
    from PIL import ImageDraw

    from quanzi.demo import images

    pal = images.palette(title, hue)
    colours = list(pal.values())
    img = images.gradient(720, 960, colours[0], colours[-1], angle=60)
    draw = ImageDraw.Draw(img)
    f = images.font(56, cjk=images.cjk_available())
    text = title if images.cjk_available() else "LIVE"
    draw.text((60, 780), text, fill=(255, 255, 255), font=f)
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=82)
    return ContentFile(buf.getvalue(), name="cover.jpg")


class LiveSeeder:
    def __init__(self, *, out=None):
        self.out = out
        self.counts: dict[str, Any] = {}

    def log(self, msg: str) -> None:
        if self.out is not None:
            self.out.write(msg)

    def run(self) -> dict[str, Any] | None:
        from quanzi.live.models import LiveRoom
        from quanzi.shops.models import Shop, ShopStatus

        shop = Shop.objects.filter(status=ShopStatus.APPROVED, owner__email__endswith="@quanzi.demo") \
            .select_related("owner").order_by("pk").first()
        if shop is None:
            return None
        self.host = shop.owner
        if LiveRoom.objects.filter(host=self.host).exists():
            return None
        self.shop = shop
        self.products = list(shop.products.filter(status="on_shelf").order_by("pk").values_list("pk", flat=True)[:4])
        self.viewers = list(User.objects.filter(addresses__isnull=False, is_staff=False, email__isnull=True,
                                                is_active=True).distinct().order_by("-pk")[:8])
        self.demo = User.objects.filter(phone=data.DEMO_SHOPPER["phone"]).first()
        if not self.products or len(self.viewers) < 3:
            return None
        ended = self.ended_room()
        live = self.live_room()
        upcoming = self.upcoming_room()
        self.counts.update({"live_room": live.number, "upcoming_room": upcoming.number, "replay_room": ended.number,
                            "host_login": self.host.email, "host_password": data.MERCHANT_PASSWORD})
        self.log(f"  live rooms: {self.counts}")
        return self.counts

    def _create(self, title: str, when: dt.datetime, hue: float, products):
        from quanzi.live.services import room_create

        return room_create(host=self.host, title=title, scheduled_at=when, product_ids=list(products),
                           cover=_cover(title, hue))

    def _watch(self, room, start: dt.datetime, minutes: list[int]) -> None:
        from quanzi.live.models import ViewerSession

        for user, length in zip(self.viewers, minutes, strict=False):
            ViewerSession.objects.create(room=room, user=user, joined_at=start, left_at=start + dt.timedelta(minutes=length))

    def _chat(self, room, lines: list[str]) -> None:
        from quanzi.live.services import chat_post

        for i, text in enumerate(lines):
            with clock.travel(dt.timedelta(seconds=20 * i - 20 * len(lines))):
                try:
                    chat_post(room_id=room.pk, user=self.viewers[i % len(self.viewers)], text=text)
                except Exception:  # noqa: BLE001 - a rate limit in a fast seed run only shortens the chat
                    pass

    def ended_room(self):
        from quanzi.live.models import LiveRoom
        from quanzi.live.services import likes_add, room_end, room_start

        yesterday = timezone.localtime(clock.now()).replace(hour=20, minute=0, second=0, microsecond=0) \
            - dt.timedelta(days=1)
        if yesterday > clock.now() - dt.timedelta(hours=2):
            yesterday -= dt.timedelta(days=1)
        with clock.travel(yesterday - clock.now() - dt.timedelta(hours=1)):
            room = self._create(f"{self.shop.name} 上新夜", yesterday, 0.95, self.products)
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
        from quanzi.live.models import LiveRoom
        from quanzi.live.services import likes_add, pin_set, room_start

        start = clock.now() - dt.timedelta(minutes=25)
        with clock.travel(start - clock.now() - dt.timedelta(minutes=5)):
            room = self._create(f"{self.shop.name} 直播间 · 限时福利", start, 0.02, self.products)
        with clock.travel(start - clock.now()):
            room = room_start(room=room)
            pin_set(room=room, product_id=self.products[0])
            self._watch(room, start, [10, 8, 5])
        self._chat(room, LIVE_CHAT)
        likes_add(room_id=room.pk, count=356)
        LiveRoom.objects.filter(pk=room.pk).update(peak_viewers=3)
        return room

    def upcoming_room(self):
        from quanzi.live.services import remind

        tomorrow = timezone.localtime(clock.now()).replace(hour=20, minute=0, second=0, microsecond=0) \
            + dt.timedelta(days=1)
        room = self._create(f"{self.shop.name} 明晚 8 点见", tomorrow, 0.6, self.products[:2])
        if self.demo is not None:
            remind(room=room, user=self.demo)
        return room


def seed_live(*, out=None) -> dict[str, Any] | None:
    """Idempotent: returns None when there is nothing to do (already seeded, or no commerce seed)."""
    with transaction.atomic():
        return LiveSeeder(out=out).run()
