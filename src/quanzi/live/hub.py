"""Local fan-out: one channel-layer subscription per room per ASGI process, batched delivery.

A naive Channels design adds every socket to the room's group, so one chat message becomes one
channel-layer message per viewer (thousands of Redis publishes, each costing milliseconds, and
channels-redis drops messages in big groups). Here each process keeps, per room, the set of its local
consumers and ONE channel (`LocalRoom.channel`) in the room's group. Every ~100 ms tick it sends the
events received since the last tick to each local socket as a single `batch` frame, serialised once.

The same tick aggregates what must not be one message per action:
- likes: taps are summed locally, stored with one UPDATE per tick, and the new running total is
  published to the group once (`room.likes`); every process shows the largest total it has seen;
- viewers: each process publishes its local count (`room.count`) at most once a second; each process
  sums the fresh counts of all processes (stale after 10 s, so a crashed process drops out);
- "X joined": coalesced into one ephemeral event per tick.
The same code path runs with the in-memory layer (embedded, one process) and Redis pub/sub.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import secrets
import socket
import time
import weakref

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from quanzi.core.text import LONE_SURROGATE, REPLACEMENT
from quanzi.live import realtime

logger = logging.getLogger("quanzi.live")

PROC = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
TICK = float(os.environ.get("QUANZI_LIVE_TICK_MS", "100")) / 1000  # seconds between deliveries
BIG_ROOM = 500  # above this many local sockets the tick doubles: half the frames, +50 ms on average
COUNT_EVERY = 1.0  # publish this process's viewer count at most this often (and when it changes)
COUNT_STALE = 10.0  # forget another process's count after this long without news
TEARDOWN_AFTER = 5.0  # keep an empty room's subscription this long (a reconnect is quick)


def dumps(obj) -> str:
    """A frame's text. Anything a socket cannot send (a lone surrogate some old row kept) becomes U+FFFD
    instead of breaking the send, which would silently stop the viewer's stream (core.text.scrub)."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return LONE_SURROGATE.sub(REPLACEMENT, text) if LONE_SURROGATE.search(text) else text


