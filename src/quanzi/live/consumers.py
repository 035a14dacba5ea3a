"""The room's WebSocket: ws(s)://<host>/ws/live/<number>/ (protocol in docs/live.md).

client → server  {"type":"hello","last_seq":n|null} {"type":"chat","text":"…","ref":any}
                 {"type":"like","count":1..50} {"type":"ping"}
server → client  {"type":"welcome",…} {"type":"batch","events":[{"type":"event","seq","kind","data"},…]}
                 {"type":"ack","ref","seq"} {"type":"error","code","message"} {"type":"notice","code"}
                 {"type":"pong"}
Fatal errors close the socket: 4400 not JSON / not an object / nested deeper than 8, 4404 room not
found, 4403 banned, 4413 frame too large, 4422 unknown type, 4008 too slow to keep up, 4429 flooding,
1011 a server error. A frame whose text core.text refuses (a lone surrogate, a NUL, a number out of
range) is answered with an error frame (`invalid_characters`…) and dropped; the socket stays open.

The consumer itself has no channel-layer channel (channel_layer_alias points nowhere): it receives
room events through the process's hub (quanzi.live.hub), never one layer message per socket.
"""

from __future__ import annotations

import collections
import logging
import time

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from quanzi.core.errors import DomainError
from quanzi.core.text import json_depth, loads
from quanzi.live.hub import dumps, get_hub

logger = logging.getLogger("quanzi.live")

MAX_FRAME = 4096  # characters of one client frame
MAX_DEPTH = 8  # how deeply a client frame's JSON may nest (the protocol needs 2)
MAX_OUTBOX = 300  # frames queued for a socket that does not keep up → closed (4008)
MAX_BACKLOG = 300  # frames held for a socket that has not said hello yet
FRAMES_PER_SECOND = 20  # beyond this a frame is dropped with a notice; 5× this closes the socket (4429)
MISSED_LIMIT = 200  # at most this many missed events in a welcome (older: "gap": true)

CLOSE_INVALID_JSON = 4400
CLOSE_BANNED = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_TOO_LARGE = 4413
CLOSE_UNKNOWN_TYPE = 4422
CLOSE_FLOOD = 4429
CLOSE_TOO_SLOW = 4008
CLOSE_INTERNAL_ERROR = 1011


def _language(scope) -> str:
    """The visitor's language: the language cookie, else Accept-Language, else the site default."""
    from quanzi.core.language import language_of_scope

    return language_of_scope(scope)


def _room_info(number: str, user_id: int | None) -> dict | None:
    from quanzi.live.models import LiveRoom
    from quanzi.live.selectors import sanction_of

    room = LiveRoom.objects.filter(number=str(number)).values("pk", "status", "host_id").first()
    if room is None:
        return None
    state = sanction_of(room_id=room["pk"], user_id=user_id) if user_id else {"muted": False, "banned": False}
    return {"id": room["pk"], "status": room["status"], "host_id": room["host_id"], **state}


def _welcome(room_id: int, last_seq) -> dict:
    """The room part of a welcome: the room's state and the events the client should see."""
    from quanzi.live import selectors
    from quanzi.live.models import LiveRoom
    from quanzi.live.realtime import event_frame
    from quanzi.live.services import product_card

    room = LiveRoom.objects.select_related("pinned__product").get(pk=room_id)
    if isinstance(last_seq, int) and not isinstance(last_seq, bool) and last_seq >= 0:
        missed = selectors.events_since(room=room, last_seq=last_seq, limit=MISSED_LIMIT)
        gap = bool(missed) and missed[0].seq > last_seq + 1
    else:
        missed, gap = selectors.recent_chat(room=room, limit=30), False
    return {
        "type": "welcome",
        "room": {"number": room.number, "status": room.status, "title": room.title, "play_url": room.play_url,
                 "replay_url": room.replay_url, "likes": room.like_count,
                 "pinned": product_card(room.pinned.product) if room.pinned_id else None},
        "last_seq": room.last_seq,
        "missed": [event_frame(e) for e in missed],
        "deleted": sorted(e.seq for e in missed if e.deleted),
        "gap": gap,
    }


