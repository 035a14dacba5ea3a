"""Test helpers of the live app (never imported by application code): rooms and shelves set up
directly, without the hosting rules of `services.room_create`, for other apps' tests (livesales) and
the browser journeys. Read rooms back with `quanzi.live.selectors`."""

from __future__ import annotations

from quanzi.core import clock
from quanzi.live.constants import RoomStatus
from quanzi.live.models import LiveRoom, ShelfItem


def make_room(*, host, shop=None, title: str = "今晚好物", live: bool = True, products=(),
              scheduled_at=None) -> LiveRoom:
    """A room hosted by `host` (any user) for `shop`, live now (started) or scheduled, with `products`
    on its shelf in that order."""
    now = clock.now()
    room = LiveRoom.objects.create(host=host, shop=shop, title=title, scheduled_at=scheduled_at or now,
                                   status=RoomStatus.LIVE if live else RoomStatus.SCHEDULED,
                                   started_at=now if live else None)
    for i, product in enumerate(products):
        shelf_put(room=room, product=product, sort=i)
    return room


def shelf_put(*, room, product, sort: int = 0) -> ShelfItem:
    """Put a product on the room's shelf (no broadcast, no shelf limit)."""
    return ShelfItem.objects.create(room=room, product=product, sort=sort)


def pin_put(*, room, product_id: int) -> ShelfItem:
    """Pin the shelf item of this product (no broadcast); `room` is updated in place."""
    item = ShelfItem.objects.get(room=room, product_id=product_id)
    room.pinned = item
    room.save(update_fields=["pinned"])
    return item


def room_force_fields(*, room_id: int, **fields) -> None:
    """Write room columns directly (a peak viewer count, a like total) for figures a test checks."""
    LiveRoom.objects.filter(pk=room_id).update(**fields)
