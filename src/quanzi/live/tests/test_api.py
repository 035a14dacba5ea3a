import datetime as dt

import pytest

from quanzi.core import clock

pytestmark = pytest.mark.django_db


def test_public_room_endpoints(api, live_room, make_user):
    from quanzi.live.services import chat_post

    chat_post(room_id=live_room.pk, user=make_user(), text="hi")
    r = api().get("/api/v1/live/rooms")
    assert r.status_code == 200 and [x["number"] for x in r.json()["live"]] == [live_room.number]
    detail = api().get(f"/api/v1/live/rooms/{live_room.number}").json()
    assert "stream_key" not in detail and len(detail["shelf"]) == 2
    events = api().get(f"/api/v1/live/rooms/{live_room.number}/events?after=1").json()
    assert [e["kind"] for e in events["events"]] == ["chat"]
    r = api().get("/api/v1/live/rooms/0000000000")
    assert r.status_code == 404 and r.json()["error"]["code"] == "room_not_found"


def test_http_chat_errors_have_the_one_shape(api, room, live_room, make_user, settings):
    settings.LIVE_CHAT_RATE = (1, 5)
    user = make_user()
    r = api(user).post(f"/api/v1/live/rooms/{room.number}/chat", {"text": "hi"}, content_type="application/json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "room_not_live"
    r = api(user).post(f"/api/v1/live/rooms/{live_room.number}/chat", {"text": ""}, content_type="application/json")
    assert r.status_code == 400 and r.json()["error"]["code"] == "empty_message"
    assert api(user).post(f"/api/v1/live/rooms/{live_room.number}/chat", {"text": "a"},
                          content_type="application/json").status_code == 201
    r = api(user).post(f"/api/v1/live/rooms/{live_room.number}/chat", {"text": "b"}, content_type="application/json")
    assert r.status_code == 429 and r.json()["error"]["code"] == "rate_limited"
    assert api().post(f"/api/v1/live/rooms/{live_room.number}/chat", {"text": "b"},
                      content_type="application/json").status_code == 401


def test_host_endpoints_and_other_hosts_get_404(api, host, shop, make_product, make_shop, make_user):
    p = make_product(shop=shop)
    when = (clock.now() + dt.timedelta(hours=2)).isoformat()
    r = api(host).post("/api/v1/live/host/rooms", {"title": "API room", "scheduled_at": when, "product_ids": [p.pk]},
                       content_type="application/json")
    assert r.status_code == 201
    room = r.json()
    assert room["push_url"].endswith(f"/{room['number']}?key={room['stream_key']}")
    n = room["number"]
    stranger = make_shop().owner
    for method, path in (("get", ""), ("post", "/start"), ("post", "/end"), ("get", "/stats")):
        resp = getattr(api(stranger), method)(f"/api/v1/live/host/rooms/{n}{path}")
        assert resp.status_code == 404, path
    assert api(host).post(f"/api/v1/live/host/rooms/{n}/start").json()["status"] == "live"
    assert api(host).post(f"/api/v1/live/host/rooms/{n}/pin", {"product_id": p.pk},
                          content_type="application/json").status_code == 200
    viewer = make_user()
    r = api(host).post(f"/api/v1/live/host/rooms/{n}/sanctions", {"user_id": viewer.pk, "kind": "mute"},
                       content_type="application/json")
    assert r.status_code == 201
    r = api(host).post(f"/api/v1/live/host/rooms/{n}/sanctions", {"user_id": viewer.pk, "kind": "nope"},
                       content_type="application/json")
    assert r.status_code == 400
    operator = make_user(is_staff=True)
    ended = api(operator).post(f"/api/v1/live/host/rooms/{n}/end").json()
    assert ended["status"] == "ended"
    from quanzi.live.models import LiveRoom

    assert LiveRoom.objects.get(number=n).ended_by_operator is True
    stats = api(host).get(f"/api/v1/live/host/rooms/{n}/stats").json()
    assert stats["figures"]["messages"] == 0 and stats["rows"]


def test_non_host_cannot_create(api, make_user):
    r = api(make_user()).post("/api/v1/live/host/rooms",
                              {"title": "x", "scheduled_at": (clock.now() + dt.timedelta(hours=1)).isoformat()},
                              content_type="application/json")
    assert r.status_code == 403 and r.json()["error"]["code"] == "not_a_host"
