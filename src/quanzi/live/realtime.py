"""Numbered room events and their delivery to the room's viewers.

`broadcast(room_id, kind, data)` is the one way in for sequenced events (chat, pins, start/end and
livesales' purchases, tips, live prices …): it allocates the room's next sequence number
(`UPDATE … SET last_seq = last_seq + 1 RETURNING`, atomic on SQLite and PostgreSQL), persists a
`RoomEvent` (reconnects and the replay read it) and, after commit, publishes ONE channel-layer message
to the room's group. Every ASGI process that has viewers of the room holds one subscription to that
group (see `quanzi.live.hub`) and fans the event out to its local sockets in ~100 ms batches.

Ephemeral figures (likes total, viewer count, "X joined") carry no sequence number: the next value
supersedes the last, so nothing needs replaying.
"""

from __future__ import annotations

import asyncio
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection, transaction

from quanzi.core import clock

logger = logging.getLogger("quanzi.live")


def group_name(room_id: int) -> str:
    return f"live.room.{room_id}"


def next_seq(room_id: int) -> int:
    """The room's next event number. Holds the room row's lock until the surrounding transaction ends,
    so numbers are handed out in commit order within a room."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE live_liveroom SET last_seq = last_seq + 1 WHERE id = %s RETURNING last_seq", [room_id])
        row = cursor.fetchone()
    if row is None:
        raise LookupError(f"live room {room_id} does not exist")
    return int(row[0])


def event_frame(event) -> dict:
    """The wire form of a persisted RoomEvent."""
    return {"type": "event", "seq": event.seq, "kind": event.kind, "data": event.data,
            "at": event.created_at.isoformat()}


def record(room_id: int, kind: str, data: dict, *, user_id: int | None = None):
    """Persist one numbered event (inside the caller's transaction) and return it."""
    from quanzi.live.models import RoomEvent

    return RoomEvent.objects.create(room_id=room_id, seq=next_seq(room_id), kind=kind, data=data,
                                    user_id=user_id, created_at=clock.now())


def broadcast(room_id: int, kind: str, data: dict, *, user_id: int | None = None) -> int:
    """Number, persist and (after commit) deliver an event to every connected viewer of the room.

    Safe inside a transaction: nothing is sent if it rolls back. Returns the event's sequence number
    (0 if the room does not exist)."""
    with transaction.atomic():
        try:
            event = record(room_id, kind, data, user_id=user_id)
        except LookupError:
            logger.warning("broadcast to unknown live room %s (%s)", room_id, kind)
            return 0
    frame = event_frame(event)
    transaction.on_commit(lambda: publish(room_id, {"type": "room.events", "events": [frame]}))
    return event.seq


_home_loop: asyncio.AbstractEventLoop | None = None


def set_home_loop(loop: asyncio.AbstractEventLoop) -> None:
    """The event loop that serves this process's WebSockets (set by the hub)."""
    global _home_loop
    _home_loop = loop


def publish(room_id: int, message: dict) -> None:
    """Send one message to the room's group from synchronous code (a request, a service, a thread).

    When this process serves WebSockets, the send runs on that event loop (thread-safe for the
    in-memory layer too, whose queues belong to it); otherwise (a worker, a management command,
    a WSGI thread) on a loop of its own."""
    layer = get_channel_layer()
    if layer is None:
        return
    async def send() -> None:
        await layer.group_send(group_name(room_id), message)

    try:
        loop = _home_loop
        if loop is not None and loop.is_running() and not loop.is_closed():
            try:
                running = asyncio.get_running_loop()
            except RuntimeError:
                running = None
            if running is loop:  # called from the loop's own thread: do not wait for ourselves
                loop.create_task(send())
                return
            # do not hold the caller (often Channels' one database thread) until the send is done
            future = asyncio.run_coroutine_threadsafe(send(), loop)
            future.add_done_callback(_log_failure)
            return
        async_to_sync(send)()
    except Exception:  # noqa: BLE001 - a delivery failure never undoes the committed fact
        logger.exception("live: could not publish to room %s", room_id)


def _log_failure(future) -> None:
    if not future.cancelled() and future.exception() is not None:
        logger.error("live: publish failed: %r", future.exception())


def control(room_id: int, action: str, **data) -> None:
    """A control message to the room's processes (kick a banned user, tell a muted one), after commit."""
    message = {"type": "room.control", "action": action, **data}
    transaction.on_commit(lambda: publish(room_id, message))
