"""The beacon and the report endpoints: hostile input gets the one error shape and counts nothing twice;
operators see the platform, a merchant only their own shop."""

import json
import time

import pytest
from django.test import Client

from quanzi.analytics import constants as names
from quanzi.analytics.models import Event
from quanzi.analytics.rollups import rollup_dirty_days

pytestmark = pytest.mark.django_db
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"


def beacon(client, events, *, agent=PHONE):
    return client.post("/api/v1/analytics/beacon", json.dumps({"events": events}), content_type="application/json",
                       HTTP_USER_AGENT=agent)


def now_ms(offset_s: float = 0) -> int:
    return int((time.time() + offset_s) * 1000)


def test_a_beacon_stores_views_once_and_drops_what_is_wrong(product):
    c = Client()
    good = [{"key": "view-00000001", "name": "product.view", "ts": now_ms(), "id": product.pk},
            {"key": "page-00000001", "name": "page.view", "ts": now_ms(), "path": "/p/1/?utm=secret"}]
    bad = [{"key": "x", "name": "product.view", "ts": now_ms(), "id": product.pk},  # key too short
           {"key": "unknown-0001", "name": "order.paid", "ts": now_ms()},  # servers' facts only
           {"key": "old-00000001", "name": "page.view", "ts": now_ms(-30 * 86400), "path": "/"},
           {"key": "future-00001", "name": "page.view", "ts": now_ms(3600), "path": "/"},
           {"key": "noid-0000001", "name": "product.view", "ts": now_ms()},
           {"key": "gone-0000001", "name": "product.view", "ts": now_ms(), "id": 10**9},
           {"key": "bool-0000001", "name": "note.view", "ts": True, "id": 1}]
    r = beacon(c, good + bad)
    assert r.status_code == 202
    body = r.json()
    assert (body["accepted"], body["rejected"]) == (2, len(bad))
    assert body["reasons"] == {"invalid_key": 1, "unknown_event": 1, "out_of_range_time": 2, "invalid_object": 1,
                               "unknown_object": 1, "invalid_time": 1}
    assert beacon(c, good).json()["accepted"] == 2  # sent again after a lost answer …
    assert Event.objects.count() == 2  # … stored once
    view = Event.objects.get(name=names.PRODUCT_VIEW)
    assert view.shop_id == product.shop_id and view.object_id == product.pk
    assert Event.objects.get(name=names.PAGE_VIEW).props == {"path": "/p/1/"}  # no query string kept


@pytest.mark.parametrize("payload, code", [
    ({"events": []}, "invalid_beacon"),
    ({"events": [{"key": f"k-{i:08d}", "name": "page.view", "ts": 1, "path": "/"} for i in range(51)]},
     "beacon_too_large"),
    ({"events": "views"}, None),
    ({"events": ["not an object"]}, None),
    ({}, None),
])
def test_malformed_beacons_are_clear_errors(payload, code):
    r = Client().post("/api/v1/analytics/beacon", json.dumps(payload), content_type="application/json",
                      HTTP_USER_AGENT=PHONE)
    assert r.status_code in (400, 422) and "error" in r.json()
    if code:
        assert r.json()["error"]["code"] == code
    assert not Event.objects.exists()


def test_a_page_view_of_a_note_is_also_the_notes_view():
    r = beacon(Client(), [{"key": "page-00000009", "name": "page.view", "ts": now_ms(), "path": "/n/42/"},
                          {"key": "page-00000010", "name": "page.view", "ts": now_ms(), "path": "/n/oops/"}])
    assert r.json()["accepted"] == 2
    [read] = Event.objects.filter(name=names.NOTE_VIEW)
    assert (read.object_type, read.object_id) == ("note", 42)
    assert Event.objects.filter(name=names.PAGE_VIEW).count() == 2


