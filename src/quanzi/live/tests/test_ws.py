"""The room WebSocket protocol (channels.testing.WebsocketCommunicator, in-memory layer)."""

import pytest
from asgiref.sync import async_to_sync

from quanzi.live.tests.conftest import receive_until

pytestmark = pytest.mark.django_db(transaction=True)


def run(coro_fn):
    async_to_sync(coro_fn)()


def test_join_chat_and_everyone_gets_the_numbered_message(live_room, ws, make_user):
    alice = make_user(nickname="Alice")

    async def scenario():
        a = await ws(live_room, alice)
        b = await ws(live_room)  # anonymous viewer
        await a.send_json_to({"type": "hello", "last_seq": None})
        welcome = await a.receive_json_from()
        assert welcome["type"] == "welcome"
        assert welcome["room"]["status"] == "live"
        assert welcome["user"]["nickname"] == "Alice"
        await b.send_json_to({"type": "hello"})
        assert (await b.receive_json_from())["user"] is None

        await a.send_json_to({"type": "chat", "text": "  大家好  ", "ref": 7})
        ack, _ = await receive_until(a, lambda f: f["type"] == "ack")
        assert ack["ref"] == 7 and ack["seq"] > welcome["last_seq"]
        event, seen = await receive_until(b, lambda f: f.get("kind") == "chat")
        assert event["seq"] == ack["seq"]
        assert event["data"]["text"] == "大家好" and event["data"]["nickname"] == "Alice"
        if not any(f.get("kind") == "viewers" and f["data"]["count"] == 2 for f in seen):
            await receive_until(b, lambda f: f.get("kind") == "viewers" and f["data"]["count"] == 2)
        await a.disconnect()
        await b.disconnect()

    run(scenario)


def test_reconnect_gets_what_it_missed_in_order(live_room, ws, make_user):
    from quanzi.live.services import chat_post

    alice, bob = make_user(nickname="Alice"), make_user(nickname="Bob")

    async def scenario():
        a = await ws(live_room, alice)
        await a.send_json_to({"type": "hello", "last_seq": None})
        welcome = await a.receive_json_from()
        last = welcome["last_seq"]
        await a.disconnect()
        from channels.db import database_sync_to_async

        for text in ("one", "two", "three"):
            await database_sync_to_async(chat_post)(room_id=live_room.pk, user=bob, text=text)
        again = await ws(live_room, alice)
        await again.send_json_to({"type": "hello", "last_seq": last})
        welcome2 = await again.receive_json_from()
        missed = [(e["kind"], e["data"].get("text")) for e in welcome2["missed"]]
        assert missed == [("chat", "one"), ("chat", "two"), ("chat", "three")]
        seqs = [e["seq"] for e in welcome2["missed"]]
        assert seqs == sorted(seqs) and seqs[0] == last + 1 and welcome2["last_seq"] == seqs[-1]
        assert welcome2["gap"] is False
        await again.disconnect()

    run(scenario)


@pytest.mark.parametrize(("frame", "code"), [
    ("not json{", 4400),
    ("[1, 2]", 4400),
    ('{"type": "dance"}', 4422),
    ('{"no_type": 1}', 4422),
    ("x" * 5000, 4413),
])
def test_malformed_frames_close_with_a_clear_code_and_the_server_keeps_serving(live_room, ws, make_user, frame, code):
    user = make_user()

    async def scenario():
        bad = await ws(live_room, user)
        await bad.send_to(text_data=frame)
        closed = await bad.receive_output(timeout=3)
        while closed["type"] != "websocket.close":
            closed = await bad.receive_output(timeout=3)
        assert closed["code"] == code
        good = await ws(live_room)
        await good.send_json_to({"type": "ping"})
        assert (await good.receive_json_from())["type"] == "pong"
        await good.disconnect()

    run(scenario)


def test_unknown_room_closes_4404(ws, db):
    async def scenario():
        comm = await ws("1234567890")
        out = await comm.receive_output(timeout=3)
        assert out == {"type": "websocket.close", "code": 4404}

    run(scenario)


def test_chat_errors_are_recoverable_frames(room, ws, make_user):
    """Anonymous, room not live, empty, too long: an error frame each, and the socket stays open."""
    user = make_user()

    async def scenario():
        anon = await ws(room)
        await anon.send_json_to({"type": "hello"})
        await anon.receive_json_from()
        await anon.send_json_to({"type": "chat", "text": "hi"})
        err, _ = await receive_until(anon, lambda f: f["type"] == "error")
        assert err["code"] == "sign_in_required"

        c = await ws(room, user)
        await c.send_json_to({"type": "hello"})
        await c.receive_json_from()
        for text, code in (("hi", "room_not_live"), ("   ", "empty_message"), ("长" * 201, "message_too_long"),
                           (None, "empty_message")):
            await c.send_json_to({"type": "chat", "text": text})
            err, _ = await receive_until(c, lambda f: f["type"] == "error")
            assert err["code"] == code
        await c.send_json_to({"type": "like", "count": 3})
        err, _ = await receive_until(c, lambda f: f["type"] == "error")
        assert err["code"] == "room_not_live"
        await c.send_json_to({"type": "ping"})
        assert (await receive_until(c, lambda f: f["type"] == "pong"))[0]
        await c.disconnect()
        await anon.disconnect()

    run(scenario)


