import asyncio
import datetime as dt
import importlib.util
import sys
import types

import pytest

from quanzi.core import clock

if importlib.util.find_spec("daphne") is None:
    # channels.testing imports daphne (for its live-server test case, unused here) before it exposes
    # WebsocketCommunicator; without daphne installed, give that import a harmless stand-in.
    _stub = types.ModuleType("daphne.testing")
    _stub.DaphneProcess = object
    sys.modules.setdefault("daphne", types.ModuleType("daphne"))
    sys.modules.setdefault("daphne.testing", _stub)


@pytest.fixture
def host(shop):
    """The shop owner (a merchant host)."""
    return shop.owner


@pytest.fixture
def make_room(host, make_product, shop):
    from quanzi.live.services import room_create, room_start

    def make(*, live: bool = False, products: int = 2, host_user=None, title: str = "春季新品直播"):
        h = host_user or host
        ids = [make_product(shop=shop, title=f"商品 {i}", price=1000 + i).pk for i in range(products)]
        room = room_create(host=h, title=title, scheduled_at=clock.now() + dt.timedelta(minutes=10), product_ids=ids)
        if live:
            room = room_start(room=room)
        return room

    return make


@pytest.fixture
def room(make_room):
    return make_room()


@pytest.fixture
def live_room(make_room):
    return make_room(live=True)


@pytest.fixture
def fresh_layer(settings):
    """A fresh in-memory channel layer (and hub) per test: their queues belong to one event loop."""
    from channels.layers import channel_layers

    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    channel_layers.backends = {}
    yield
    channel_layers.backends = {}


@pytest.fixture
def ws(fresh_layer):
    """`await ws(room, user)` → a connected WebsocketCommunicator (not yet said hello)."""
    from channels.routing import URLRouter
    from channels.testing import WebsocketCommunicator

    from quanzi.live.routing import websocket_urlpatterns

    app = URLRouter(websocket_urlpatterns)

    async def connect(room_or_number, user=None, *, expect_accept=True):
        number = getattr(room_or_number, "number", room_or_number)
        comm = WebsocketCommunicator(app, f"/ws/live/{number}/")
        if user is not None:
            comm.scope["user"] = user
        else:
            from django.contrib.auth.models import AnonymousUser

            comm.scope["user"] = AnonymousUser()
        connected, _sub = await comm.connect()
        assert connected is expect_accept
        return comm

    return connect


async def receive_until(comm, predicate, *, timeout: float = 3.0):
    """Read frames (unpacking batches) until `predicate(frame)`; return (frame, frames seen)."""
    seen = []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        remaining = deadline - loop.time()
        if remaining <= 0:
            raise AssertionError(f"no matching frame; saw {seen}")
        frame = await comm.receive_json_from(timeout=remaining)
        parts = frame["events"] if frame.get("type") == "batch" else [frame]
        seen.extend(parts)  # the whole batch is seen, even after the match
        match = next((part for part in parts if predicate(part)), None)
        if match is not None:
            return match, seen