def test_a_page_view_of_a_live_room_is_the_rooms_view(shop):
    from quanzi.analytics import selectors
    from quanzi.analytics.services import report_day
    from quanzi.core import clock
    from quanzi.live.testing import make_room

    room = make_room(host=shop.owner, shop=shop, title="今晚喝茶")
    for n, agent in enumerate((PHONE, PHONE + " Android", PHONE)):
        beacon(Client(), [{"key": f"room-0000000{n}", "name": "page.view", "ts": now_ms(),
                           "path": f"/live/{room.number}/"}], agent=agent)
    beacon(Client(), [{"key": "room-00000009", "name": "page.view", "ts": now_ms(), "path": "/live/NOPE/"}])
    assert Event.objects.filter(name=names.ROOM_VIEW, object_id=room.pk, shop_id=shop.pk).count() == 3
    today = report_day(clock.now())
    [top] = selectors.top_rooms(since=today, until=today)
    assert (top["title"], top["views"], top["viewers"]) == ("今晚喝茶", 3, 2)  # two devices


def test_bots_are_not_counted(product):
    r = beacon(Client(), [{"key": "view-00000001", "name": "product.view", "ts": now_ms(), "id": product.pk}],
               agent="Mozilla/5.0 (compatible; Googlebot/2.1)")
    assert r.status_code == 202 and r.json() == {"accepted": 0, "rejected": 1, "reasons": {"bot": 1}}
    assert not Event.objects.exists()


def test_a_signed_in_viewer_is_their_pseudonym_not_their_device(api, shopper, product):
    from quanzi.analytics.services import actor_of_user

    beacon(api(shopper), [{"key": "view-00000001", "name": "product.view", "ts": now_ms(), "id": product.pk}])
    assert Event.objects.get().actor == actor_of_user(shopper.pk)


def test_reports_are_for_operators_and_a_merchant_sees_only_their_shop(api, make_user, make_shop, product):
    import datetime as dt

    from quanzi.analytics.services import SHANGHAI, Fact, record

    other = make_shop()
    today = dt.datetime.now(SHANGHAI)
    record([Fact(key="p1", name=names.ORDER_PAID, occurred_at=today, actor="a", shop_id=product.shop_id, amount=900),
            Fact(key="p2", name=names.ORDER_PAID, occurred_at=today, actor="b", shop_id=other.pk, amount=5000)])
    rollup_dirty_days()
    merchant = api(product.shop.owner)
    assert merchant.get("/api/v1/analytics/overview").status_code == 403
    assert merchant.get("/api/v1/analytics/funnel").status_code == 403
    mine = merchant.get("/api/v1/analytics/merchant/overview").json()
    assert mine["totals"]["gmv"] == 900 and mine["totals"]["buyers"] == 1
    assert merchant.get(f"/api/v1/analytics/merchant/overview?shop_id={other.pk}").json()["totals"]["gmv"] == 900
    assert api(make_user()).get("/api/v1/analytics/merchant/overview").status_code == 404  # no shop
    staff = api(make_user(is_staff=True))
    assert staff.get("/api/v1/analytics/overview").json()["totals"]["gmv"] == 5900
    f = staff.get("/api/v1/analytics/funnel?steps=product.view,order.paid&window_hours=48").json()
    assert [s["name"] for s in f["steps"]] == ["product.view", "order.paid"] and f["window_hours"] == 48
    assert staff.get("/api/v1/analytics/cohorts").json()["by"] == "first_purchase"
    assert staff.get("/api/v1/analytics/repurchase").json()["buyers"] == 2
    assert staff.get("/api/v1/analytics/sharing").json()["k_factor"] == 0


@pytest.mark.parametrize("query, code", [
    ("/funnel?steps=product.view", "invalid_steps"),
    ("/funnel?steps=product.view,drop.tables", "unknown_event"),
    ("/funnel?window_hours=0", "invalid_window"),
    ("/funnel?since=2026-01-01&until=2026-12-31", "range_too_long"),
    ("/overview?since=2026-13-01", "invalid_date"),
    ("/overview?since=2026-12-05&until=2026-12-01", "invalid_range"),
    ("/cohorts?by=astrology", "invalid_cohort"),
])
def test_bad_report_parameters_are_clear_errors(api, make_user, query, code):
    r = api(make_user(is_staff=True)).get("/api/v1/analytics" + query)
    assert r.status_code == 400 and r.json()["error"]["code"] == code
