"""Live rooms API (/api/v1/live): rooms for viewers (list, detail, missed events, chat over HTTP,
reminders) and for hosts (create, shelf, start/end, pin, moderation, stats). Another host's room
answers 404; operators (staff) may end any room. Real time itself is the WebSocket /ws/live/<number>/."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Router, Schema

from quanzi.accounts.auth import auth, optional_auth
from quanzi.core.errors import ValidationFailed
from quanzi.core.http import iso as _iso
from quanzi.live import selectors, services
from quanzi.live.models import LiveRoom
from quanzi.live.realtime import event_frame
from quanzi.live.stats import room_stats, viewing_figures

router = Router(tags=["live"])



def room_out(room: LiveRoom, *, shelf: bool = False) -> dict:
    out = {"number": room.number, "title": room.title, "status": room.status, "host": room.host.display_name,
           "shop_id": room.shop_id, "cover": room.cover.url if room.cover else "",
           "scheduled_at": _iso(room.scheduled_at), "started_at": _iso(room.started_at),
           "ended_at": _iso(room.ended_at), "play_url": room.play_url, "replay_url": room.replay_url,
           "likes": room.like_count, "last_seq": room.last_seq,
           "pinned_product_id": room.pinned.product_id if room.pinned_id else None,
           "url": f"/live/{room.number}/", "websocket": f"/ws/live/{room.number}/"}
    if shelf:
        out["shelf"] = [services.product_card(item.product) for item in selectors.shelf(room=room)]
    return out


def _user(request):
    return request.auth if request.auth is not True else None


@router.get("/rooms", auth=optional_auth, summary="Rooms live now and coming up")
def rooms(request):
    return {"live": [room_out(r) for r in selectors.live_now()],
            "upcoming": [room_out(r) for r in selectors.upcoming()]}


@router.get("/rooms/{number}", auth=optional_auth)
def room_detail(request, number: str):
    return room_out(selectors.room_by_number(number=number), shelf=True)


@router.get("/rooms/{number}/events", auth=optional_auth, summary="Numbered events after a sequence number")
def room_events(request, number: str, after: int = 0, limit: int = 200):
    room = selectors.room_by_number(number=number)
    if after < 0 or not 1 <= limit <= 500:
        raise ValidationFailed(_("Invalid range."), code="invalid_range", fields={"after": "invalid"})
    events = selectors.events_since(room=room, last_seq=after, limit=limit) if after else \
        list(room.events.filter(seq__gt=0).order_by("seq")[:limit])
    return {"last_seq": room.last_seq, "events": [event_frame(e) | {"deleted": e.deleted} for e in events]}


class ChatIn(Schema):
    text: str


@router.post("/rooms/{number}/chat", auth=auth, response={201: dict},
             summary="Post a chat message (the WebSocket does the same; 429 when flooding)")
def chat(request, number: str, payload: ChatIn):
    room = selectors.room_by_number(number=number)
    event = services.chat_post(room_id=room.pk, user=request.auth, text=payload.text)
    return 201, event_frame(event)


class RemindIn(Schema):
    on: bool = True


@router.post("/rooms/{number}/remind", auth=auth)
def remind(request, number: str, payload: RemindIn):
    room = selectors.room_by_number(number=number)
    return {"reminder": services.remind(room=room, user=request.auth, on=payload.on)}


# ---------------------------------------------------------------- hosts

class RoomIn(Schema):
    title: str
    scheduled_at: dt.datetime
    product_ids: list[int] = []


def host_room_out(room: LiveRoom) -> dict:
    return room_out(room, shelf=True) | {"push_url": services.push_url(room), "stream_key": room.stream_key}


@router.get("/host/rooms", auth=auth, summary="Your rooms (host)")
def host_rooms(request):
    return {"rooms": [room_out(r) for r in selectors.rooms_for_host(user=request.auth)]}


@router.post("/host/rooms", auth=auth, response={201: dict})
def host_room_create(request, payload: RoomIn):
    room = services.room_create(host=request.auth, title=payload.title, scheduled_at=payload.scheduled_at,
                                product_ids=payload.product_ids)
    return 201, host_room_out(room)


@router.get("/host/rooms/{number}", auth=auth)
def host_room(request, number: str):
    return host_room_out(selectors.room_for_host(user=request.auth, number=number))


@router.post("/host/rooms/{number}/start", auth=auth)
def host_start(request, number: str):
    room = services.room_start(room=selectors.room_for_host(user=request.auth, number=number))
    return room_out(room)


@router.post("/host/rooms/{number}/end", auth=auth, summary="End the room (the host; operators may end any room)")
def host_end(request, number: str):
    room = selectors.room_for_host(user=request.auth, number=number)
    by_operator = request.auth.is_staff and room.host_id != request.auth.pk
    return room_out(services.room_end(room=room, by_operator=by_operator))


class ShelfProductIn(Schema):
    product_id: int


@router.post("/host/rooms/{number}/shelf", auth=auth, response={201: dict})
def host_shelf_add(request, number: str, payload: ShelfProductIn):
    room = selectors.room_for_host(user=request.auth, number=number)
    services.shelf_add(room=room, product_id=payload.product_id)
    return 201, room_out(room, shelf=True)


@router.delete("/host/rooms/{number}/shelf/{product_id}", auth=auth)
def host_shelf_remove(request, number: str, product_id: int):
    room = selectors.room_for_host(user=request.auth, number=number)
    services.shelf_remove(room=room, product_id=product_id)
    return room_out(room, shelf=True)


@router.post("/host/rooms/{number}/pin", auth=auth)
def host_pin(request, number: str, payload: ShelfProductIn):
    room = selectors.room_for_host(user=request.auth, number=number)
    services.pin_set(room=room, product_id=payload.product_id)
    return {"pinned_product_id": payload.product_id}


@router.post("/host/rooms/{number}/unpin", auth=auth)
def host_unpin(request, number: str):
    services.pin_clear(room=selectors.room_for_host(user=request.auth, number=number))
    return {"pinned_product_id": None}


class SanctionIn(Schema):
    user_id: int
    kind: str  # mute | ban
    minutes: int | None = None


@router.post("/host/rooms/{number}/sanctions", auth=auth, response={201: dict},
             summary="Mute (may watch, not chat) or remove (ban) a viewer")
def host_sanction(request, number: str, payload: SanctionIn):
    room = selectors.room_for_host(user=request.auth, number=number)
    if payload.minutes is not None and not 1 <= payload.minutes <= 7 * 24 * 60:
        raise ValidationFailed(_("Minutes must be from 1 to 10080."), code="invalid_minutes",
                               fields={"minutes": "invalid"})
    s = services.sanction_add(room=room, user_id=payload.user_id, kind=payload.kind, by=request.auth,
                              minutes=payload.minutes)
    return 201, {"user_id": s.user_id, "kind": s.kind, "until": _iso(s.until)}


@router.delete("/host/rooms/{number}/sanctions/{user_id}/{kind}", auth=auth)
def host_sanction_lift(request, number: str, user_id: int, kind: str):
    services.sanction_lift(room=selectors.room_for_host(user=request.auth, number=number), user_id=user_id, kind=kind)
    return {"lifted": True}


@router.delete("/host/rooms/{number}/messages/{seq}", auth=auth)
def host_message_delete(request, number: str, seq: int):
    services.message_delete(room=selectors.room_for_host(user=request.auth, number=number), seq=seq)
    return {"deleted": seq}


@router.get("/host/rooms/{number}/stats", auth=auth, summary="Viewing figures (+ rows of other apps)")
def host_stats(request, number: str):
    room = selectors.room_for_host(user=request.auth, number=number)
    return {"figures": viewing_figures(room=room),
            "rows": [{"label": label, "value": value} for label, value in room_stats(room=room)]}
