"""Subscribers of the live app to its own facts (through the outbox)."""

from quanzi.core.events import subscribe
from quanzi.live import services
from quanzi.live.events import RoomStarted


@subscribe(RoomStarted)
def remind_viewers(event: RoomStarted) -> None:
    """Reminders go out after the room's start committed; a crash in between delays, never loses them."""
    services.reminders_notify(room_id=event.room_id)
