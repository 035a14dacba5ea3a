"""The livesales API: every error in the one error shape, nothing changed on bad input."""

import datetime as dt

import pytest

from quanzi.catalog.selectors import pool_units
from quanzi.core import clock
from quanzi.livesales.models import LivePrice, Tip, TipBalance
from quanzi.orders.testing import orders

pytestmark = pytest.mark.django_db
BASE = "/api/v1/livesales"


def post(client, url, body, **headers):
    return client.post(BASE + url, body, content_type="application/json", **headers)


def test_the_host_starts_and_ends_a_live_price_and_viewers_see_it(api, room, lsku, make_user, expect_error):
    host = api(room.host)
    r = post(host, f"/rooms/{room.number}/prices", {"sku_id": lsku.pk, "price": 5900, "stock": 10,
                                                    "per_user_limit": 2, "duration_seconds": 900})
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["price"], body["stock"], body["left"], body["status"]) == (
        {"amount": 5900, "currency": "CNY"}, 10, 10, "active")
    listed = api().get(f"{BASE}/rooms/{room.number}/prices").json()["prices"]
    assert [p["id"] for p in listed] == [body["id"]] and listed[0]["list_price"]["amount"] == 10000
    expect_error(post(api(make_user()), f"/prices/{body['id']}/end", {}), 404)
    expect_error(post(api(make_user()), f"/rooms/{room.number}/prices",
                      {"sku_id": lsku.pk, "price": 100, "stock": 1}), 404, "room_not_found")
    expect_error(post(host, f"/rooms/{room.number}/prices", {"sku_id": lsku.pk, "price": 20000, "stock": 1}),
                 400, "invalid_live_price")
    r = post(host, f"/prices/{body['id']}/end", {})
    assert r.status_code == 200 and r.json()["status"] == "ended" and r.json()["returned"] == 10
    assert api().get(f"{BASE}/rooms/{room.number}/prices").json()["prices"] == []
    expect_error(api().get(f"{BASE}/rooms/0000000000/prices"), 404, "room_not_found")


def test_buying_in_the_room_returns_the_payment_and_replays_with_the_same_key(api, room, lsku, live_price,
                                                                                make_shopper):
    viewer = make_shopper()
    client = api(viewer)
    body = {"sku_id": lsku.pk, "quantity": 1, "address_id": viewer.addresses.get().pk, "live_price_id": live_price.pk}
    r = post(client, f"/rooms/{room.number}/buy", body, HTTP_IDEMPOTENCY_KEY="k1")
    assert r.status_code == 201, r.content
    out = r.json()
    assert out["unit_price"]["amount"] == 5900 and out["price_source"] == "live"
    assert out["payment"]["pay_url"] == f"/sandbox/pay/{out['payment']['payment_number']}/"
    again = post(client, f"/rooms/{room.number}/buy", body, HTTP_IDEMPOTENCY_KEY="k1")
    assert again.json()["order_number"] == out["order_number"]
    assert len(orders()) == 1
    assert pool_units(pools=[live_price.stock_pool])[live_price.stock_pool] == 9


def test_buying_errors_are_clear_and_change_nothing(api, room, lsku, live_price, make_shopper, expect_error):
    viewer = make_shopper()
    client = api(viewer)
    body = {"sku_id": lsku.pk, "quantity": 3, "address_id": viewer.addresses.get().pk, "live_price_id": live_price.pk}
    expect_error(post(client, f"/rooms/{room.number}/buy", body), 422, "live_price_limit")
    LivePrice.objects.filter(pk=live_price.pk).update(per_user_limit=50)
    expect_error(post(client, f"/rooms/{room.number}/buy", {**body, "quantity": 11}), 422, "out_of_stock")
    with clock.travel(dt.timedelta(minutes=11)):
        expect_error(post(client, f"/rooms/{room.number}/buy", {**body, "quantity": 1}), 409, "live_price_ended")
    expect_error(post(api(), f"/rooms/{room.number}/buy", body), 401)
    assert len(orders()) == 0
    assert pool_units(pools=[live_price.stock_pool])[live_price.stock_pool] == 10


