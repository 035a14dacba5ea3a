"""Live room use cases: every state change of rooms, shelves, chat, likes, moderation and reminders.

Real-time delivery goes through `quanzi.live.realtime` (numbered, persisted, sent after commit);
nothing here talks to sockets directly.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import secrets
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from quanzi.catalog.selectors import sellable_products
from quanzi.core import clock, events, ratelimit
from quanzi.core.db import relaxed_commit
from quanzi.core.errors import BusinessRuleViolation, Conflict, Forbidden, NotFound, ValidationFailed
from quanzi.core.images import media_url
from quanzi.core.text import check_text
from quanzi.live import realtime
from quanzi.live.events import RoomEnded, RoomStarted
from quanzi.live.models import (
    CHAT_MAX,
    TITLE_MAX,
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
    new_stream_key,
)
from quanzi.live.states import ROOM
from quanzi.shops.constants import ShopStatus

MAX_SHELF = 50
MAX_LIKES_PER_FRAME = 50
MAX_SCHEDULE_AHEAD = dt.timedelta(days=90)


# ---------------------------------------------------------------- who may host

def host_shop(user):
    """The approved shop `user` owns, or None."""
    from quanzi.shops.selectors import shop_for_owner

    shop = shop_for_owner(user=user)
    return shop if shop is not None and shop.status == ShopStatus.APPROVED else None


def _check_host(user):
    """Return the shop the user hosts for (None for an approved creator) or raise Forbidden."""
    if not user or not user.is_authenticated:
        raise Forbidden(_("Sign in to host a live room."), code="not_a_host")
    shop = host_shop(user)
    if shop is not None:
        return shop
    if HostPermit.objects.filter(user=user, status=PermitStatus.APPROVED).exists():
        return None
    raise Forbidden(_("Only merchants and approved creators can host live rooms."), code="not_a_host")


@transaction.atomic
def permit_apply(*, user, note: str = "") -> HostPermit:
    permit, created = HostPermit.objects.get_or_create(user=user, defaults={"note": note[:200]})
    if not created and permit.status == PermitStatus.REVOKED:
        raise Conflict(_("Your hosting permit was revoked."), code="permit_revoked")
    return permit


@transaction.atomic
def permit_decide(*, permit_id: int, approve: bool) -> HostPermit:
    permit = HostPermit.objects.select_for_update().filter(pk=permit_id).first()
    if permit is None:
        raise NotFound(_("Permit not found."), code="permit_not_found")
    permit.status = PermitStatus.APPROVED if approve else PermitStatus.REVOKED
    permit.decided_at = clock.now()
    permit.save(update_fields=["status", "decided_at"])
    return permit


# ---------------------------------------------------------------- rooms (host)

def _clean_title(title) -> str:
    title = (title or "").strip() if isinstance(title, str) else ""
    if not title or len(title) > TITLE_MAX:
        raise ValidationFailed(_("Give the room a title of 1 to %(n)d characters.") % {"n": TITLE_MAX},
                               code="invalid_title", fields={"title": "invalid"})
    return title


def _shelf_product(room: LiveRoom, product_id):
    """A product this room may sell: on shelf, approved shop; a merchant's room only its own shop's."""
    qs = sellable_products().filter(pk=product_id)
    if room.shop_id:
        qs = qs.filter(shop_id=room.shop_id)
    product = qs.first() if isinstance(product_id, int) and not isinstance(product_id, bool) else None
    if product is None:
        raise NotFound(_("Product not found or not on sale."), code="product_not_found",
                       fields={"product_id": str(product_id)})
    return product


def _save_cover(upload) -> str:
    """A cover goes through core.images like every upload: verified, bounded, re-encoded (never stored raw)."""
    from quanzi.core.images import save_image

    return save_image(upload, folder="live/covers")


@transaction.atomic
def room_create(*, host, title: str, scheduled_at: dt.datetime, product_ids: list[int] | None = None,
                cover=None) -> LiveRoom:
    shop = _check_host(host)
    title = _clean_title(title)
    now = clock.now()
    if not isinstance(scheduled_at, dt.datetime) or scheduled_at.tzinfo is None \
            or scheduled_at < now - dt.timedelta(minutes=5) or scheduled_at > now + MAX_SCHEDULE_AHEAD:
        raise ValidationFailed(_("Schedule the room between now and 90 days ahead."), code="invalid_schedule",
                               fields={"scheduled_at": "invalid"})
    room = LiveRoom(host=host, shop=shop, title=title, scheduled_at=scheduled_at)
    if cover:
        room.cover.name = _save_cover(cover)
    room.save()
    for product_id in product_ids or []:
        shelf_add(room=room, product_id=product_id)
    return room


@transaction.atomic
def room_update(*, room: LiveRoom, title: str | None = None, scheduled_at: dt.datetime | None = None,
                cover=None) -> LiveRoom:
    room = LiveRoom.objects.select_for_update().get(pk=room.pk)
    if room.status == RoomStatus.ENDED:
        raise Conflict(_("This room has ended."), code="room_ended")
    if title is not None:
        room.title = _clean_title(title)
    if scheduled_at is not None:
        if room.status != RoomStatus.SCHEDULED or scheduled_at.tzinfo is None:
            raise ValidationFailed(_("Only a scheduled room can be moved."), code="invalid_schedule",
                                   fields={"scheduled_at": "invalid"})
        room.scheduled_at = scheduled_at
    if cover:
        room.cover.name = _save_cover(cover)
    room.save()
    return room


@transaction.atomic
def shelf_add(*, room: LiveRoom, product_id: int) -> ShelfItem:
    if room.status == RoomStatus.ENDED:
        raise Conflict(_("This room has ended."), code="room_ended")
    product = _shelf_product(room, product_id)
    count = ShelfItem.objects.filter(room=room).count()
    if count >= MAX_SHELF:
        raise BusinessRuleViolation(_("A shelf holds at most %(n)d products.") % {"n": MAX_SHELF}, code="shelf_full")
    try:
        with transaction.atomic():
            item = ShelfItem.objects.create(room=room, product=product, sort=count + 1)
    except IntegrityError:
        raise Conflict(_("This product is already on the shelf."), code="already_on_shelf") from None
    if room.status == RoomStatus.LIVE:
        realtime.broadcast(room.pk, "shelf", {"action": "added", "product": product_card(product)})
    return item


@transaction.atomic
def shelf_remove(*, room: LiveRoom, product_id: int) -> None:
    item = ShelfItem.objects.filter(room=room, product_id=product_id).first()
    if item is None:
        raise NotFound(_("This product is not on the shelf."), code="not_on_shelf")
    if room.pinned_id == item.pk:
        pin_clear(room=room)
    item.delete()
    if room.status == RoomStatus.LIVE:
        realtime.broadcast(room.pk, "shelf", {"action": "removed", "product_id": product_id})


def product_card(product) -> dict:
    """What viewers see of a catalog product (a card in the shelf, the pin)."""
    return {"id": product.pk, "title": product.title, "price": product.min_price,
            "image": media_url(product.cover_thumb or product.cover), "url": f"/p/{product.pk}/"}


def _lock(room_id: int) -> LiveRoom:
    room = LiveRoom.objects.select_for_update().filter(pk=room_id).first()
    if room is None:
        raise NotFound(_("Live room not found."), code="room_not_found")
    return room


@transaction.atomic
def room_start(*, room: LiveRoom, play_url: str | None = None) -> LiveRoom:
    room = _lock(room.pk)
    if room.status == RoomStatus.LIVE:
        if play_url is not None and play_url != room.play_url:
            room.play_url = play_url
            room.save(update_fields=["play_url"])
            realtime.broadcast(room.pk, "stream", {"play_url": play_url})
        return room
    ROOM.check(room.status, RoomStatus.LIVE)
    room.status = RoomStatus.LIVE
    room.started_at = clock.now()
    if play_url is not None:
        room.play_url = play_url
    room.save(update_fields=["status", "started_at", "play_url"])
    realtime.broadcast(room.pk, "room_started", {"started_at": room.started_at.isoformat(),
                                                  "play_url": room.play_url})
    events.publish(RoomStarted(room_id=room.pk))  # live.handlers sends the reminders through the outbox
    return room


@transaction.atomic
def room_end(*, room: LiveRoom, by_operator: bool = False, replay_url: str = "") -> LiveRoom:
    room = _lock(room.pk)
    ROOM.check(room.status, RoomStatus.ENDED)
    was_live = room.status == RoomStatus.LIVE
    room.status = RoomStatus.ENDED
    room.ended_at = clock.now()
    room.ended_by_operator = by_operator
    room.play_url = ""
    if replay_url:
        room.replay_url = replay_url
    room.save(update_fields=["status", "ended_at", "ended_by_operator", "play_url", "replay_url"])
    ViewerSession.objects.filter(room=room, left_at__isnull=True).update(left_at=room.ended_at)
    realtime.broadcast(room.pk, "room_ended", {"ended_at": room.ended_at.isoformat(), "was_live": was_live,
                                                "by_operator": by_operator})
    events.publish(RoomEnded(room_id=room.pk))
    return room


@transaction.atomic
def stream_key_rotate(*, room: LiveRoom) -> LiveRoom:
    room = _lock(room.pk)
    room.stream_key = new_stream_key()
    room.save(update_fields=["stream_key"])
    return room


def push_url(room: LiveRoom) -> str:
    """The RTMP URL a streaming app (OBS) publishes to: the stream name is the room number and the key
    is a query argument, so the public HLS name never reveals the secret."""
    base = getattr(settings, "LIVE_RTMP_URL", "rtmp://localhost:1935/live").rstrip("/")
    return f"{base}/{room.number}?key={room.stream_key}"


def hls_url_for(room: LiveRoom) -> str:
    base = getattr(settings, "LIVE_HLS_URL", "")
    return f"{base.rstrip('/')}/{room.number}.m3u8" if base else ""


# ---------------------------------------------------------------- media server callbacks

def _room_by_key(number: str, key: str) -> LiveRoom:
    room = LiveRoom.objects.filter(number=str(number or "")[:10]).first()
    if room is None or not key or not secrets.compare_digest(room.stream_key, str(key)):
        raise Forbidden(_("Unknown stream or wrong stream key."), code="bad_stream_key")
    return room


def media_publish(*, number: str, key: str) -> LiveRoom:
    """on_publish: authorise the key and flip the room live (a re-publish of a live room is accepted)."""
    room = _room_by_key(number, key)
    if room.status == RoomStatus.ENDED:
        raise Conflict(_("This room has ended."), code="room_ended")
    return room_start(room=room, play_url=hls_url_for(room))


def media_unpublish(*, number: str, key: str) -> LiveRoom:
    """on_publish_done / on_unpublish: the stream stopped, the room ends."""
    room = _room_by_key(number, key)
    if room.status != RoomStatus.LIVE:
        return room
    return room_end(room=room)


@transaction.atomic
def media_recorded(*, number: str, key: str, url: str) -> LiveRoom:
    """on_record_done / on_dvr: remember where the recording is served."""
    room = _room_by_key(number, key)
    room = _lock(room.pk)
    room.replay_url = str(url)[:500]
    room.save(update_fields=["replay_url"])
    return room


# ---------------------------------------------------------------- pinning

@transaction.atomic
def pin_set(*, room: LiveRoom, product_id: int) -> ShelfItem:
    room = _lock(room.pk)
    if room.status == RoomStatus.ENDED:
        raise Conflict(_("This room has ended."), code="room_ended")
    item = ShelfItem.objects.filter(room=room, product_id=product_id).select_related("product").first()
    if item is None:
        raise NotFound(_("This product is not on the shelf."), code="not_on_shelf")
    room.pinned = item
    room.save(update_fields=["pinned"])
    realtime.broadcast(room.pk, "pinned", {"product": product_card(item.product)})
    return item


@transaction.atomic
def pin_clear(*, room: LiveRoom) -> None:
    room = _lock(room.pk)
    if room.pinned_id is None:
        return
    room.pinned = None
    room.save(update_fields=["pinned"])
    realtime.broadcast(room.pk, "unpinned", {})


# ---------------------------------------------------------------- chat and likes

@functools.lru_cache(maxsize=1)
def _word_pattern() -> re.Pattern | None:
    words: set[str] = set()
    path = Path(getattr(settings, "LIVE_SENSITIVE_WORDS_FILE", "") or Path(__file__).parent / "sensitive_words.txt")
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                words.add(line.lower())
    words.update(w.lower() for w in getattr(settings, "LIVE_SENSITIVE_WORDS", ()) if w)
    if not words:
        return None
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.IGNORECASE)


def mask_sensitive(text: str) -> str:
    pattern = _word_pattern()
    return pattern.sub(lambda m: "*" * len(m.group(0)), text) if pattern else text


def clean_chat(text) -> str:
    if not isinstance(text, str):
        raise ValidationFailed(_("Say something."), code="empty_message", fields={"text": "required"})
    # every edge (the API's parser, the socket's frames) refuses these already; a chat line is shown to
    # every viewer, so the service checks too: no lone surrogate or NUL is ever stored (core.text)
    text = " ".join(check_text(text, "text").split())
    if not text:
        raise ValidationFailed(_("Say something."), code="empty_message", fields={"text": "required"})
    if len(text) > CHAT_MAX:
        raise ValidationFailed(_("Messages are at most %(n)d characters.") % {"n": CHAT_MAX},
                               code="message_too_long", fields={"text": "too_long"})
    return mask_sensitive(text)


def _chat_rate() -> tuple[int, int]:
    limit, window = getattr(settings, "LIVE_CHAT_RATE", (5, 5))  # 1 a second on average, bursts of 5 at most
    return int(limit), int(window)


def chat_post(*, room_id: int, user, text) -> RoomEvent:
    """Post a chat message: room live, user signed in, not muted or banned, 1–200 characters, within the
    rate limit (RateLimited 429 otherwise). Sensitive words are masked."""
    if not user or not user.is_authenticated:
        raise Forbidden(_("Sign in to chat."), code="sign_in_required")
    text = clean_chat(text)
    room = LiveRoom.objects.filter(pk=room_id).only("pk", "status").first()
    if room is None:
        raise NotFound(_("Live room not found."), code="room_not_found")
    if room.status != RoomStatus.LIVE:
        raise Conflict(_("The room is not live."), code="room_not_live")
    _check_not_sanctioned(room_id, user.pk)
    limit, window = _chat_rate()
    ratelimit.hit("live_chat", user.pk, limit=limit, window=window)
    with transaction.atomic():
        relaxed_commit()
        event = realtime.record(room_id, "chat", {"user_id": user.pk, "nickname": user.display_name, "text": text},
                                user_id=user.pk)
        frame = realtime.event_frame(event)
        transaction.on_commit(lambda: realtime.publish(room_id, {"type": "room.events", "events": [frame]}))
    return event


def _check_not_sanctioned(room_id: int, user_id: int) -> None:
    from quanzi.live.selectors import sanction_of

    state = sanction_of(room_id=room_id, user_id=user_id)
    if state["banned"]:
        raise Forbidden(_("You were removed from this room."), code="banned")
    if state["muted"]:
        raise Forbidden(_("The host muted you in this room."), code="muted")


def like_check(*, room_id: int, user, count) -> int:
    """Validate a like frame (the hub adds the counts up and stores one total per tick)."""
    if not user or not user.is_authenticated:
        raise Forbidden(_("Sign in to like."), code="sign_in_required")
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_LIKES_PER_FRAME:
        raise ValidationFailed(_("Likes come 1 to %(n)d at a time.") % {"n": MAX_LIKES_PER_FRAME},
                               code="invalid_like_count", fields={"count": "invalid"})
    return count


def likes_add(*, room_id: int, count: int) -> int:
    """Add `count` likes to the room's total and return the new total (one UPDATE per hub tick)."""
    with transaction.atomic():
        relaxed_commit()
        LiveRoom.objects.filter(pk=room_id, status=RoomStatus.LIVE).update(like_count=F("like_count") + count)
        return LiveRoom.objects.filter(pk=room_id).values_list("like_count", flat=True).first() or 0


