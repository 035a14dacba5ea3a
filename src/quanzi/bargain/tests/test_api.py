"""The bargain API: shapes, codes and authorisation."""

import datetime as dt

import pytest

from quanzi.bargain.models import Bargain, BargainCampaign, BargainHelp, BargainStatus
from quanzi.bargain.tests.conftest import FLOOR, ORIGINAL
from quanzi.core import clock

pytestmark = pytest.mark.django_db


def post(client, url, data=None, **headers):
    return client.post(url, data or {}, content_type="application/json", **headers)


def test_shopper_journey_through_the_api(api, campaign, starter, make_shopper, pay):
    c = api(starter)
    r = post(c, f"/api/v1/bargain/campaigns/{campaign.pk}/bargains")
    assert r.status_code == 201, r.content
    body = r.json()
    number = body["number"]
    assert body["current_price"] == {"amount": ORIGINAL, "currency": "CNY"} and body["helps"] == []
    assert body["url"] == f"/b/{number}/" and 0 < body["seconds_left"] <= 24 * 3600

    friend = make_shopper(nickname="好友")
    r = post(api(friend), f"/api/v1/bargain/bargains/{number}/help")
    assert r.status_code == 201, r.content
    cut = r.json()["cut"]["amount"]
    assert r.json()["bargain"]["current_price"]["amount"] == ORIGINAL - cut
    assert r.json()["bargain"]["helps"][0]["nickname"] == "好友"

    r = api().get(f"/api/v1/bargain/bargains/{number}")  # public view, anonymous
    assert r.status_code == 200 and r.json()["helps_count"] == 1 and r.json()["helps"][0]["amount"]["amount"] == cut

    r = api().get(f"/api/v1/bargain/campaigns/{campaign.pk}")
    assert r.status_code == 200 and r.json()["floor_price"]["amount"] == FLOOR and r.json()["my_bargain"] is None
    assert c.get(f"/api/v1/bargain/campaigns/{campaign.pk}").json()["my_bargain"]["number"] == number

    address_id = starter.addresses.get().pk
    r = post(c, f"/api/v1/bargain/bargains/{number}/buy", {"address_id": address_id}, HTTP_IDEMPOTENCY_KEY="k1")
    assert r.status_code == 201, r.content
    assert r.json()["total"]["amount"] == ORIGINAL - cut + 800  # under the free-shipping threshold
    again = post(c, f"/api/v1/bargain/bargains/{number}/buy", {"address_id": address_id}, HTTP_IDEMPOTENCY_KEY="k1")
    assert again.status_code == 201 and again.json()["order_number"] == r.json()["order_number"]
    assert Bargain.objects.get(number=number).status == BargainStatus.BOUGHT
    pay(r.json()["payment"]["payment_number"])
    mine = c.get("/api/v1/bargain/me/bargains").json()["items"]
    assert [b["number"] for b in mine] == [number] and mine[0]["status"] == "bought"


def test_error_shapes_and_codes(api, bargain, starter, make_shopper, expect_error):
    friend, other = make_shopper(), make_shopper()
    n = bargain.number
    expect_error(post(api(starter), f"/api/v1/bargain/bargains/{n}/help"), 422, "own_bargain")
    assert post(api(friend), f"/api/v1/bargain/bargains/{n}/help").status_code == 201
    expect_error(post(api(friend), f"/api/v1/bargain/bargains/{n}/help"), 409, "already_helped")
    expect_error(post(api(other), f"/api/v1/bargain/bargains/{n}/buy", {"address_id": other.addresses.get().pk}),
                 404, "bargain_not_found")
    expect_error(post(api(starter), f"/api/v1/bargain/campaigns/{bargain.campaign_id}/bargains"), 409,
                 "bargain_already_active")
    expect_error(api().get("/api/v1/bargain/bargains/zzzzzzzzzz"), 404, "bargain_not_found")
    expect_error(post(api(), f"/api/v1/bargain/bargains/{n}/help"), 401)
    expect_error(post(api(friend), "/api/v1/bargain/bargains/zzzzzzzzzz/help"), 404, "bargain_not_found")
    expect_error(post(api(starter), f"/api/v1/bargain/bargains/{n}/buy", {"address_id": "x"}), 400, "validation_error")
    with clock.travel(dt.timedelta(days=2)):
        expect_error(post(api(other), f"/api/v1/bargain/bargains/{n}/help"), 409, "bargain_expired")
        expect_error(post(api(starter), f"/api/v1/bargain/bargains/{n}/buy",
                          {"address_id": starter.addresses.get().pk}), 409, "bargain_expired")
    assert BargainHelp.objects.filter(bargain=bargain).count() == 1