class LocalRoom:
    def __init__(self, hub: Hub, room_id: int):
        self.hub = hub
        self.room_id = room_id
        self.group = realtime.group_name(room_id)
        self.consumers: set = set()
        self.channel: str | None = None
        self.ready = asyncio.Event()
        self.events: list[dict] = []
        self.ephemeral: dict[str, dict] = {}
        self.joined: list[str] = []
        self.pending_likes = 0
        self.like_total = 0
        self.counts: dict[str, tuple[int, float]] = {}
        self.viewers = 0
        self.peak_saved = 0
        self.last_count_sent = 0.0
        self.last_local_sent = -1
        self.last_peak_at = 0.0
        self.empty_since: float | None = None
        self.tasks: list[asyncio.Task] = []
        self.status: str | None = None  # follows room_started / room_ended events
        self.likes_task: asyncio.Future | None = None
        self.peak_task: asyncio.Future | None = None
        self.sessions_new: list = []  # ViewerSession rows to insert (batched per tick)
        self.sessions_gone: list[int] = []  # pks of sessions to close
        self.sessions_task: asyncio.Future | None = None
        self.snapshot: asyncio.Future | None = None
        self.snapshot_at = 0.0

    # ------------------------------------------------------------ lifecycle
    async def start(self) -> None:
        layer = get_channel_layer()
        self.channel = await layer.new_channel(prefix="live.")
        await layer.group_add(self.group, self.channel)
        self.tasks = [asyncio.ensure_future(self._reader()), asyncio.ensure_future(self._ticker())]
        self.ready.set()

    async def stop(self) -> None:
        layer = get_channel_layer()
        for task in [*self.tasks, self.likes_task, self.peak_task]:
            if task is not None:
                task.cancel()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self.sessions_task is not None:
            with contextlib.suppress(Exception):
                await self.sessions_task
        if self.sessions_new or self.sessions_gone:
            await self._save_sessions()
        if self.pending_likes:  # the last taps of a room nobody watches any more
            from quanzi.live.services import likes_add

            with contextlib.suppress(Exception):
                await database_sync_to_async(likes_add)(room_id=self.room_id, count=self.pending_likes)
        with contextlib.suppress(Exception):
            await layer.group_send(self.group, {"type": "room.count", "proc": PROC, "n": 0})
            await layer.group_discard(self.group, self.channel)

    # ------------------------------------------------------------ inbound (channel layer)
    async def _reader(self) -> None:
        layer = get_channel_layer()
        while True:
            try:
                message = await layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - a broken message or a layer hiccup must not kill the room
                logger.exception("live: receive failed for room %s", self.room_id)
                await asyncio.sleep(0.5)
                continue
            self.handle(message)

    def handle(self, message: dict) -> None:
        kind = message.get("type")
        if kind == "room.events":
            for event in message.get("events") or []:
                if event.get("kind") == "room_started":
                    self.status = "live"
                elif event.get("kind") == "room_ended":
                    self.status = "ended"
                self.events.append(event)
        elif kind == "room.likes":
            total = int(message.get("total") or 0)
            if total > self.like_total:
                self.like_total = total
                self.ephemeral["likes"] = {"total": total}
        elif kind == "room.count":
            proc = message.get("proc")
            if proc and proc != PROC:
                self.counts[proc] = (int(message.get("n") or 0), time.monotonic())
        elif kind == "room.control":
            self.control(message)

    def control(self, message: dict) -> None:
        action, user_id = message.get("action"), message.get("user_id")
        for consumer in list(self.consumers):
            if consumer.user_id is None or consumer.user_id != user_id:
                continue
            if action == "ban":
                asyncio.ensure_future(consumer.kick(4403))
            elif action in ("mute", "unmute"):
                consumer.push(dumps({"type": "notice", "code": "muted" if action == "mute" else "unmuted"}))

    # ------------------------------------------------------------ viewer sessions (batched writes)
    def session_open(self, user_id: int | None):
        from quanzi.core import clock
        from quanzi.live.models import ViewerSession

        session = ViewerSession(room_id=self.room_id, user_id=user_id, joined_at=clock.now())
        self.sessions_new.append(session)
        return session

    def session_close(self, session) -> None:
        from quanzi.core import clock

        if session.pk:
            self.sessions_gone.append(session.pk)
        else:  # not stored yet: stored closed (or closed right after, see _save_sessions)
            session.left_at = clock.now()

    async def _save_sessions(self) -> None:
        new, self.sessions_new = self.sessions_new, []
        gone, self.sessions_gone = self.sessions_gone, []

        def save():
            from quanzi.core import clock
            from quanzi.live.models import ViewerSession

            if new:
                ViewerSession.objects.bulk_create(new)
            late = [s.pk for s in new if s.left_at is not None and s.pk]
            if gone or late:
                ViewerSession.objects.filter(pk__in=gone + late, left_at__isnull=True).update(left_at=clock.now())

        try:
            await database_sync_to_async(save)()
        except Exception:  # noqa: BLE001 - analytics only; never break the room
            logger.exception("live: saving viewer sessions failed for room %s", self.room_id)

    # ------------------------------------------------------------ welcomes of fresh viewers
    async def fresh_welcome(self, joined_at: float, build) -> dict:
        """The room snapshot for a viewer who joined at `joined_at` (monotonic). Viewers arriving
        together share one query: a snapshot started after the viewer joined the room's fan-out
        contains everything the viewer's backlog does not, so nothing falls between the two."""
        if self.snapshot is None or self.snapshot_at < joined_at or \
                (self.snapshot.done() and time.monotonic() - self.snapshot_at > 1.0):
            self.snapshot_at = time.monotonic()
            self.snapshot = asyncio.ensure_future(database_sync_to_async(build)())
        return await asyncio.shield(self.snapshot)

    # ------------------------------------------------------------ local actions
    def add_likes(self, count: int) -> None:
        self.pending_likes += count

    def add_joined(self, nickname: str) -> None:
        self.joined.append(nickname)

    # ------------------------------------------------------------ the tick
    async def _ticker(self) -> None:
        while True:
            await asyncio.sleep(TICK if len(self.consumers) <= BIG_ROOM else 2 * TICK)
            try:
                await self.tick()
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001
                logger.exception("live: tick failed for room %s", self.room_id)

    async def tick(self) -> None:
        """Deliver first; database writes (likes total, peak) run beside it, never in front of it."""
        layer = get_channel_layer()
        now = time.monotonic()
        local = len(self.consumers)
        self.counts = {p: (n, t) for p, (n, t) in self.counts.items() if now - t < COUNT_STALE}
        viewers = local + sum(n for n, _t in self.counts.values())
        if viewers != self.viewers:
            self.viewers = viewers
            self.ephemeral["viewers"] = {"count": viewers}
        self.flush()
        if (self.sessions_new or self.sessions_gone) and (self.sessions_task is None or self.sessions_task.done()):
            self.sessions_task = asyncio.ensure_future(self._save_sessions())
        if self.pending_likes and (self.likes_task is None or self.likes_task.done()):
            count, self.pending_likes = self.pending_likes, 0
            self.likes_task = asyncio.ensure_future(self._save_likes(count))
        if viewers > self.peak_saved and now - self.last_peak_at >= 1.0 \
                and (self.peak_task is None or self.peak_task.done()):
            from quanzi.live.services import peak_update

            self.peak_saved, self.last_peak_at = viewers, now
            self.peak_task = asyncio.ensure_future(
                database_sync_to_async(peak_update)(room_id=self.room_id, viewers=viewers))
        if (local != self.last_local_sent and now - self.last_count_sent >= COUNT_EVERY) \
                or now - self.last_count_sent >= COUNT_STALE / 3:
            self.last_count_sent, self.last_local_sent = now, local
            await layer.group_send(self.group, {"type": "room.count", "proc": PROC, "n": local})
        if not self.consumers:
            self.empty_since = self.empty_since or now
            if now - self.empty_since >= TEARDOWN_AFTER:
                self.hub.drop(self)
        else:
            self.empty_since = None

    async def _save_likes(self, count: int) -> None:
        from quanzi.live.services import likes_add

        try:
            total = await database_sync_to_async(likes_add)(room_id=self.room_id, count=count)
        except Exception:  # noqa: BLE001 - put them back for the next tick
            self.pending_likes += count
            logger.exception("live: saving likes failed for room %s", self.room_id)
            return
        if total > self.like_total:
            self.like_total = total
            self.ephemeral["likes"] = {"total": total}
        await get_channel_layer().group_send(self.group, {"type": "room.likes", "total": total})

    def flush(self) -> None:
        if not (self.events or self.ephemeral or self.joined):
            return
        events = sorted(self.events, key=lambda e: e.get("seq") or 0)
        events += [{"type": "event", "seq": None, "kind": kind, "data": data} for kind, data in self.ephemeral.items()]
        if self.joined:
            events.append({"type": "event", "seq": None, "kind": "joined",
                           "data": {"nicknames": self.joined[-3:], "count": len(self.joined)}})
        self.events, self.ephemeral, self.joined = [], {}, []
        text = dumps({"type": "batch", "events": events})
        for consumer in list(self.consumers):
            consumer.push(text)


