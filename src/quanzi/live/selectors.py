"""Reads shared by the live pages, the API and other apps (livesales): keyword-only, returning this
app's model instances or plain data. Other apps read rooms, shelves and room events only through here."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from quanzi.core import clock
from quanzi.core.errors import NotFound
from quanzi.live.constants import PermitStatus, RoomStatus, Sanction
from quanzi.live.models import (
    HostPermit,
    LiveRoom,
    RoomEvent,
    RoomReminder,
    RoomSanction,
    ShelfItem,
    ViewerSession,
)

CHAT_KINDS = ("chat",)


def _rooms() -> QuerySet[LiveRoom]:
    return LiveRoom.objects.select_related("host", "shop", "pinned__product")


def room_by_number(*, number: str) -> LiveRoom:
    """The room with this number (host, shop and pinned product loaded); NotFound (404) otherwise."""
    room = _rooms().filter(number=str(number)).first()
    if room is None:
        raise NotFound(_("Live room not found."), code="room_not_found")
    return room


def room_for_host(*, user, number: str) -> LiveRoom:
    """The room if `user` hosts it (or owns its shop, or is an operator); otherwise NotFound (404)."""
    room = _rooms().filter(number=str(number)).first()
    if room is None or not user or not user.is_authenticated:
        raise NotFound(_("Live room not found."), code="room_not_found")
    if user.is_staff or room.host_id == user.pk or (room.shop_id and room.shop.owner_id == user.pk):
        return room
    raise NotFound(_("Live room not found."), code="room_not_found")


def room_viewer_user_ids(*, room) -> set[int]:
    """Signed-in users who watched the room (had a WebSocket session)."""
    return set(ViewerSession.objects.filter(room=room, user__isnull=False).values_list("user_id", flat=True))


def live_now(*, limit: int = 20) -> list[LiveRoom]:
    return list(_rooms().filter(status=RoomStatus.LIVE).order_by("-started_at")[:limit])


def upcoming(*, limit: int = 30) -> list[LiveRoom]:
    return list(_rooms().filter(status=RoomStatus.SCHEDULED, scheduled_at__gte=clock.now() - dt.timedelta(hours=12))
                .order_by("scheduled_at")[:limit])


def recent_replays(*, limit: int = 12) -> list[LiveRoom]:
    return list(_rooms().filter(status=RoomStatus.ENDED, started_at__isnull=False).order_by("-ended_at")[:limit])


def reminded_room_ids(*, user, room_ids) -> set[int]:
    if not user or not user.is_authenticated:
        return set()
    return set(RoomReminder.objects.filter(user=user, room_id__in=list(room_ids)).values_list("room_id", flat=True))


def shelf(*, room, prefetch=()) -> list[ShelfItem]:
    """The room's shelf with each product and its shop; `prefetch` adds `prefetch_related` lookups
    (livesales passes its SKUs' Prefetch, owned by catalog)."""
    qs = ShelfItem.objects.filter(room=room).select_related("product", "product__shop")
    return list(qs.prefetch_related(*prefetch) if prefetch else qs)


def rooms_for_host(*, user) -> list[LiveRoom]:
    from django.db.models import Q

    return list(_rooms().filter(Q(host=user) | Q(shop__owner=user)).order_by("-created_at")[:100])


def can_host(*, user) -> bool:
    from quanzi.shops.constants import ShopStatus
    from quanzi.shops.selectors import shop_for_owner

    if not user or not user.is_authenticated:
        return False
    shop = shop_for_owner(user=user)
    if shop is not None and shop.status == ShopStatus.APPROVED:
        return True
    return HostPermit.objects.filter(user=user, status=PermitStatus.APPROVED).exists()


def events_since(*, room, last_seq: int, limit: int = 200) -> list[RoomEvent]:
    """Events a reconnecting client missed (at most `limit`, the most recent ones)."""
    rows = list(RoomEvent.objects.filter(room=room, seq__gt=last_seq).order_by("-seq")[:limit])
    rows.reverse()
    return rows


def recent_chat(*, room, limit: int = 50) -> list[RoomEvent]:
    rows = list(RoomEvent.objects.filter(room=room, kind__in=CHAT_KINDS, deleted=False)
                .select_related("user").order_by("-seq")[:limit])
    rows.reverse()
    return rows


def chat_replay(*, room) -> list[RoomEvent]:
    return list(RoomEvent.objects.filter(room=room, kind__in=CHAT_KINDS, deleted=False).order_by("seq"))


def sanction_of(*, room_id: int, user_id: int) -> dict[str, bool]:
    now = clock.now()
    kinds = set(RoomSanction.objects.filter(room_id=room_id, user_id=user_id)
                .exclude(until__lt=now).values_list("kind", flat=True))
    return {"muted": Sanction.MUTE in kinds, "banned": Sanction.BAN in kinds}


def sanctions(*, room) -> list[RoomSanction]:
    return list(RoomSanction.objects.filter(room=room).select_related("user").order_by("-created_at"))


# ---- public interface used by livesales (and the demo data)

def room_get(*, room_id: int) -> LiveRoom | None:
    """The room with this id (host and shop loaded), or None."""
    return _rooms().filter(pk=room_id).first()


def rooms_by_id(*, room_ids) -> dict[int, LiveRoom]:
    """Rooms by id in one query (host and shop loaded); unknown ids are left out."""
    return {r.pk: r for r in _rooms().filter(pk__in=set(room_ids))}


def on_shelf(*, room_id: int, product_id: int) -> bool:
    """Whether the product is on the room's shelf (one query)."""
    return ShelfItem.objects.filter(room_id=room_id, product_id=product_id).exists()


def shelf_item_for(*, room_id: int, product_id: int) -> ShelfItem | None:
    """The room's shelf item for this product (with the product), or None."""
    return ShelfItem.objects.filter(room_id=room_id, product_id=product_id).select_related("product").first()


def room_events(*, room_id: int, kind: str | None = None) -> list[RoomEvent]:
    """The room's numbered events in order, optionally of one kind (tips, purchases, chat …)."""
    qs = RoomEvent.objects.filter(room_id=room_id)
    if kind is not None:
        qs = qs.filter(kind=kind)
    return list(qs.order_by("seq"))


def host_has_rooms(*, user_id: int) -> bool:
    """Whether this user has ever hosted a room (the demo seeds rooms once)."""
    return LiveRoom.objects.filter(host_id=user_id).exists()
