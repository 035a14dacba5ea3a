"""Issue 6's live room in real browsers: the host starts the room from the console; a viewer chats and
likes and sees the host's pinned product; a flooder hits the rate limit and the host mutes them; the
host ends the room; the viewer follows the replay link (chat replayed, products at normal prices) and
the host reads the stats.

Pages come from pytest-django's live server; the WebSockets from the real ASGI app (config.asgi:
Channels' AuthMiddlewareStack and origin check, the room consumer, the in-memory layer) served by
uvicorn in a background thread on the same test database (LIVE_WS_URL points the pages at it; the
session cookie is per host, not per port, so the browser's login reaches it).
"""

from __future__ import annotations

import socket
import threading
import time

import pytest

pytest.importorskip("playwright.sync_api")
uvicorn = pytest.importorskip("uvicorn")

from e2e_ui import create_product, login, snap  # noqa: E402
from playwright.sync_api import expect  # noqa: E402


@pytest.fixture
def ws_server(live_server, settings):
    from asgiref.sync import SyncToAsync
    from django.db import connections

    from config.asgi import application

    conn = connections["default"]
    shared = conn.vendor == "sqlite" and conn.is_in_memory_db()
    if shared:  # as pytest-django's live server does: one in-memory database, one shared connection
        conn.inc_thread_sharing()
        SyncToAsync.single_thread_executor.submit(lambda: connections.__setitem__("default", conn)).result()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    server = uvicorn.Server(uvicorn.Config(application, host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    host = live_server.url.split("://", 1)[1].split(":", 1)[0]
    settings.LIVE_WS_URL = f"ws://{host}:{port}"
    yield settings.LIVE_WS_URL
    server.should_exit = True
    thread.join(10)
    if shared:
        def forget():
            del connections["default"]

        SyncToAsync.single_thread_executor.submit(forget).result()
        conn.dec_thread_sharing()
    else:  # the consumers' database thread keeps its own connections: close them before the flush
        SyncToAsync.single_thread_executor.submit(connections.close_all).result()


@pytest.fixture
def world(make_user, make_shop, make_shopper, category):
    from quanzi.core import clock
    from quanzi.live.services import room_create

    host = make_user(phone="13900000066", nickname="主播阿May")
    shop = make_shop(owner=host)
    tee = create_product(shop=shop, category=category, title="直播款卫衣 Live hoodie", price=12900, stock=20)
    cap = create_product(shop=shop, category=category, title="棒球帽 Cap", price=5900, stock=20)
    import datetime as dt

    room = room_create(host=host, title="Spring live", scheduled_at=clock.now() + dt.timedelta(minutes=5),
                       product_ids=[tee.pk, cap.pk])
    return {"host": host, "room": room, "tee": tee, "cap": cap,
            "viewer": make_shopper(phone="13700006601", nickname="Viewer Vi"),
            "flooder": make_shopper(phone="13700006602", nickname="Flooder Fo")}


def chat_line(page, text):
    return page.get_by_test_id("live-chat").locator("li", has_text=text)


def test_live_room_journey(open_page, site, ws_server, world, settings):
    from quanzi.live.selectors import room_by_number, sanctions

    settings.LIVE_CHAT_RATE = (3, 10)  # a small burst, so the flooder hits it quickly
    room, number = world["room"], world["room"].number

    # -------------------------------------------------------------- the host starts the room
    host = open_page("host", width=1280, height=900)
    login(host, world["host"].phone, next_path=f"/live/{number}/console/")
    host.goto(f"/live/{number}/console/")
    expect(host.get_by_test_id("live-console")).to_have_attribute("data-connected", "1")
    host.get_by_test_id("live-start").click()
    expect(host.get_by_test_id("live-end")).to_be_visible()
    expect(host.get_by_test_id("live-console")).to_have_attribute("data-status", "live")
    assert room_by_number(number=number).status == "live"

    # -------------------------------------------------------------- a viewer chats and likes
    viewer = open_page("viewer")
    login(viewer, world["viewer"].phone)
    viewer.goto(f"/live/{number}/")
    expect(viewer.get_by_test_id("live-room")).to_have_attribute("data-connected", "1")
    expect(viewer.get_by_test_id("live-status")).to_contain_text("LIVE")
    expect(viewer.get_by_test_id("live-viewers")).to_have_text("2")
    viewer.get_by_test_id("live-chat-input").fill("Hello from the viewer")
    viewer.get_by_test_id("live-chat-send").click()
    expect(chat_line(viewer, "Hello from the viewer")).to_be_visible()
    expect(chat_line(host, "Hello from the viewer")).to_be_visible()
    for _ in range(3):
        viewer.get_by_test_id("live-like").click()
    expect(host.get_by_test_id("live-console").locator("[data-live-likes]")).to_have_text("3")
    expect(viewer.get_by_test_id("live-likes")).to_have_text("3")

    # -------------------------------------------------------------- the host pins a product
    host.get_by_test_id("live-console-shelf").locator(f'[data-product-id="{world["tee"].pk}"]') \
        .get_by_test_id("live-pin").click()
    expect(viewer.get_by_test_id("live-pinned-card")).to_contain_text("Live hoodie")
    snap(viewer, "live-viewer-pinned")

    # -------------------------------------------------------------- a flooder is rate-limited, then muted
    flooder = open_page("flooder")
    login(flooder, world["flooder"].phone)
    flooder.goto(f"/live/{number}/")
    expect(flooder.get_by_test_id("live-room")).to_have_attribute("data-connected", "1")
    sent = 8  # 3 per fixed 10-second window: even across a window boundary at most 6 get through
    for i in range(sent):
        flooder.get_by_test_id("live-chat-input").fill(f"BUY NOW {i}")
        flooder.get_by_test_id("live-chat-send").click()
    expect(flooder.get_by_test_id("live-error")).to_contain_text("Too many attempts")
    expect(chat_line(host, "BUY NOW 2")).to_be_visible()
    flooded = host.get_by_test_id("live-chat").locator("li", has_text="BUY NOW")
    expect(flooded.nth(2)).to_be_visible()
    delivered = flooded.count()
    assert 3 <= delivered <= 6  # the rest were dropped with a notice, never delivered
    expect(viewer.get_by_test_id("live-chat").locator("li", has_text="BUY NOW")).to_have_count(delivered)
    chat_line(host, "BUY NOW 0").get_by_test_id("live-mod-mute").click()
    expect(host.get_by_test_id("live-console")).to_have_attribute("data-last-sanction",
                                                                   f"mute:{world['flooder'].pk}")
    assert any(s.user_id == world["flooder"].pk and s.kind == "mute" for s in sanctions(room=room))
    expect(flooder.get_by_test_id("live-error")).to_contain_text("muted")
    from django.core.cache import cache

    cache.clear()  # forget the flooder's rate-limit window, so the refusal below is the mute's
    flooder.get_by_test_id("live-chat-input").fill("let me talk")
    flooder.get_by_test_id("live-chat-send").click()
    expect(flooder.get_by_test_id("live-error")).to_contain_text("muted you")
    expect(chat_line(viewer, "let me talk")).to_have_count(0)

    # -------------------------------------------------------------- the host ends the room
    host.get_by_test_id("live-end").click()
    expect(viewer.get_by_test_id("live-ended")).to_be_visible()
    assert room_by_number(number=number).status == "ended"
    viewer.get_by_test_id("live-replay-link").click()
    expect(viewer.get_by_test_id("live-replay")).to_be_visible()
    expect(viewer.get_by_test_id("live-chat-replay")).to_contain_text("Hello from the viewer")
    viewer.get_by_test_id("live-replay-play").click()  # the chat comes back line by line, in order
    replayed = viewer.get_by_test_id("live-chat-replay").locator("li")
    expect(replayed.last).to_be_visible()
    expect(replayed.first).to_contain_text("Hello from the viewer")
    expect(viewer.get_by_test_id("live-replay-product")).to_have_count(2)
    expect(viewer.get_by_test_id("live-replay-products")).to_contain_text("¥129.00")
    snap(viewer, "live-replay")

    host.goto(f"/live/{number}/stats/")
    stats = host.get_by_test_id("live-stats")
    expect(stats).to_contain_text("Peak concurrent viewers")
    expect(stats.locator("dt", has_text="Chat messages").locator("xpath=following-sibling::dd[1]")) \
        .to_have_text(str(1 + delivered))
    expect(stats.locator("dt", has_text="Likes").locator("xpath=following-sibling::dd[1]")).to_have_text("3")
    snap(host, "live-stats")
