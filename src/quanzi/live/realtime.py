"""Numbered room events and their delivery to the room's viewers.

`broadcast(room_id, kind, data)` is the one way in for sequenced events (chat, pins, start/end and
livesales' purchases, tips, live prices …): it allocates the room's next sequence number
(`UPDATE … SET last_seq = last_seq + 1 RETURNING`, atomic on SQLite and PostgreSQL), persists a
`RoomEvent` (reconnects and the replay read it) and, after commit, publishes ONE channel-layer message
to the room's group. Every ASGI process that has viewers of the room holds one subscription to that
group (see `quanzi.live.hub`) and fans the event out to its local sockets in ~100 ms batches.

Ephemeral figures (likes total, viewer count, "X joined") carry no sequence number: the next value
supersedes the last, so nothing needs replaying.

Sends stay on `transaction.on_commit` rather than going through the outbox (`core/outbox.py`): they
are ephemeral fan-out to the sockets connected at that moment, while the durable part (the RoomEvent
row) commits with the caller's transaction and a viewer who missed a push reads it back on reconnect.
"""

from __future__ import annotations

import asyncio
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection, transaction

from quanzi.core import clock
from quanzi.core.text import scrub

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
    """The wire form of a persisted RoomEvent (text a socket or the channel layer cannot carry, a lone
    surrogate an old row kept, shown as U+FFFD: core.text.scrub)."""
    return {"type": "event", "seq": event.seq, "kind": event.kind, "data": scrub(event.data),
            "at": event.created_at.isoformat()}


def record(room_id: int, kind: str, data: dict, *, user_id: int | None = None):
    """Persist one numbered event (inside the caller's transaction) and return it."""
    from quanzi.live.models import RoomEvent

    return RoomEvent.objects.create(room_id=room_id, seq=next_seq(room_id), kind=kind, data=data,
                                    user_id=user_id, created_at=clock.now())


def broadcast(room_id: int, kind: str, data: dict, *, user_id: int | None = None) -> int:
    """Number, persist and (after commit) deliver an event to every connected viewer of the room.

    Safe inside a transaction: nothing is sent if it rolls back. The send stays a bare on_commit, not an
    outbox event: it is ephemeral fan-out to connected sockets, and the RoomEvent row is the durable
    record clients catch up from. Returns the event's sequence number (0 if the room does not exist)."""
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

    Ephemeral fan-out, called after commit (see `broadcast`): never through the outbox. Where the send
    runs:
    - this process serves WebSockets (the hub's loop is running): on that loop — thread-safe for the
      in-memory layer too, whose queues belong to it — without waiting for it;
    - no hub, but the calling thread already runs an event loop (Playwright's sync API in browser tests,
      async code calling a sync service): as a task on that loop, because `async_to_sync` refuses to
      run in a thread that has a running loop;
    - otherwise (a worker, a management command, a WSGI thread): on a loop of its own."""
    layer = get_channel_layer()
    if layer is None:
        return

    async def send() -> None:
        await layer.group_send(group_name(room_id), message)

    try:
        running = _running_loop()
        home = _home_loop
        if home is not None and home.is_running() and not home.is_closed():
            if running is home:  # called from the hub's own thread: do not wait for ourselves
                _spawn(home, send())
                return
            # do not hold the caller (often Channels' one database thread) until the send is done
            future = asyncio.run_coroutine_threadsafe(send(), home)
            future.add_done_callback(_log_failure)
            return
        if running is not None:
            _spawn(running, send())
            return
        async_to_sync(send)()
    except Exception:  # noqa: BLE001 - a delivery failure never undoes the committed fact
        logger.exception("live: could not publish to room %s", room_id)


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


_sending: set[asyncio.Task] = set()  # the loop keeps only weak references to its tasks


def _spawn(loop: asyncio.AbstractEventLoop, coro) -> None:
    task = loop.create_task(coro)
    _sending.add(task)
    task.add_done_callback(_sending.discard)
    task.add_done_callback(_log_failure)


def _log_failure(future) -> None:
    if not future.cancelled() and future.exception() is not None:
        logger.error("live: publish failed: %r", future.exception())


def control(room_id: int, action: str, **data) -> None:
    """A control message to the room's processes (kick a banned user, tell a muted one), after commit
    (ephemeral like every push, hence on_commit and not the outbox: the sanction row is the record)."""
    message = {"type": "room.control", "action": action, **data}
    transaction.on_commit(lambda: publish(room_id, message))
