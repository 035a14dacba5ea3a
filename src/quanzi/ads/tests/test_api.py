"""The /api/v1/ads API: the merchant's campaigns, bids, balance and report; serving and clicks; the
operator's endpoints. Another shop's campaign is a 404; bad input is one error shape."""

import json

import pytest

from quanzi.ads.models import AdCampaign, AdClick

pytestmark = pytest.mark.django_db

UA = {"HTTP_USER_AGENT": "Mozilla/5.0 (iPhone) Mobile"}


def post(client, url, body, **extra):
    return client.post(url, json.dumps(body), content_type="application/json", **extra)


def _campaign_body(product, **kw):
    body = {"name": "春茶上新", "daily_budget": 5000, "total_budget": 50_000, "product_ids": [product.pk],
            "keywords": [{"keyword": "绿茶", "match_type": "broad", "max_cpc": 80}]}
    body.update(kw)
    return body


def test_a_merchant_creates_funds_starts_and_edits_a_campaign(api, ad_shop, tea, fund):
    client = api(ad_shop.owner)
    r = post(client, "/api/v1/ads/campaigns", _campaign_body(tea))
    assert r.status_code == 201, r.content
    body = r.json()
    number = body["number"]
    assert body["status"] == "draft" and body["daily_budget"] == {"amount": 5000, "currency": "CNY"}
    assert body["targets"][0]["keyword"] == "绿茶" and body["products"][0]["product_id"] == tea.pk

    r = post(client, f"/api/v1/ads/campaigns/{number}/activate", {})
    assert r.status_code == 422 and r.json()["error"]["code"] == "insufficient_balance"

    r = post(client, "/api/v1/ads/topups", {"amount": 10_000}, HTTP_IDEMPOTENCY_KEY="k1")
    assert r.status_code == 201 and r.json()["payment"]["pay_url"]
    from quanzi.payments.testing import sandbox_pay

    sandbox_pay(r.json()["payment"]["payment_number"])
    assert client.get("/api/v1/ads/balance").json()["balance"]["amount"] == 10_000

    assert post(client, f"/api/v1/ads/campaigns/{number}/activate", {}).json()["status"] == "active"
    r = post(client, f"/api/v1/ads/campaigns/{number}/targets",
             {"keyword": {"keyword": "龙井", "match_type": "exact", "max_cpc": 60}})
    assert r.status_code == 201
    target_id = r.json()["id"]
    r = client.put(f"/api/v1/ads/campaigns/{number}/targets/{target_id}/bid", json.dumps({"max_cpc": 70}),
                   content_type="application/json")
    assert r.json()["max_cpc"]["amount"] == 70
    r = client.patch(f"/api/v1/ads/campaigns/{number}", json.dumps({"daily_budget": 6000}),
                     content_type="application/json")
    assert r.status_code == 200 and r.json()["daily_budget"]["amount"] == 6000
    assert client.delete(f"/api/v1/ads/campaigns/{number}/targets/{target_id}").status_code == 204
    assert post(client, f"/api/v1/ads/campaigns/{number}/pause", {}).json()["status"] == "paused"
    listing = client.get("/api/v1/ads/campaigns").json()
    assert [c["number"] for c in listing["items"]] == [number] and listing["next_cursor"] is None


def test_served_clicked_and_reported(api, ad_shop, tea, make_campaign, shopper):
    c = make_campaign(ad_shop, [tea])
    client = api(shopper)
    r = client.get("/api/v1/ads/search", {"q": "龙井绿茶"}, **UA)
    [item] = r.json()["items"]
    assert item["advertiser"] == ad_shop.name and item["product"]["id"] == tea.pk and item["label"]
    r = post(client, "/api/v1/ads/clicks", {"click_id": item["click_id"]}, **UA)
    assert r.status_code == 201 and r.json()["billed"] is True and r.json()["product_url"] == f"/p/{tea.pk}/"
    again = post(client, "/api/v1/ads/clicks", {"click_id": item["click_id"]}, **UA).json()
    assert (again["billed"], again["reason"]) == (False, "duplicate")

    report = api(ad_shop.owner).get(f"/api/v1/ads/campaigns/{c.number}/report").json()
    assert (report["impressions"], report["clicks"], report["ctr_bps"]) == (1, 1, 10000)
    assert report["spend"]["amount"] == 10 and report["avg_cpc"]["amount"] == 10
    assert report["invalid_clicks"] == {"duplicate": 1}
    assert report["days"][0]["clicks"] == 1


