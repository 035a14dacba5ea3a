"""WebSocket routes of live rooms (mounted by config/asgi.py)."""

from django.urls import re_path

from quanzi.live.consumers import RoomConsumer

websocket_urlpatterns: list = [
    re_path(r"^ws/live/(?P<number>[0-9]{6,10})/$", RoomConsumer.as_asgi()),
]


def csp_sources() -> dict[str, list[str]]:
    """What live pages need in the Content-Security-Policy (core.csp): the WebSocket origin when it is
    served elsewhere (LIVE_WS_URL), and the media server's HLS and recording origins, which hls.js
    fetches (connect-src) and the player plays (media-src)."""
    from django.conf import settings

    from quanzi.core.csp import origin_of

    sources: dict[str, list[str]] = {"connect-src": [], "media-src": []}
    ws = origin_of(getattr(settings, "LIVE_WS_URL", "") or "")
    if ws:
        sources["connect-src"].append(ws)
    for name in ("LIVE_HLS_URL", "LIVE_RECORD_URL"):
        origin = origin_of(getattr(settings, name, "") or "")
        if origin:
            sources["connect-src"].append(origin)
            sources["media-src"].append(origin)
    return sources
