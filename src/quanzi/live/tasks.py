"""Live sweeps: a scheduled room that never started is closed a day after its time (its reminders
are no longer useful), and a live room whose stream died without an unpublish callback (no chat or
viewer for LIVE_IDLE_HOURS) is ended."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings

from quanzi.core import clock
from quanzi.core.errors import DomainError
from quanzi.core.sweeps import sweeps
from quanzi.live import services
from quanzi.live.models import LiveRoom, RoomStatus

logger = logging.getLogger("quanzi.live")
BATCH = 200


@sweeps.register(key="live_close_stale")
def live_close_stale() -> int:
    """End scheduled rooms that never went live within 24 h, and live rooms with no event and no viewer
    for LIVE_IDLE_HOURS (12; a lost unpublish hook)."""
    now = clock.now()
    done = 0
    overdue = LiveRoom.objects.filter(status=RoomStatus.SCHEDULED, scheduled_at__lt=now - dt.timedelta(hours=24))
    idle_hours = int(getattr(settings, "LIVE_IDLE_HOURS", 12))
    stale = LiveRoom.objects.filter(status=RoomStatus.LIVE, started_at__lt=now - dt.timedelta(hours=idle_hours)) \
        .exclude(events__created_at__gte=now - dt.timedelta(hours=idle_hours)) \
        .exclude(sessions__left_at__isnull=True)
    for room in list(overdue[:BATCH]) + list(stale.distinct()[:BATCH]):
        try:
            services.room_end(room=room)
            done += 1
        except DomainError:
            logger.info("live: room %s changed while closing", room.number)
    return done
