"""Reads shared by the live pages, the API and other apps (livesales)."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from quanzi.core import clock
from quanzi.core.errors import NotFound
from quanzi.live.models import (
    HostPermit,
    LiveRoom,
    PermitStatus,
    RoomEvent,
    RoomReminder,
    RoomSanction,
    RoomStatus,
    Sanction,
    ShelfItem,
    ViewerSession,
)

CHAT_KINDS = ("chat",)


def _rooms() -> QuerySet[LiveRoom]:
    return LiveRoom.objects.select_related("host", "shop", "pinned__product")


def room_by_number(number: str) -> LiveRoom:
    room = _rooms().filter(number=str(number)).first()
    if room is None:
        raise NotFound(_("Live room not found."), code="room_not_found")
    return room


def room_for_host(user, number: str) -> LiveRoom:
    """The room if `user` hosts it (or owns its shop, or is an operator); otherwise NotFound (404)."""
    room = _rooms().filter(number=str(number)).first()
    if room is None or not user or not user.is_authenticated:
        raise NotFound(_("Live room not found."), code="room_not_found")
    if user.is_staff or room.host_id == user.pk or (room.shop_id and room.shop.owner_id == user.pk):
        return room
    raise NotFound(_("Live room not found."), code="room_not_found")


def room_viewer_user_ids(room) -> set[int]:
    """Signed-in users who watched the room (had a WebSocket session)."""
    return set(ViewerSession.objects.filter(room=room, user__isnull=False).values_list("user_id", flat=True))


def live_now(limit: int = 20) -> list[LiveRoom]:
    return list(_rooms().filter(status=RoomStatus.LIVE).order_by("-started_at")[:limit])


def upcoming(limit: int = 30) -> list[LiveRoom]:
    return list(_rooms().filter(status=RoomStatus.SCHEDULED, scheduled_at__gte=clock.now() - dt.timedelta(hours=12))
                .order_by("scheduled_at")[:limit])


def recent_replays(limit: int = 12) -> list[LiveRoom]:
    return list(_rooms().filter(status=RoomStatus.ENDED, started_at__isnull=False).order_by("-ended_at")[:limit])


def reminded_room_ids(user, room_ids) -> set[int]:
    if not user or not user.is_authenticated:
        return set()
    return set(RoomReminder.objects.filter(user=user, room_id__in=list(room_ids)).values_list("room_id", flat=True))


def shelf(room) -> list[ShelfItem]:
    return list(ShelfItem.objects.filter(room=room).select_related("product", "product__shop"))


def rooms_for_host(user) -> list[LiveRoom]:
    from django.db.models import Q

    return list(_rooms().filter(Q(host=user) | Q(shop__owner=user)).order_by("-created_at")[:100])


def can_host(user) -> bool:
    from quanzi.shops.selectors import shop_for_owner

    if not user or not user.is_authenticated:
        return False
    shop = shop_for_owner(user=user)
    if shop is not None and shop.status == "approved":
        return True
    return HostPermit.objects.filter(user=user, status=PermitStatus.APPROVED).exists()


def events_since(room, last_seq: int, *, limit: int = 200) -> list[RoomEvent]:
    """Events a reconnecting client missed (at most `limit`, the most recent ones)."""
    rows = list(RoomEvent.objects.filter(room=room, seq__gt=last_seq).order_by("-seq")[:limit])
    rows.reverse()
    return rows


def recent_chat(room, *, limit: int = 50) -> list[RoomEvent]:
    rows = list(RoomEvent.objects.filter(room=room, kind__in=CHAT_KINDS, deleted=False)
                .select_related("user").order_by("-seq")[:limit])
    rows.reverse()
    return rows


def chat_replay(room) -> list[RoomEvent]:
    return list(RoomEvent.objects.filter(room=room, kind__in=CHAT_KINDS, deleted=False).order_by("seq"))


def sanction_of(room_id: int, user_id: int) -> dict[str, bool]:
    now = clock.now()
    kinds = set(RoomSanction.objects.filter(room_id=room_id, user_id=user_id)
                .exclude(until__lt=now).values_list("kind", flat=True))
    return {"muted": Sanction.MUTE in kinds, "banned": Sanction.BAN in kinds}


def sanctions(room) -> list[RoomSanction]:
    return list(RoomSanction.objects.filter(room=room).select_related("user").order_by("-created_at"))
