"""Hostile chat (issue 12): a lone UTF-16 surrogate sent by WebSocket or by the API is refused and never
stored, the room page and the host console stay up, and every other viewer keeps receiving; a frame
nested 2,000 deep or above the size limit closes the socket with a close code, never a dropped socket."""

import json

import pytest
from asgiref.sync import async_to_sync
from django.test import Client

from quanzi.live.models import RoomEvent
from quanzi.live.tests.conftest import receive_until

LONE_SURROGATE_CHAT = '{"type": "chat", "text": "a\\ud800b", "ref": 1}'


def run(coro_fn):
    async_to_sync(coro_fn)()


def chats(room) -> list[str]:
    return list(RoomEvent.objects.filter(room=room, kind="chat").values_list("data__text", flat=True))


def pages_answer(room, host) -> tuple[int, int]:
    viewer, console = Client(), Client()
    console.force_login(host)
    return (viewer.get(f"/live/{room.number}/").status_code,
            console.get(f"/live/{room.number}/console/").status_code)


@pytest.mark.django_db(transaction=True)
def test_a_lone_surrogate_by_websocket_is_refused_and_the_room_keeps_streaming(live_room, ws, make_user, host):
    alice, bob = make_user(nickname="Alice"), make_user(nickname="Bob")

    async def scenario():
        a, b = await ws(live_room, alice), await ws(live_room, bob)
        for comm in (a, b):
            await comm.send_json_to({"type": "hello"})
            await comm.receive_json_from()

        await a.send_to(text_data=LONE_SURROGATE_CHAT)
        error, _seen = await receive_until(a, lambda f: f["type"] == "error", timeout=10)
        assert error["code"] == "invalid_characters"

        await a.send_json_to({"type": "chat", "text": "still here", "ref": 2})  # the same socket still works
        await receive_until(a, lambda f: f["type"] == "ack" and f["ref"] == 2, timeout=10)
        event, _seen = await receive_until(b, lambda f: f.get("kind") == "chat", timeout=10)  # Bob still receives
        assert event["data"]["text"] == "still here"
        await a.disconnect()
        await b.disconnect()

    run(scenario)
    assert chats(live_room) == ["still here"]
    assert pages_answer(live_room, host) == (200, 200)


@pytest.mark.django_db
def test_a_lone_surrogate_by_the_api_is_refused_in_the_error_shape_and_never_stored(live_room, make_user, host):
    client = Client()  # Django's test client does not enforce CSRF
    client.force_login(make_user(nickname="Eve"))
    response = client.post(f"/api/v1/live/rooms/{live_room.number}/chat", data='{"text": "a\\ud800b"}',
                           content_type="application/json")

    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "invalid_characters"
    assert chats(live_room) == []
    assert pages_answer(live_room, host) == (200, 200)


@pytest.mark.django_db
def test_the_chat_service_itself_refuses_a_lone_surrogate(live_room, make_user):
    from quanzi.core.errors import ValidationFailed
    from quanzi.live.services import chat_post

    with pytest.raises(ValidationFailed) as refused:
        chat_post(room_id=live_room.pk, user=make_user(), text="a\ud800b")

    assert refused.value.code == "invalid_characters"
    assert chats(live_room) == []


@pytest.mark.django_db
def test_a_surrogate_stored_before_the_fix_no_longer_breaks_pages_or_frames(live_room, make_user, host):
    """Rows written before the edge refused them: shown as U+FFFD, the page and every frame still work.
    (SQLite's JSON columns kept such rows; PostgreSQL's jsonb never accepted one.)"""
    from django.db import connection

    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL's jsonb refuses a lone surrogate: no such row can exist there")
    from quanzi.live import realtime
    from quanzi.live.hub import dumps

    event = realtime.record(live_room.pk, "chat", {"user_id": None, "nickname": "Old", "text": "a\ud800b"})
    event.refresh_from_db()

    frame = realtime.event_frame(event)
    assert frame["data"]["text"] == "a\ufffdb"
    assert json.loads(dumps({"type": "batch", "events": [{"data": {"text": "x\udfff"}}]}))["events"][0]["data"] == {
        "text": "x\ufffd"}
    assert pages_answer(live_room, host) == (200, 200)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("frame", "code"), [
    ("[" * 2000 + "]" * 2000, 4400),  # 4,000 characters: within the size limit, far too deep
    ('{"type": "chat", "text": ' + "[" * 50 + "]" * 50 + "}", 4400),
    ('{"type": "chat", "text": "' + "x" * 5000 + '"}', 4413),
])
def test_deep_or_huge_frames_close_with_a_close_code(live_room, ws, make_user, frame, code):
    user = make_user()

    async def scenario():
        bad = await ws(live_room, user)
        await bad.send_to(text_data=frame)
        out = await bad.receive_output(timeout=3)
        while out["type"] != "websocket.close":
            out = await bad.receive_output(timeout=3)
        assert out["code"] == code
        good = await ws(live_room)  # the server keeps serving
        await good.send_json_to({"type": "ping"})
        assert (await good.receive_json_from())["type"] == "pong"
        await good.disconnect()

    run(scenario)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("frame", "error"), [
    ('{"type": "chat", "text": "a\\u0000b", "ref": 1}', "invalid_characters"),
    ('{"type": "chat", "text": "hi", "ref": 1e400}', "number_out_of_range"),
])
def test_refused_text_in_a_frame_is_an_error_frame_and_the_socket_stays_open(live_room, ws, make_user, frame,
                                                                             error):
    user = make_user()

    async def scenario():
        comm = await ws(live_room, user)
        await comm.send_json_to({"type": "hello"})
        await comm.receive_json_from()
        await comm.send_to(text_data=frame)
        refused, _seen = await receive_until(comm, lambda f: f["type"] == "error", timeout=10)
        assert refused["code"] == error
        await comm.send_json_to({"type": "ping"})
        await receive_until(comm, lambda f: f["type"] == "pong", timeout=10)
        await comm.disconnect()

    run(scenario)
    assert chats(live_room) == []