def test_daily_limit_answers_429(api, make_campaign, make_shopper, settings, expect_error):
    settings.QUANZI = {**settings.QUANZI, "BARGAIN_DAILY_HELPS": 1}
    friend = make_shopper()
    numbers = [post(api(make_shopper()), f"/api/v1/bargain/campaigns/{make_campaign().pk}/bargains").json()["number"]
               for _ in range(2)]
    assert post(api(friend), f"/api/v1/bargain/bargains/{numbers[0]}/help").status_code == 201
    err = expect_error(post(api(friend), f"/api/v1/bargain/bargains/{numbers[1]}/help"), 429, "daily_help_limit")
    assert err["fields"] == {"limit": "1"}


def test_merchant_creates_activates_ends_and_sees_stats(api, shop, make_product, make_shopper):
    product = make_product(shop=shop, price=ORIGINAL, stock=30)
    c = api(shop.owner)
    now = clock.now()
    payload = {"sku_id": product.skus.get().pk, "floor_price": 100, "expected_helps": 3, "stock": 5,
               "starts_at": now.isoformat(), "ends_at": (now + dt.timedelta(days=3)).isoformat(), "activate": False}
    r = post(c, "/api/v1/bargain/merchant/campaigns", payload)
    assert r.status_code == 201, r.content
    cid = r.json()["id"]
    assert r.json()["status"] == "draft" and r.json()["original_price"]["amount"] == ORIGINAL
    r = post(c, f"/api/v1/bargain/merchant/campaigns/{cid}/activate")
    assert r.status_code == 200 and r.json()["status"] == "active"
    for _ in range(2):
        post(api(make_shopper()), f"/api/v1/bargain/campaigns/{cid}/bargains")
    items = c.get("/api/v1/bargain/merchant/campaigns").json()["items"]
    assert items[0]["bargains_started"] == 2 and items[0]["bargains_bought"] == 0 and items[0]["conversion_bps"] == 0
    stats = c.get(f"/api/v1/bargain/merchant/campaigns/{cid}").json()["stats"]
    assert stats["started"] == 2 and stats["open"] == 2 and stats["helps"] == 0
    r = post(c, f"/api/v1/bargain/merchant/campaigns/{cid}/end")
    assert r.status_code == 200 and r.json()["status"] == "ended" and r.json()["stats"]["expired"] == 2


@pytest.mark.parametrize(("change", "status", "code"), [
    ({"floor_price": ORIGINAL}, 400, "invalid_floor_price"),
    ({"floor_price": 0}, 400, "invalid_floor_price"),
    ({"original_price": ORIGINAL + 100}, 400, "invalid_original_price"),
    ({"expected_helps": 1}, 400, "invalid_expected_helps"),
    ({"expected_helps": 101}, 400, "invalid_expected_helps"),
    ({"time_limit_seconds": 5}, 400, "invalid_time_limit"),
    ({"stock": 0}, 400, "campaign_no_stock"),
    ({"stock": 1000}, 422, "out_of_stock"),
    ({"sku_id": 999999}, 404, "sku_not_found"),
])
def test_merchant_bad_input_changes_nothing(api, shop, make_product, expect_error, change, status, code):
    product = make_product(shop=shop, price=ORIGINAL, stock=30)
    now = clock.now()
    payload = {"sku_id": product.skus.get().pk, "floor_price": 100, "expected_helps": 3, "stock": 5,
               "starts_at": now.isoformat(), "ends_at": (now + dt.timedelta(days=3)).isoformat(), **change}
    expect_error(post(api(shop.owner), "/api/v1/bargain/merchant/campaigns", payload), status, code)
    assert not BargainCampaign.objects.exists()
    assert product.skus.get().stock == 30


def test_another_merchants_campaign_is_not_found(api, campaign, make_shop, make_shopper, expect_error):
    other = make_shop()
    expect_error(api(other.owner).get(f"/api/v1/bargain/merchant/campaigns/{campaign.pk}"), 404, "campaign_not_found")
    expect_error(post(api(other.owner), f"/api/v1/bargain/merchant/campaigns/{campaign.pk}/end"), 404,
                 "campaign_not_found")
    expect_error(api(make_shopper()).get("/api/v1/bargain/merchant/campaigns"), 403, "no_shop")
    assert BargainCampaign.objects.get(pk=campaign.pk).status == "active"