def _user_part(room_id: int, user, host_id: int) -> dict:
    from quanzi.live.selectors import sanction_of

    return {"id": user.pk, "nickname": user.display_name, "muted": sanction_of(room_id=room_id, user_id=user.pk)["muted"],
            "is_host": user.pk == host_id}


class RoomConsumer(AsyncWebsocketConsumer):
    channel_layer_alias = "live-no-channel-per-socket"  # deliveries come through the hub

    user_id: int | None = None
    room_id: int | None = None
    local = None
    session = None

    async def connect(self):
        self.ready = False
        self.closed = False
        self.backlog: list[str] = []
        self.outbox: collections.deque[str] = collections.deque()
        self.writer = None
        self.window_start, self.window_frames, self.window_noticed = 0.0, 0, False
        self.lang = _language(self.scope)
        user = self.scope.get("user")
        self.user = user if user is not None and user.is_authenticated else None
        self.user_id = self.user.pk if self.user else None
        number = self.scope["url_route"]["kwargs"]["number"]
        info = await get_hub().room_info(number, self.user_id, _room_info)
        await self.accept()
        if info is None:
            await self._close(CLOSE_NOT_FOUND)
            return
        if info["banned"]:
            await self._close(CLOSE_BANNED)
            return
        self.room_id = info["id"]
        self.host_id = info["host_id"]
        self.joined_at = time.monotonic()
        self.local = await get_hub().join(self, self.room_id, status=info["status"])
        self.session = self.local.session_open(self.user_id)

    async def disconnect(self, code):
        self.closed = True
        if self.local is not None:
            get_hub().leave(self, self.room_id)
            if self.session is not None:
                self.local.session_close(self.session)
                self.session = None

    # ------------------------------------------------------------ delivery (called by the hub)
    def push(self, text: str) -> None:
        if self.closed:
            return
        if not self.ready:
            self.backlog.append(text)
            if len(self.backlog) > MAX_BACKLOG:
                self._spawn_close(CLOSE_TOO_SLOW)
            return
        self.outbox.append(text)
        if len(self.outbox) > MAX_OUTBOX:
            self._spawn_close(CLOSE_TOO_SLOW)
            return
        if self.writer is None or self.writer.done():
            import asyncio

            self.writer = asyncio.ensure_future(self._drain())

    async def _drain(self):
        while self.outbox and not self.closed:
            text = self.outbox.popleft()
            try:  # straight to the ASGI server (what self.send does, minus two layers)
                await self.base_send({"type": "websocket.send", "text": text})
            except Exception:  # noqa: BLE001 - the peer went away; disconnect() follows
                self.closed = True
                return

    def _spawn_close(self, code: int) -> None:
        import asyncio

        self.outbox.clear()
        self.backlog.clear()
        asyncio.ensure_future(self._close(code))

    async def kick(self, code: int) -> None:
        await self._close(code)

    async def _close(self, code: int) -> None:
        if self.closed:
            return
        self.closed = True
        if self.local is not None:
            get_hub().leave(self, self.room_id)
        try:
            await self.close(code=code)
        except Exception:  # noqa: BLE001
            pass

    async def _send_now(self, obj: dict) -> None:
        if self.closed:
            return
        if self.ready:
            self.push(dumps(obj))
        else:
            await self.send(text_data=dumps(obj))

    async def call(self, fn, **kwargs):
        """Run a synchronous service in the database thread, in the visitor's language."""
        lang = self.lang

        def run():
            with translation.override(lang):
                return fn(**kwargs)

        return await database_sync_to_async(run)()

    def t(self, text) -> str:
        with translation.override(self.lang):
            return str(text)

    async def error(self, code: str, message: str, **extra) -> None:
        await self._send_now({"type": "error", "code": code, "message": self.t(message), **extra})

    # ------------------------------------------------------------ inbound frames
    async def receive(self, text_data=None, bytes_data=None):
        if self.closed or self.room_id is None:
            return
        try:
            await self._receive(text_data)
        except Exception:  # noqa: BLE001 - a bug must still end the socket with a close frame, not drop it
            logger.exception("live: frame from user %s in room %s failed", self.user_id, self.room_id)
            await self._close(CLOSE_INTERNAL_ERROR)

    async def _receive(self, text_data):
        # Bounded before parsing: the size, then how deeply it nests (a 4 KB frame can nest 2,000 deep).
        if text_data is None or len(text_data) > MAX_FRAME:
            await self._close(CLOSE_TOO_LARGE if text_data is not None else CLOSE_INVALID_JSON)
            return
        if json_depth(text_data) > MAX_DEPTH:
            await self._close(CLOSE_INVALID_JSON)
            return
        try:
            with translation.override(self.lang):  # core.text: no lone surrogate, no NUL, sane numbers
                frame = loads(text_data, max_depth=MAX_DEPTH)
        except DomainError as exc:  # refused text (a lone surrogate…): this frame is dropped, the socket stays
            await self.error(exc.code, exc.message)
            return
        except ValueError:
            await self._close(CLOSE_INVALID_JSON)
            return
        if not isinstance(frame, dict):
            await self._close(CLOSE_INVALID_JSON)
            return
        handler = {"hello": self.on_hello, "chat": self.on_chat, "like": self.on_like,
                   "ping": self.on_ping}.get(frame.get("type"))
        if handler is None:
            await self._close(CLOSE_UNKNOWN_TYPE)
            return
        now = time.monotonic()
        if now - self.window_start >= 1.0:
            self.window_start, self.window_frames, self.window_noticed = now, 0, False
        self.window_frames += 1
        if self.window_frames > 5 * FRAMES_PER_SECOND:
            await self._close(CLOSE_FLOOD)
            return
        if self.window_frames > FRAMES_PER_SECOND:
            if not self.window_noticed:
                self.window_noticed = True
                await self.error("rate_limited", _("Slow down: too many messages."))
            return
        await handler(frame)

    async def on_ping(self, frame):
        await self._send_now({"type": "pong"})

    async def on_hello(self, frame):
        if self.ready:
            await self.error("duplicate_hello", _("Already connected."))
            return
        last_seq = frame.get("last_seq")
        if last_seq is None and self.local is not None:  # a fresh viewer: shared with the others joining now
            welcome = dict(await self.local.fresh_welcome(self.joined_at, lambda: _welcome(self.room_id, None)))
        else:
            welcome = await database_sync_to_async(_welcome)(self.room_id, last_seq)
        welcome["user"] = (await database_sync_to_async(_user_part)(self.room_id, self.user, self.host_id)
                           if self.user is not None else None)
        welcome["viewers"] = get_hub().viewers(self.room_id)
        await self.send(text_data=dumps(welcome))
        self.ready = True
        backlog, self.backlog = self.backlog, []
        for text in backlog:
            self.push(text)
        if self.user is not None and self.local is not None and self.user_id != self.host_id:
            self.local.add_joined(self.user.display_name)

    async def on_chat(self, frame):
        if self.user is None:
            await self.error("sign_in_required", _("Sign in to chat."))
            return
        from quanzi.live.services import chat_post

        try:
            event = await self.call(chat_post, room_id=self.room_id, user=self.user, text=frame.get("text"))
        except DomainError as exc:
            await self.error(exc.code, exc.message)
            return
        await self._send_now({"type": "ack", "ref": frame.get("ref"), "seq": event.seq})

    async def on_like(self, frame):
        from quanzi.live.services import like_check

        try:
            with translation.override(self.lang):
                count = like_check(room_id=self.room_id, user=self.user, count=frame.get("count", 1))
        except DomainError as exc:
            await self.error(exc.code, exc.message)
            return
        if self.local is None or not self._room_live():
            await self.error("room_not_live", _("The room is not live."))
            return
        self.local.add_likes(count)

    def _room_live(self) -> bool:
        return self.local.status == "live"
