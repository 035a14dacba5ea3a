import datetime as dt

import pytest

from quanzi.core import clock

pytestmark = pytest.mark.django_db


def _body(sku, user):
    return {"sku_id": sku.pk, "quantity": 1, "address_id": user.addresses.get().pk}


def test_open_share_and_join_over_the_api(api, campaign, gsku, make_shopper, pay):
    a, b = make_shopper(), make_shopper()
    r = api(a).post(f"/api/v1/groupbuy/campaigns/{campaign.pk}/groups", _body(gsku, a), content_type="application/json")
    assert r.status_code == 201, r.content
    data = r.json()
    number = data["group"]["number"]
    assert data["total"]["amount"] == 3900 + 800 and data["payment"]["pay_url"]
    pay(data["payment"]["payment_number"])
    r = api().get(f"/api/v1/groupbuy/groups/{number}")
    assert r.json()["spots_left"] == 2 and r.json()["members"][0]["paid"] is True
    r = api(b).get(f"/api/v1/groupbuy/products/{campaign.product_id}/groups")
    assert [g["number"] for g in r.json()["groups"]] == [number]
    r = api(b).post(f"/api/v1/groupbuy/groups/{number}/join", _body(gsku, b), content_type="application/json")
    assert r.status_code == 201, r.content
    assert r.json()["group"]["spots_left"] == 1


def test_join_errors_have_the_one_shape(api, campaign, gsku, make_shopper, expect_error, open_group):
    a = make_shopper()
    group, *_ = open_group(a)
    expect_error(api(a).post(f"/api/v1/groupbuy/groups/{group.number}/join", _body(gsku, a),
                             content_type="application/json"), 409, "already_joined")
    expect_error(api(a).post("/api/v1/groupbuy/groups/000000000000/join", _body(gsku, a),
                             content_type="application/json"), 404, "group_not_found")
    b = make_shopper()
    expect_error(api(b).post(f"/api/v1/groupbuy/groups/{group.number}/join", {"sku_id": "x"},
                             content_type="application/json"), 400)
    expect_error(api(b).post(f"/api/v1/groupbuy/groups/{group.number}/join", {**_body(gsku, b), "quantity": -1},
                             content_type="application/json"), 400, "invalid_quantity")
    with clock.travel(dt.timedelta(days=2)):
        expect_error(api(b).post(f"/api/v1/groupbuy/groups/{group.number}/join", _body(gsku, b),
                                 content_type="application/json"), 409, "group_closed")
    expect_error(api().post(f"/api/v1/groupbuy/groups/{group.number}/join", _body(gsku, b),
                            content_type="application/json"), 401)


def test_merchant_creates_a_campaign_and_reads_its_stats(api, shop, product, sku, expect_error, make_shop):
    now = clock.now()
    body = {"product_id": product.pk, "group_size": 2, "fill_seconds": 3600, "starts_at": now.isoformat(),
            "ends_at": (now + dt.timedelta(days=1)).isoformat(),
            "skus": [{"sku_id": sku.pk, "group_price": 4900, "stock": 4}]}
    r = api(shop.owner).post("/api/v1/groupbuy/merchant/campaigns", body, content_type="application/json")
    assert r.status_code == 201, r.content
    cid = r.json()["id"]
    assert r.json()["status"] == "active"
    sku.refresh_from_db()
    assert sku.stock == 6
    r = api(shop.owner).get(f"/api/v1/groupbuy/merchant/campaigns/{cid}")
    assert r.json()["stats"]["opened"] == 0
    other = make_shop()
    expect_error(api(other.owner).get(f"/api/v1/groupbuy/merchant/campaigns/{cid}"), 404, "campaign_not_found")
    expect_error(api(other.owner).post(f"/api/v1/groupbuy/merchant/campaigns/{cid}/end"), 404)
    expect_error(api(shop.owner).post("/api/v1/groupbuy/merchant/campaigns", {**body, "group_size": 60},
                                      content_type="application/json"), 400, "invalid_group_size")
    expect_error(api(shop.owner).post("/api/v1/groupbuy/merchant/campaigns",
                                      {**body, "starts_at": "2030-01-01T00:00:00", "ends_at": "2030-01-02T00:00:00"},
                                      content_type="application/json"), 400, "invalid_campaign_window")
    r = api(shop.owner).post(f"/api/v1/groupbuy/merchant/campaigns/{cid}/end")
    assert r.json()["status"] == "ended"
    sku.refresh_from_db()
    assert sku.stock == 10
    expect_error(api(shop.owner).post(f"/api/v1/groupbuy/merchant/campaigns/{cid}/end"), 409, "invalid_campaign_state")


def test_a_retried_join_with_the_same_idempotency_key_places_one_order(api, campaign, gsku, make_shopper, open_group):
    group, *_ = open_group(make_shopper())
    b = make_shopper()
    client = api(b)
    first = client.post(f"/api/v1/groupbuy/groups/{group.number}/join", _body(gsku, b), content_type="application/json",
                        HTTP_IDEMPOTENCY_KEY="join-1")
    again = client.post(f"/api/v1/groupbuy/groups/{group.number}/join", _body(gsku, b), content_type="application/json",
                        HTTP_IDEMPOTENCY_KEY="join-1")
    assert first.status_code == again.status_code == 201
    assert first.json()["order_number"] == again.json()["order_number"]
    assert b.orders.count() == 1