def test_tipping_through_the_api(api, room, make_shopper, gift, pay, expect_error):
    viewer = make_shopper()
    client = api(viewer)
    tip = {"gift_id": gift.pk, "count": 1}
    expect_error(post(client, f"/rooms/{room.number}/tips", tip), 422, "declaration_required")
    expect_error(post(client, "/me/tips/topup", {"amount": 1000}), 422, "declaration_required")
    r = post(client, "/me/declaration", {"real_name": "张三", "birth_date": "1990-01-02"})
    assert r.status_code == 201 and r.json()["adult"] is True
    expect_error(post(client, "/me/declaration", {"real_name": "张三", "birth_date": "2015-01-02"}), 409,
                 "declaration_exists")
    expect_error(post(client, f"/rooms/{room.number}/tips", tip), 422, "insufficient_balance")
    r = post(client, "/me/tips/topup", {"amount": 1000}, HTTP_IDEMPOTENCY_KEY="t1")
    assert r.status_code == 201
    pay(r.json()["payment"]["payment_number"])
    assert client.get(f"{BASE}/me/tips").json()["balance"]["amount"] == 1000
    r = post(client, f"/rooms/{room.number}/tips", tip, HTTP_IDEMPOTENCY_KEY="tip-1")
    assert r.status_code == 201, r.content
    assert (r.json()["host_share"]["amount"], r.json()["platform_share"]["amount"]) == (166, 167)
    assert post(client, f"/rooms/{room.number}/tips", tip, HTTP_IDEMPOTENCY_KEY="tip-1").json()["id"] == r.json()["id"]
    assert Tip.objects.count() == 1 and TipBalance.objects.get(user=viewer).balance == 667
    board = api().get(f"{BASE}/rooms/{room.number}/leaderboard").json()["top"]
    assert board == [{"rank": 1, "nickname": viewer.display_name, "amount": {"amount": 333, "currency": "CNY"},
                      "gifts": 1}]
    assert {g["name"] for g in api().get(f"{BASE}/gifts").json()["gifts"]} >= {gift.name}


def test_a_minor_gets_minor_cannot_tip(api, room, make_shopper, gift, expect_error):
    minor = make_shopper()
    client = api(minor)
    year = clock.now().year - 12
    assert post(client, "/me/declaration", {"real_name": "小李", "birth_date": f"{year}-03-03"}).status_code == 201
    expect_error(post(client, f"/rooms/{room.number}/tips", {"gift_id": gift.pk}), 403, "minor_cannot_tip")
    expect_error(post(client, "/me/tips/topup", {"amount": 1000}), 403, "minor_cannot_tip")
    assert not Tip.objects.exists()


def test_bad_tip_input(api, room, adult, gift, expect_error):
    client = api(adult())
    expect_error(post(client, f"/rooms/{room.number}/tips", {"gift_id": gift.pk, "count": 0}), 400, "invalid_count")
    expect_error(post(client, f"/rooms/{room.number}/tips", {"gift_id": 10**9}), 404, "gift_not_found")
    expect_error(post(client, "/me/tips/topup", {"amount": 10**9}), 400, "invalid_amount")
    expect_error(post(client, "/me/declaration", {"real_name": "张三", "birth_date": "not a date"}), 400)


def test_room_sales_are_for_the_host_only(api, room, make_user, expect_error):
    r = api(room.host).get(f"{BASE}/rooms/{room.number}/sales")
    assert r.status_code == 200 and r.json()["orders"] == 0 and r.json()["gmv"]["amount"] == 0
    expect_error(api(make_user()).get(f"{BASE}/rooms/{room.number}/sales"), 404)


def test_listing_live_prices_and_the_leaderboard_cost_a_constant_number_of_queries(
        api, room, make_product, shop, adult, fund, gift, django_assert_max_num_queries):
    from quanzi.live.testing import shelf_put
    from quanzi.livesales.services import live_price_start, tip_send

    for i in range(3):
        product = make_product(shop=shop, title=f"款 {i}", price=5000, stock=10)
        shelf_put(room=room, product=product, sort=i + 1)
        live_price_start(user=room.host, room_number=room.number, sku_id=product.skus.get().pk, price=3000, stock=2)
    for _ in range(3):
        tipper = adult()
        fund(tipper, 1000)
        tip_send(user=tipper, room_number=room.number, gift_id=gift.pk)
    client = api()
    with django_assert_max_num_queries(3):
        assert len(client.get(f"{BASE}/rooms/{room.number}/prices").json()["prices"]) == 3
    with django_assert_max_num_queries(3):
        assert len(client.get(f"{BASE}/rooms/{room.number}/leaderboard").json()["top"]) == 3