def peak_update(*, room_id: int, viewers: int) -> None:
    LiveRoom.objects.filter(pk=room_id, peak_viewers__lt=viewers, status=RoomStatus.LIVE) \
        .update(peak_viewers=Greatest(F("peak_viewers"), viewers))


# ---------------------------------------------------------------- moderation

@transaction.atomic
def message_delete(*, room: LiveRoom, seq: int) -> None:
    updated = RoomEvent.objects.filter(room=room, seq=seq, kind="chat", deleted=False).update(deleted=True)
    if not updated:
        raise NotFound(_("Message not found."), code="message_not_found")
    realtime.broadcast(room.pk, "message_deleted", {"seq": seq})


@transaction.atomic
def sanction_add(*, room: LiveRoom, user_id: int, kind: str, by, minutes: int | None = None) -> RoomSanction:
    if kind not in Sanction.values:
        raise ValidationFailed(_("Unknown action."), code="invalid_sanction", fields={"kind": "invalid"})
    if user_id in (room.host_id, getattr(by, "pk", None)):
        raise BusinessRuleViolation(_("You cannot mute or remove yourself."), code="cannot_sanction_host")
    from quanzi.accounts.selectors import user_get

    user = user_get(user_id=user_id)
    if user is None:
        raise NotFound(_("User not found."), code="user_not_found")
    until = clock.now() + dt.timedelta(minutes=minutes) if minutes else None
    sanction, _created = RoomSanction.objects.update_or_create(room=room, user=user, kind=kind,
                                                               defaults={"until": until, "by": by})
    if kind == Sanction.BAN:
        realtime.control(room.pk, "ban", user_id=user.pk)
    else:
        realtime.control(room.pk, "mute", user_id=user.pk)
    realtime.broadcast(room.pk, "moderation", {"action": kind, "user_id": user.pk, "nickname": user.display_name})
    return sanction


