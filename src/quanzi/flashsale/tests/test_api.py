"""The flash-sale API: every refusal in the one error shape, another merchant's session is 404."""

import datetime as dt
import json

import pytest

from quanzi.core import clock
from quanzi.flashsale.models import FlashSale, Reservation
from quanzi.flashsale.tests.conftest import pool_left

pytestmark = pytest.mark.django_db


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_list_token_purchase_and_my_reservations(api, item, shopper):
    client = api(shopper)
    listed = api().get("/api/v1/flash/sales").json()
    assert listed["items"][0]["items"][0]["left"] == 5 and listed["items"][0]["phase"] == "running"
    token = post(client, f"/api/v1/flash/items/{item.pk}/token", {}).json()["token"]
    r = post(api(), "/api/v1/flash/purchase", {"token": token, "quantity": 1})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["total"]["amount"] == 990 + 800 and body["pay_url"].startswith("/")  # flash price + shipping
    mine = client.get("/api/v1/flash/reservations").json()["items"]
    assert [m["number"] for m in mine] == [body["reservation"]] and mine[0]["status"] == "ordered"


def test_purchase_refusals_are_in_the_error_shape(api, make_sale, shopper, make_shopper, expect_error):
    item = make_sale(stock=1).items.get()
    anon = api()
    expect_error(post(anon, "/api/v1/flash/purchase", {"quantity": 1}), 400, "validation_error")
    expect_error(post(anon, "/api/v1/flash/purchase", {"token": "nope"}), 403, "invalid_token")
    token = post(api(shopper), f"/api/v1/flash/items/{item.pk}/token", {}).json()["token"]
    expect_error(post(anon, "/api/v1/flash/purchase", {"token": token, "quantity": 5}), 400, "invalid_quantity")
    assert post(anon, "/api/v1/flash/purchase", {"token": token}).status_code == 201
    expect_error(post(anon, "/api/v1/flash/purchase", {"token": token}), 409, "token_used")
    other = make_shopper()
    t2 = post(api(other), f"/api/v1/flash/items/{item.pk}/token", {}).json()["token"]
    expect_error(post(anon, "/api/v1/flash/purchase", {"token": t2}), 409, "sold_out")
    # a session that has not started: refused before anything is counted
    early = make_sale(starts_in=900).items.get()
    t3 = post(api(other), f"/api/v1/flash/items/{early.pk}/token", {}).json()["token"]
    err = expect_error(post(anon, "/api/v1/flash/purchase", {"token": t3}), 409, "sale_not_started")
    assert int(err["fields"]["starts_in"]) > 800
    assert pool_left(early) == 5 and not Reservation.objects.filter(item=early).exists()


def test_a_signed_in_client_cannot_spend_someone_elses_token(api, item, shopper, make_shopper, expect_error):
    other = make_shopper()
    token = post(api(other), f"/api/v1/flash/items/{item.pk}/token", {}).json()["token"]
    expect_error(post(api(shopper), "/api/v1/flash/purchase", {"token": token}), 403, "invalid_token")


def test_token_needs_login_an_address_and_a_real_item(api, item, make_user, shopper, expect_error):
    expect_error(post(api(), f"/api/v1/flash/items/{item.pk}/token", {}), 401)
    expect_error(post(api(make_user()), f"/api/v1/flash/items/{item.pk}/token", {}), 422, "address_required")
    expect_error(post(api(shopper), "/api/v1/flash/items/999999/token", {}), 404, "sale_not_found")


def test_token_without_an_address_says_what_to_do_before_and_during_the_sale(api, make_sale, make_user,
                                                                              expect_error):
    """Before the start there is still time ("before the sale starts"); during the sale there is not."""
    running = make_sale().items.get()
    upcoming = make_sale(starts_in=600).items.get()
    client = api(make_user())
    during = expect_error(post(client, f"/api/v1/flash/items/{running.pk}/token", {}), 422, "address_required")
    assert during["message"] == "Add a delivery address to take part."
    assert during["fields"] == {"address_id": "required"}
    before = expect_error(post(client, f"/api/v1/flash/items/{upcoming.pk}/token", {}), 422, "address_required")
    assert before["message"] == "Add a delivery address before the sale starts."


def test_merchant_creates_publishes_and_ends_and_others_get_404(api, shop, product, make_shop, expect_error):
    owner = api(shop.owner)
    sku = product.skus.get()
    now = clock.now()
    body = {"title": "8 pm", "starts_at": (now + dt.timedelta(minutes=5)).isoformat(),
            "ends_at": (now + dt.timedelta(hours=1)).isoformat(),
            "items": [{"sku_id": sku.pk, "price": 1990, "stock": 3, "per_user_limit": 1}]}
    r = post(owner, "/api/v1/flash/merchant/sales", body)
    assert r.status_code == 201, r.content
    sale_id = r.json()["id"]
    assert r.json()["phase"] == "upcoming"
    stats = owner.get(f"/api/v1/flash/merchant/sales/{sale_id}").json()["stats"]
    assert stats[0]["left"] == 3
    stranger = api(make_shop().owner)
    expect_error(stranger.get(f"/api/v1/flash/merchant/sales/{sale_id}"), 404, "sale_not_found")
    expect_error(post(stranger, f"/api/v1/flash/merchant/sales/{sale_id}/end", {}), 404, "sale_not_found")
    assert post(owner, f"/api/v1/flash/merchant/sales/{sale_id}/end", {}).json()["status"] == "ended"
    expect_error(post(owner, f"/api/v1/flash/merchant/sales/{sale_id}/end", {}), 409, "invalid_sale_state")
    bad = {**body, "items": [{"sku_id": sku.pk, "price": 0, "stock": 3}]}
    expect_error(post(owner, "/api/v1/flash/merchant/sales", bad), 400, "invalid_flash_price")
    assert FlashSale.objects.count() == 1


def test_shoppers_without_a_shop_cannot_manage(api, shopper, expect_error):
    expect_error(api(shopper).get("/api/v1/flash/merchant/sales"), 403, "no_shop")
