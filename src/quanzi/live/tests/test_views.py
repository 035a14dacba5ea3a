"""Pages render (Django test client) and guard hosts' pages."""

import datetime as dt

import pytest

from quanzi.core import clock

pytestmark = pytest.mark.django_db


def test_schedule_lists_live_upcoming_and_replays(client, make_room, make_user):
    live = make_room(live=True, title="Live now room")
    upcoming = make_room(title="Tomorrow room")
    client.force_login(make_user())
    r = client.get("/live/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "Live now room" in html and "Tomorrow room" in html
    assert f'data-number="{live.number}"' in html and 'data-testid="live-remind"' in html
    r = client.post(f"/live/{upcoming.number}/remind/", {"on": "1"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and 'data-reminded="1"' in r.content.decode()
    assert 'data-reminded="1"' in client.get("/live/").content.decode()


def test_room_page_for_anonymous_viewer(client, live_room):
    r = client.get(f"/live/{live_room.number}/")
    assert r.status_code == 200
    html = r.content.decode()
    assert 'data-testid="live-room"' in html and "live/js/live.js" in html and "hls.min.js" in html
    assert live_room.shelf.first().product.title in html
    assert client.get("/live/0000000000/").status_code == 404


def test_ended_room_redirects_to_replay_with_chat_and_products(client, live_room, make_user):
    from quanzi.live.services import chat_post, room_end

    chat_post(room_id=live_room.pk, user=make_user(nickname="Fan"), text="好看!")
    room_end(room=live_room)
    r = client.get(f"/live/{live_room.number}/")
    assert r.status_code == 302 and r["Location"].endswith("/replay/")
    html = client.get(r["Location"]).content.decode()
    assert "好看!" in html and "Fan" in html
    product = live_room.shelf.first().product
    assert f"/p/{product.pk}/" in html


def test_console_and_stats_only_for_the_host(client, live_room, make_shop, host):
    assert client.get(f"/live/{live_room.number}/console/").status_code == 302  # to the login
    client.force_login(make_shop().owner)
    assert client.get(f"/live/{live_room.number}/console/").status_code == 404
    assert client.get(f"/live/{live_room.number}/stats/").status_code == 404
    client.force_login(host)
    r = client.get(f"/live/{live_room.number}/console/")
    assert r.status_code == 200 and live_room.stream_key in r.content.decode()
    r = client.get(f"/live/{live_room.number}/stats/")
    assert r.status_code == 200 and "Peak concurrent viewers" in r.content.decode()


def test_merchant_creates_a_room_and_edits_the_shelf(client, host, shop, make_product):
    p1, p2 = make_product(shop=shop, title="Tee"), make_product(shop=shop, title="Cap")
    client.force_login(host)
    assert client.get("/merchant/live/").status_code == 200
    tomorrow = (clock.now() + dt.timedelta(days=1)).date().isoformat()
    r = client.post("/merchant/live/", {"title": "Spring sale", "date": tomorrow, "time": "20:00",
                                        "product_ids": [str(p1.pk)]})
    assert r.status_code == 302
    from quanzi.live.models import LiveRoom

    room = LiveRoom.objects.get(title="Spring sale")
    assert r["Location"] == f"/merchant/live/{room.number}/"
    page = client.get(r["Location"]).content.decode()
    assert "Tee" in page and "Cap" in page  # on the shelf, and a candidate
    client.post(r["Location"], {"action": "add", "product_id": str(p2.pk)})
    assert set(room.shelf.values_list("product_id", flat=True)) == {p1.pk, p2.pk}
    client.post(r["Location"], {"action": "remove", "product_id": str(p1.pk)})
    assert list(room.shelf.values_list("product_id", flat=True)) == [p2.pk]
    r = client.post("/merchant/live/", {"title": "", "date": tomorrow, "time": "20:00"})
    assert r.status_code == 400 and 'data-testid="form-error"' in r.content.decode()


def test_non_host_sees_the_creator_application(client, make_user):
    from quanzi.live.models import HostPermit

    user = make_user()
    client.force_login(user)
    r = client.get("/merchant/live/")
    assert r.status_code == 200 and 'data-testid="live-host-apply"' in r.content.decode()
    client.post("/merchant/live/", {"action": "apply", "note": "I review gadgets"})
    assert HostPermit.objects.get(user=user).status == "applied"


def test_home_has_a_live_entry_a_live_tab_and_a_strip_of_rooms_on_air(client, make_room):
    html = client.get("/").content.decode()
    assert 'data-testid="entry-live"' in html and 'data-testid="tab-live"' in html
    assert 'data-testid="home-live-now"' not in html  # nothing on air: no empty strip
    on_air = make_room(live=True, title="今晚八点上新")
    make_room(title="明天的直播")  # scheduled, not on air
    html = client.get("/").content.decode()
    assert 'data-testid="home-live-now"' in html
    assert html.count('data-testid="live-card"') == 1 and f'href="/live/{on_air.number}/"' in html


def _field_html(html: str, name: str) -> str:
    """The markup of the form field `name`: from its input to the end of its label."""
    start = html.index(f'name="{name}"')
    return html[start:html.index("</label>", start)]


def test_a_bad_room_shows_the_message_under_its_field_and_keeps_the_input(client, host, shop, make_product):
    from django.utils import timezone

    from quanzi.live.models import LiveRoom

    product = make_product(shop=shop, title="Tee")
    client.force_login(host)
    tomorrow = (clock.now() + dt.timedelta(days=1)).date().isoformat()
    r = client.post("/merchant/live/", {"title": "x" * 81, "date": tomorrow, "time": "21:30",
                                        "product_ids": [str(product.pk)]})
    assert r.status_code == 400
    html = r.content.decode()
    assert 'data-testid="field-error-title"' in _field_html(html, "title")
    assert f'value="{tomorrow}"' in _field_html(html, "date") and 'value="21:30"' in _field_html(html, "time")
    assert f'value="{product.pk}" checked' in html
    r = client.post("/merchant/live/", {"title": "Spring", "date": "not-a-date", "time": "20:00"})
    assert r.status_code == 400
    date_field = _field_html(r.content.decode(), "date")
    assert 'data-testid="field-error-date"' in date_field and 'value="not-a-date"' in date_field
    assert not LiveRoom.objects.exists()
    # the room's own form: a refused edit comes back with the message under the title, the input kept
    r = client.post("/merchant/live/", {"title": "Spring", "date": tomorrow, "time": "20:00"})
    room = LiveRoom.objects.get()
    r = client.post(f"/merchant/live/{room.number}/", {"action": "update", "title": " ", "date": tomorrow,
                                                        "time": "22:15"})
    assert r.status_code == 400
    html = r.content.decode()
    assert 'data-testid="field-error-title"' in _field_html(html, "title")
    assert 'value="22:15"' in _field_html(html, "time")
    room.refresh_from_db()
    assert room.title == "Spring"
    r = client.post(f"/merchant/live/{room.number}/", {"action": "update", "title": "Spring 2", "date": tomorrow,
                                                        "time": "22:15"})
    assert r.status_code == 302
    room.refresh_from_db()
    assert room.title == "Spring 2" and timezone.localtime(room.scheduled_at).strftime("%H:%M") == "22:15"
