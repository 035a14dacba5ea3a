"""WebSocket routes of live rooms (mounted by config/asgi.py)."""

from django.urls import re_path

from quanzi.live.consumers import RoomConsumer

websocket_urlpatterns: list = [
    re_path(r"^ws/live/(?P<number>[0-9]{6,10})/$", RoomConsumer.as_asgi()),
]
