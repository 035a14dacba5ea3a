"""Room analytics: the viewing figures (peak and average concurrent viewers, watch time, messages,
likes) plus rows other apps contribute through `room_stats_rows` (livesales: orders, GMV, tips,
conversion) without live importing them."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from quanzi.core import clock
from quanzi.core.registry import Registry

logger = logging.getLogger("quanzi.live")

StatsProvider = Callable[[object], list[tuple[str, str]]]
room_stats_rows: Registry[StatsProvider] = Registry(
    "live.room_stats", owner=__name__,
    doc="Rows other apps add to a live room's stats page and API: `fn(room) -> [(label, value), …]`.")


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def viewing_figures(*, room) -> dict:
    """Numbers of the viewing part (also used by the API)."""
    from quanzi.live.models import ViewerSession

    end = room.ended_at or clock.now()
    start = room.started_at
    sessions = ViewerSession.objects.filter(room=room)
    watch_seconds = 0.0
    for joined, left in sessions.values_list("joined_at", "left_at"):
        if start is None:
            break
        a = max(joined, start)
        b = min(left or end, end)
        if b > a:
            watch_seconds += (b - a).total_seconds()
    live_seconds = (end - start).total_seconds() if start else 0.0
    counts = room.events.aggregate(messages=Count("pk", filter=Q(kind="chat", deleted=False)))
    viewers = sessions.aggregate(
        unique_users=Count("user", distinct=True),
        anonymous=Count("pk", filter=Q(user__isnull=True)),
    )
    return {
        "peak_viewers": room.peak_viewers,
        "average_viewers": round(watch_seconds / live_seconds, 1) if live_seconds > 0 else 0.0,
        "watch_seconds": int(watch_seconds),
        "live_seconds": int(live_seconds),
        "unique_viewers": viewers["unique_users"] + viewers["anonymous"],
        "signed_in_viewers": viewers["unique_users"],
        "messages": counts["messages"],
        "likes": room.like_count,
    }


def room_stats(*, room) -> list[tuple[str, str]]:
    """The stats page's rows: the viewing figures, then every registered provider's."""
    f = viewing_figures(room=room)
    rows = [
        (_("Peak concurrent viewers"), str(f["peak_viewers"])),
        (_("Average concurrent viewers"), str(f["average_viewers"])),
        (_("Live for"), _duration(f["live_seconds"])),
        (_("Total watch time"), _duration(f["watch_seconds"])),
        (_("Viewers"), str(f["unique_viewers"])),
        (_("Chat messages"), str(f["messages"])),
        (_("Likes"), str(f["likes"])),
    ]
    for provider in list(room_stats_rows):
        try:
            rows.extend((str(label), str(value)) for label, value in provider(room))
        except Exception:  # noqa: BLE001 - one provider's bug must not take the page down
            logger.exception("live: room stats provider %s failed", getattr(provider, "__name__", provider))
    return rows