class Hub:
    """The rooms of one event loop (one per ASGI process in production)."""

    def __init__(self):
        self.rooms: dict[int, LocalRoom] = {}
        self.info_cache: dict[str, tuple[dict | None, float]] = {}

    async def join(self, consumer, room_id: int, *, status: str | None = None) -> LocalRoom:
        local = self.rooms.get(room_id)
        if local is None:
            local = LocalRoom(self, room_id)
            local.status = status
            self.rooms[room_id] = local
            await local.start()
        else:
            await local.ready.wait()
            if status == "ended" or local.status is None:
                local.status = status
        local.consumers.add(consumer)
        local.empty_since = None
        return local

    def leave(self, consumer, room_id: int) -> None:
        local = self.rooms.get(room_id)
        if local is not None:
            local.consumers.discard(consumer)

    def drop(self, local: LocalRoom) -> None:
        if self.rooms.get(local.room_id) is local and not local.consumers:
            del self.rooms[local.room_id]
            asyncio.ensure_future(local.stop())

    async def room_info(self, number: str, user_id: int | None, load) -> dict | None:
        """The room's id, status and host by number; for anonymous viewers cached ~2 s per process
        (a signed-in viewer's sanctions are always read)."""
        if user_id is not None:
            return await database_sync_to_async(load)(number, user_id)
        now = time.monotonic()
        hit = self.info_cache.get(number)
        if hit is not None and now - hit[1] < 2.0:
            return hit[0]
        info = await database_sync_to_async(load)(number, None)
        if len(self.info_cache) > 1000:
            self.info_cache.clear()
        self.info_cache[number] = (info, now)
        return info

    def viewers(self, room_id: int) -> int:
        local = self.rooms.get(room_id)
        return max(local.viewers, len(local.consumers)) if local else 0


_hubs: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def get_hub() -> Hub:
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None:
        hub = _hubs[loop] = Hub()
        realtime.set_home_loop(loop)
    return hub