@transaction.atomic
def sanction_lift(*, room: LiveRoom, user_id: int, kind: str) -> None:
    deleted, _rows = RoomSanction.objects.filter(room=room, user_id=user_id, kind=kind).delete()
    if not deleted:
        raise NotFound(_("Nothing to lift."), code="sanction_not_found")
    realtime.control(room.pk, "unmute" if kind == Sanction.MUTE else "unban", user_id=user_id)


# ---------------------------------------------------------------- reminders and viewer sessions

@transaction.atomic
def remind(*, room: LiveRoom, user, on: bool = True) -> bool:
    if not user or not user.is_authenticated:
        raise Forbidden(_("Sign in to get a reminder."), code="sign_in_required")
    if on:
        if room.status != RoomStatus.SCHEDULED:
            raise Conflict(_("Reminders are for rooms that have not started."), code="room_not_scheduled")
        RoomReminder.objects.get_or_create(room=room, user=user)
        return True
    RoomReminder.objects.filter(room=room, user=user).delete()
    return False


REMINDER_MESSAGE = gettext_noop("%(title)s is live now")


def reminders_notify(*, room_id: int) -> int:
    """Tell everyone who asked to be reminded that the room is live (once each)."""
    from quanzi.notifications.services import notify

    room = LiveRoom.objects.filter(pk=room_id).first()
    if room is None:
        return 0
    sent = 0
    for reminder in RoomReminder.objects.filter(room=room, notified_at__isnull=True):
        notify(recipient_id=reminder.user_id, kind="live", message=REMINDER_MESSAGE, actor_id=room.host_id,
               target_type="live", target_id=room.pk, params={"title": room.title, "number": room.number})
        reminder.notified_at = clock.now()
        reminder.save(update_fields=["notified_at"])
        sent += 1
    return sent


def session_open(*, room_id: int, user_id: int | None) -> int:
    return ViewerSession.objects.create(room_id=room_id, user_id=user_id, joined_at=clock.now()).pk


def session_close(*, session_id: int) -> None:
    ViewerSession.objects.filter(pk=session_id, left_at__isnull=True).update(left_at=clock.now())
