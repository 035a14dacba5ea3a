"""Media-server callbacks: nginx-rtmp (form posts) and SRS (JSON) authorise the stream key."""

import pytest

pytestmark = pytest.mark.django_db


def test_nginx_publish_with_the_right_key_goes_live_and_done_ends(room, client, settings):
    settings.LIVE_HLS_URL = "https://media.example.com/hls"
    r = client.post("/live/hooks/nginx/publish", {"call": "publish", "app": "live", "name": room.number,
                                                  "key": room.stream_key})
    assert r.status_code == 200
    room.refresh_from_db()
    assert room.status == "live" and room.play_url == f"https://media.example.com/hls/{room.number}.m3u8"
    assert room.stream_key not in room.play_url
    r = client.post("/live/hooks/nginx/record_done", {"name": room.number, "key": room.stream_key,
                                                      "path": "/var/rec/abc.flv"})
    assert r.status_code == 200
    r = client.post("/live/hooks/nginx/publish_done", {"name": room.number, "key": room.stream_key})
    assert r.status_code == 200
    room.refresh_from_db()
    assert room.status == "ended"


@pytest.mark.parametrize("key", ["", "wrong-key"])
def test_nginx_publish_refuses_a_wrong_or_missing_key(room, client, key):
    r = client.post("/live/hooks/nginx/publish", {"name": room.number, "key": key})
    assert r.status_code == 403
    room.refresh_from_db()
    assert room.status == "scheduled"


def test_nginx_publish_refuses_an_unknown_stream_and_an_ended_room(room, client):
    assert client.post("/live/hooks/nginx/publish", {"name": "0000000000", "key": room.stream_key}).status_code == 403
    from quanzi.live.services import room_end

    room_end(room=room)
    assert client.post("/live/hooks/nginx/publish", {"name": room.number, "key": room.stream_key}).status_code == 403


def test_srs_hooks(room, client, settings):
    settings.LIVE_RECORD_URL = "https://media.example.com/rec"
    body = {"action": "on_publish", "app": "live", "stream": room.number, "param": f"?key={room.stream_key}"}
    r = client.post("/live/hooks/srs/publish", body, content_type="application/json")
    assert r.status_code == 200 and r.json() == {"code": 0}
    room.refresh_from_db()
    assert room.status == "live"
    bad = dict(body, param="?key=nope")
    r = client.post("/live/hooks/srs/publish", bad, content_type="application/json")
    assert r.status_code == 403 and r.json()["code"] != 0
    r = client.post("/live/hooks/srs/dvr", dict(body, file="./objs/nginx/html/live/x.mp4"), content_type="application/json")
    assert r.status_code == 200
    r = client.post("/live/hooks/srs/unpublish", body, content_type="application/json")
    assert r.json() == {"code": 0}
    room.refresh_from_db()
    assert room.status == "ended" and room.replay_url == "https://media.example.com/rec/x.mp4"
    assert client.post("/live/hooks/srs/publish", "not json", content_type="application/json").status_code == 400


def test_hook_token_when_configured(room, client, settings):
    settings.LIVE_HOOK_TOKEN = "s3cret"
    data = {"name": room.number, "key": room.stream_key}
    assert client.post("/live/hooks/nginx/publish", data).status_code == 403
    assert client.post("/live/hooks/nginx/publish?token=s3cret", data).status_code == 200
    assert client.get("/live/hooks/nginx/publish?token=s3cret").status_code == 405
