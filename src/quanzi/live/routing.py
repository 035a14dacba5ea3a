"""WebSocket routes of live rooms (mounted by config/asgi.py)."""

websocket_urlpatterns: list = []