def test_likes_are_aggregated_into_one_running_total(live_room, ws, make_user):
    from quanzi.live.models import LiveRoom

    user = make_user()

    async def scenario():
        c = await ws(live_room, user)
        await c.send_json_to({"type": "hello"})
        await c.receive_json_from()
        for count in (1, 5, 10):
            await c.send_json_to({"type": "like", "count": count})
        await c.send_json_to({"type": "like", "count": 51})
        err, _ = await receive_until(c, lambda f: f["type"] == "error")
        assert err["code"] == "invalid_like_count"
        likes, seen = await receive_until(c, lambda f: f.get("kind") == "likes" and f["data"]["total"] == 16)
        assert likes["seq"] is None
        # fewer like events than taps: aggregated per tick, never one per tap
        assert len([f for f in seen if f.get("kind") == "likes"]) <= 3
        await c.disconnect()

    run(scenario)
    assert LiveRoom.objects.get(pk=live_room.pk).like_count == 16


def test_flooding_gets_a_notice_then_the_rate_limit(live_room, ws, make_user, settings):
    settings.LIVE_CHAT_RATE = (3, 5)
    user = make_user()

    async def scenario():
        c = await ws(live_room, user)
        await c.send_json_to({"type": "hello"})
        await c.receive_json_from()
        for i in range(4):
            await c.send_json_to({"type": "chat", "text": f"msg {i}"})
        err, seen = await receive_until(c, lambda f: f["type"] == "error")
        assert err["code"] == "rate_limited"
        assert len([f for f in seen if f["type"] == "ack"]) == 3
        await c.disconnect()

    run(scenario)


def test_muted_user_is_told_and_cannot_chat_banned_user_is_kicked(live_room, ws, make_user, host):
    from channels.db import database_sync_to_async

    from quanzi.live.services import sanction_add

    loud, rude = make_user(nickname="Loud"), make_user(nickname="Rude")

    async def scenario():
        a = await ws(live_room, loud)
        b = await ws(live_room, rude)
        for c in (a, b):
            await c.send_json_to({"type": "hello"})
            await c.receive_json_from()
        await database_sync_to_async(sanction_add)(room=live_room, user_id=loud.pk, kind="mute", by=host)
        notice, _ = await receive_until(a, lambda f: f["type"] == "notice")
        assert notice["code"] == "muted"
        await a.send_json_to({"type": "chat", "text": "still here"})
        err, _ = await receive_until(a, lambda f: f["type"] == "error")
        assert err["code"] == "muted"
        await database_sync_to_async(sanction_add)(room=live_room, user_id=rude.pk, kind="ban", by=host)
        out = await b.receive_output(timeout=3)
        while out["type"] != "websocket.close":
            out = await b.receive_output(timeout=3)
        assert out["code"] == 4403
        again = await ws(live_room, rude)
        assert (await again.receive_output(timeout=3)) == {"type": "websocket.close", "code": 4403}
        await a.disconnect()

    run(scenario)


def test_pin_and_room_end_reach_viewers(live_room, ws, make_user):
    from channels.db import database_sync_to_async

    from quanzi.live.services import pin_set, room_end

    product = live_room.shelf.first().product

    async def scenario():
        v = await ws(live_room)
        await v.send_json_to({"type": "hello"})
        await v.receive_json_from()
        await database_sync_to_async(pin_set)(room=live_room, product_id=product.pk)
        pinned, _ = await receive_until(v, lambda f: f.get("kind") == "pinned")
        assert pinned["data"]["product"]["id"] == product.pk
        await database_sync_to_async(room_end)(room=live_room)
        ended, _ = await receive_until(v, lambda f: f.get("kind") == "room_ended")
        assert ended["seq"] > pinned["seq"]
        await v.disconnect()

    run(scenario)


def test_broadcast_from_another_app_reaches_viewers_after_commit(live_room, ws):
    """The contract livesales uses: broadcast() inside a transaction, delivered after commit only."""
    from channels.db import database_sync_to_async
    from django.db import transaction

    from quanzi.live.realtime import broadcast

    def rolled_back_then_committed():
        try:
            with transaction.atomic():
                broadcast(live_room.pk, "purchase", {"nickname": "ghost", "product_title": "x"})
                raise RuntimeError
        except RuntimeError:
            pass
        with transaction.atomic():
            return broadcast(live_room.pk, "purchase", {"nickname": "张三", "product_title": "T恤"})

    async def scenario():
        v = await ws(live_room)
        await v.send_json_to({"type": "hello"})
        await v.receive_json_from()
        seq = await database_sync_to_async(rolled_back_then_committed)()
        event, seen = await receive_until(v, lambda f: f.get("kind") == "purchase")
        assert event["seq"] == seq and event["data"]["nickname"] == "张三"
        assert not [f for f in seen if f.get("data", {}).get("nickname") == "ghost"]
        await v.disconnect()

    run(scenario)


def test_viewer_sessions_are_recorded_for_the_stats(live_room, ws, make_user):
    """Sessions are written in batches by the hub: the signed-in viewer shows up among the room's viewers."""
    import asyncio

    from channels.db import database_sync_to_async

    from quanzi.live.selectors import room_viewer_user_ids

    fan = make_user()

    async def scenario():
        c = await ws(live_room, fan)
        await c.send_json_to({"type": "hello"})
        await c.receive_json_from()
        anon = await ws(live_room)
        await anon.send_json_to({"type": "hello"})
        await anon.receive_json_from()
        for _ in range(50):
            if fan.pk in await database_sync_to_async(room_viewer_user_ids)(room=live_room):
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError("the session was not recorded")
        await c.disconnect()
        await anon.disconnect()

    run(scenario)
    from quanzi.live.models import ViewerSession

    assert ViewerSession.objects.filter(room=live_room).count() == 2
