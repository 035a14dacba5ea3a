"""Facts of live rooms (see core.events)."""

from __future__ import annotations

from quanzi.core.events import DomainEvent, event


@event("live.room_started")
class RoomStarted(DomainEvent):
    room_id: int


@event("live.room_ended")
class RoomEnded(DomainEvent):
    room_id: int