def test_orders_within_7_days_of_a_click_count_towards_roas(api, ad_shop, tea, make_campaign, shopper, place_order):
    c = make_campaign(ad_shop, [tea])
    client = api(shopper)
    [item] = client.get("/api/v1/ads/search", {"q": "绿茶"}, **UA).json()["items"]
    post(client, "/api/v1/ads/clicks", {"click_id": item["click_id"]}, **UA)
    orders, _payment = place_order([(tea.skus.get(), 2)], pay=True)
    from quanzi.core.testing import run_outbox_hooks

    run_outbox_hooks()  # order.paid reaches the ads subscriber through the outbox (as at COMMIT)
    from quanzi.ads.services import conversions_record

    assert conversions_record(order_id=orders[0].pk) == 0  # a redelivery attributes nothing twice
    report = api(ad_shop.owner).get(f"/api/v1/ads/campaigns/{c.number}/report").json()
    assert report["orders"] == 1 and report["gmv"]["amount"] == orders[0].lines.get().line_total
    assert report["roas_bps"] == report["gmv"]["amount"] * 10000 // 10


def test_another_shops_campaign_answers_404(api, ad_shop, tea, make_shop, expect_error):
    number = post(api(ad_shop.owner), "/api/v1/ads/campaigns", _campaign_body(tea)).json()["number"]
    other = api(make_shop().owner)
    for r in (other.get(f"/api/v1/ads/campaigns/{number}"),
              other.get(f"/api/v1/ads/campaigns/{number}/report"),
              post(other, f"/api/v1/ads/campaigns/{number}/activate", {}),
              other.patch(f"/api/v1/ads/campaigns/{number}", json.dumps({"name": "x"}), content_type="application/json"),
              other.delete(f"/api/v1/ads/campaigns/{number}/targets/1")):
        expect_error(r, 404, "campaign_not_found")
    assert AdCampaign.objects.get(number=number).name == "春茶上新"


@pytest.mark.parametrize(("body", "status", "code"), [
    ({"daily_budget": "lots"}, 400, None),
    ({"daily_budget": 1e400}, 400, None),
    ({"total_budget": 10**40}, 400, None),
    ({"product_ids": "1"}, 400, None),
    ({"name": "\ud800"}, 400, None),
    ({"keywords": [{"keyword": "绿茶", "match_type": "broad", "max_cpc": 1}]}, 422, "bid_below_reserve"),
    ({"keywords": [{"keyword": "绿茶", "match_type": "broad", "max_cpc": 10**6}]}, 422, "bid_above_cap"),
    ({"keywords": [{"keyword": "x" * 500, "match_type": "broad", "max_cpc": 80}]}, 400, "invalid_keyword"),
    ({"keywords": [{"keyword": f"w{i}", "match_type": "broad", "max_cpc": 80} for i in range(60)]}, 422,
     "too_many_keywords"),
    ({"ends_at": "2020-01-01T00:00:00+08:00", "starts_at": "2021-01-01T00:00:00+08:00"}, 400, "invalid_schedule"),
])
def test_bad_campaign_input_is_one_error_shape(api, ad_shop, tea, expect_error, body, status, code):
    r = post(api(ad_shop.owner), "/api/v1/ads/campaigns", _campaign_body(tea, **body))
    expect_error(r, status, code)
    assert not AdCampaign.objects.exists()


def test_a_forged_click_is_a_400_and_anonymous_merchant_calls_are_401_or_403(api, make_user, expect_error):
    expect_error(post(api(), "/api/v1/ads/clicks", {"click_id": "1:forged"}, **UA), 400, "invalid_click_id")
    expect_error(post(api(), "/api/v1/ads/clicks", {"click_id": 5}, **UA), 400)
    expect_error(api().get("/api/v1/ads/campaigns"), 401)
    expect_error(api(make_user()).get("/api/v1/ads/campaigns"), 403, "no_shop")
    expect_error(api(make_user()).get("/api/v1/ads/campaigns", {"cursor": "%%%"}), 403)
    assert not AdClick.objects.exists()


def test_operator_endpoints_are_staff_only_and_refund_a_click(api, ad_shop, tea, make_campaign, shopper, make_user,
                                                              expect_error):
    make_campaign(ad_shop, [tea])
    client = api(shopper)
    [item] = client.get("/api/v1/ads/search", {"q": "绿茶"}, **UA).json()["items"]
    post(client, "/api/v1/ads/clicks", {"click_id": item["click_id"]}, **UA)
    click_id = AdClick.objects.get().pk
    expect_error(post(api(ad_shop.owner), f"/api/v1/ads/clicks/{click_id}/refund", {}), 403, "staff_only")
    expect_error(api(ad_shop.owner).get("/api/v1/ads/clicks"), 403)
    staff = api(make_user(is_staff=True))
    assert staff.get("/api/v1/ads/clicks").json()["items"][0]["billed"] is True
    r = post(staff, f"/api/v1/ads/clicks/{click_id}/refund", {"note": "bot farm"})
    assert r.status_code == 200 and r.json()["refunded_at"]
    r = staff.put("/api/v1/ads/placements/search", json.dumps({"reserve_price": 20, "slots": 3}),
                  content_type="application/json")
    assert r.json()["slots"] == 3 and r.json()["reserve_price"]["amount"] == 20
    expect_error(staff.put("/api/v1/ads/placements/moon", json.dumps({"reserve_price": 20, "slots": 3}),
                           content_type="application/json"), 400, "invalid_placement")
