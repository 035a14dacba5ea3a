"""The coupons API: every endpoint's happy and unhappy answers, the one error shape, authorisation (another
shopper's coupon, another shop's template → 404; the platform's coupons for staff only) and hostile input."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from quanzi.core import clock
from quanzi.coupons.constants import CODE_TRIES_PER_HOUR
from quanzi.coupons.models import Coupon, CouponTemplate

pytestmark = pytest.mark.django_db

BASE = "/api/v1/coupons"


def _post(client, path, body=None, **headers):
    return client.post(f"{BASE}{path}", json.dumps(body if body is not None else {}),
                       content_type="application/json", **headers)


def _terms(**overrides) -> dict:
    body = {"name": "满99减15", "kind": "fixed", "amount_off": 1500, "min_spend": 9900, "total_count": 100,
            "ends_at": (clock.now() + dt.timedelta(days=7)).isoformat()}
    body.update(overrides)
    return body


@pytest.fixture
def operator(make_user):
    return make_user(is_staff=True)


# ---------------------------------------------------------------- centre, claim, redeem, mine

def test_the_centre_lists_claimable_coupons_to_anyone_and_claimed_counts_to_shoppers(
        api, shop, make_shop, shopper, product, coupon_template, claim, expect_error):
    own = coupon_template(shop=shop, name="店铺券", amount_off=500, min_spend=5000, per_user_limit=2)
    platform = coupon_template(name="平台券", kind="percent", percent_off=10, max_discount=2000)
    other = coupon_template(shop=make_shop(), name="别家")
    coupon_template(shop=shop, name="代码券", channel="code", code="SECRET99")  # never in the centre
    paused = coupon_template(shop=shop, name="暂停")
    paused.status = "paused"
    paused.save()

    anon = api().get(f"{BASE}/centre")
    assert anon.status_code == 200, anon.content
    rows = {r["id"]: r for r in anon.json()}
    assert set(rows) == {own.pk, platform.pk, other.pk}
    assert rows[own.pk]["headline"] == "¥5.00 off · over ¥50.00"
    assert rows[platform.pk]["headline"] == "10% off (up to ¥20.00)"
    assert rows[own.pk]["left"] == 100 and rows[own.pk]["per_user_limit"] == 2 and rows[own.pk]["claimed"] is None
    assert rows[own.pk]["scope"] == {"scope": "all", "ids": []} and rows[own.pk]["shop_name"] == shop.name
    assert set(rows[own.pk]["validity"]) == {"claim_from", "claim_until", "valid_days"}

    claim(shopper, own)
    mine = {r["id"]: r for r in api(shopper).get(f"{BASE}/centre").json()}
    assert mine[own.pk]["claimed"] == 1 and mine[own.pk]["left"] == 99 and mine[platform.pk]["claimed"] == 0

    at_shop = {r["id"] for r in api().get(f"{BASE}/centre?shop_id={shop.pk}").json()}
    assert at_shop == {own.pk, platform.pk}
    assert {r["id"] for r in api().get(f"{BASE}/centre?issuer=platform").json()} == {platform.pk}
    assert {r["id"] for r in api().get(f"{BASE}/centre?product_id={product.pk}").json()} == {own.pk, platform.pk}
    expect_error(api().get(f"{BASE}/centre?issuer=bank"), 400, "invalid_issuer")
    expect_error(api().get(f"{BASE}/centre?product_id=99999999"), 404, "product_not_found")
    expect_error(api().get(f"{BASE}/centre?product_id={'9' * 30}"), 404)
    expect_error(api().get(f"{BASE}/centre?shop_id=abc"), 400, "validation_error")


def test_claiming_through_the_api(api, shop, shopper, coupon_template, expect_error):
    template = coupon_template(shop=shop, total_count=1)
    client = api(shopper)
    r = _post(client, f"/{template.pk}/claim")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["template_id"] == template.pk and body["status"] == "available" and body["how"] == "centre"
    assert body["held"] == {"amount": 0, "currency": "CNY"} and body["funded_by"] == "merchant"
    expect_error(_post(client, f"/{template.pk}/claim"), 422, "claim_limit")
    expect_error(_post(api(_another(shopper)), f"/{template.pk}/claim"), 422, "coupon_sold_out")
    expect_error(_post(client, "/99999999/claim"), 404, "coupon_not_found")
    expect_error(_post(client, f"/{'9' * 40}/claim"), 404)
    expect_error(_post(client, f"/{template.pk}/claim?how=anywhere"), 400, "invalid_how")
    coded = coupon_template(name="码", channel="code", code="HELLO2026")
    expect_error(_post(client, f"/{coded.pk}/claim"), 404, "coupon_not_found")  # not public: only by its code
    ended = coupon_template(shop=shop, name="ended")
    ended.status = "ended"
    ended.save()
    expect_error(_post(client, f"/{ended.pk}/claim"), 422, "coupon_ended")
    expect_error(_post(api(), f"/{template.pk}/claim"), 401)


def _another(user):
    from quanzi.accounts.testing import make_user

    return make_user(phone=f"137{user.pk:08d}", nickname="another", password="Str0ngPass!x")


def test_redeeming_a_code_is_rate_limited(api, shopper, coupon_template, expect_error):
    template = coupon_template(name="码券", channel="code", code="SPRING26", per_user_limit=1)
    client = api(shopper)
    r = _post(client, "/redeem", {"code": " spring26 "})
    assert r.status_code == 201 and r.json()["template_id"] == template.pk and r.json()["how"] == "code"
    expect_error(_post(client, "/redeem", {"code": "SPRING26"}), 422, "claim_limit")
    expect_error(_post(client, "/redeem", {"code": "NOPE0000"}), 404, "coupon_code_unknown")
    expect_error(_post(client, "/redeem", {"code": 12345678}), 400, "validation_error")
    expect_error(_post(client, "/redeem", {"code": "A\ud800B"}), 400, "invalid_characters")
    for _ in range(CODE_TRIES_PER_HOUR - 3):
        expect_error(_post(client, "/redeem", {"code": "WRONG123"}), 404, "coupon_code_unknown")
    expect_error(_post(client, "/redeem", {"code": "SPRING26"}), 429, "rate_limited")
    expect_error(_post(api(), "/redeem", {"code": "SPRING26"}), 401)


def test_my_coupons_by_tab(api, shop, shopper, coupon_template, claim, tee_and_mug, checkout, expect_error):
    tee, _mug = tee_and_mug
    used = claim(shopper, coupon_template(shop=shop, name="用掉"))
    spare = claim(shopper, coupon_template(name="平台备用", kind="free_shipping"))
    expired = claim(shopper, coupon_template(shop=shop, name="过期"))
    Coupon.objects.filter(pk=expired.pk).update(valid_until=clock.now() - dt.timedelta(seconds=1))
    checkout(shopper, [(tee, 1)], coupons=str(used.pk))
    client = api(shopper)
    assert [c["id"] for c in client.get(f"{BASE}/mine").json()] == [spare.pk]
    held = client.get(f"{BASE}/mine?tab=used").json()
    assert [c["id"] for c in held] == [used.pk] and held[0]["status"] == "held"
    assert held[0]["held"]["amount"] == 1000
    assert [c["id"] for c in client.get(f"{BASE}/mine?tab=expired").json()] == [expired.pk]
    assert api(_another(shopper)).get(f"{BASE}/mine").json() == []
    expect_error(client.get(f"{BASE}/mine?tab=all"), 400, "invalid_tab")
    expect_error(api().get(f"{BASE}/mine"), 401)


# ---------------------------------------------------------------- checkout options

def test_checkout_options_list_every_coupon_with_its_verdict(api, shop, make_shop, shopper, tee_and_mug,
                                                             coupon_template, claim, expect_error):
    tee, mug = tee_and_mug
    big = claim(shopper, coupon_template(shop=shop, name="满99减15", amount_off=1500, min_spend=9900))
    small = claim(shopper, coupon_template(shop=shop, name="减5", amount_off=500))
    far = claim(shopper, coupon_template(shop=shop, name="满300减50", amount_off=5000, min_spend=30000))
    elsewhere = claim(shopper, coupon_template(shop=make_shop(), name="别家券"))
    client = api(shopper)
    items = [{"sku_id": tee.pk, "quantity": 1}, {"sku_id": mug.pk, "quantity": 1}]
    r = _post(client, "/checkout-options", {"items": items})
    assert r.status_code == 200, r.content
    body = r.json()
    rows = {row["coupon"]["id"]: row for row in body["coupons"]}
    assert body["applied_ids"] == [big.pk] and body["chosen"] is None
    assert body["saving"] == {"amount": 1500, "currency": "CNY"}
    assert (body["items_total"]["amount"], body["discount_total"]["amount"], body["total"]["amount"]) == (
        10000, 1500, 10000 - 1500 + 800)
    assert rows[big.pk]["applied"] and rows[big.pk]["saving"]["amount"] == 1500
    assert not rows[small.pk]["applied"] and rows[small.pk]["applicable"] and rows[small.pk]["saving"]["amount"] == 500
    assert rows[far.pk]["code"] == "below_min_spend" and not rows[far.pk]["applicable"]
    assert rows[elsewhere.pk]["code"] == "other_shop" and rows[elsewhere.pk]["reason"]
    assert body["coupons"][0]["coupon"]["id"] == big.pk  # the applied ones first

    chosen = _post(client, "/checkout-options", {"items": items, "context": {"coupons": str(small.pk)}}).json()
    assert chosen["applied_ids"] == [small.pk] and chosen["chosen"] == [small.pk]
    none = _post(client, "/checkout-options", {"items": items, "context": {"coupons": "none"}}).json()
    assert none["applied_ids"] == [] and none["chosen"] == [] and none["total"]["amount"] == 10000

    # the selected cart lines when items are left out
    from quanzi.orders.services import cart_add

    cart_add(user=shopper, sku_id=tee.pk, quantity=2)
    cart = _post(client, "/checkout-options", {}).json()
    assert cart["items_total"]["amount"] == 12000 and cart["applied_ids"] == [big.pk]

    expect_error(_post(client, "/checkout-options", {"items": items, "context": {"coupons": str(far.pk)}}),
                 422, "below_min_spend")
    expect_error(_post(client, "/checkout-options", {"items": items, "context": {"coupons": "12;DROP"}}),
                 400, "invalid_coupon")
    expect_error(_post(client, "/checkout-options", {"items": []}), 400, "empty_checkout")
    expect_error(_post(client, "/checkout-options", {"items": [{"sku_id": 99999999, "quantity": 1}]}), 404)
    expect_error(_post(api(), "/checkout-options", {"items": items}), 401)


def test_another_shoppers_coupon_in_the_context_is_not_found(api, shop, shopper, make_shopper, tee_and_mug,
                                                            coupon_template, claim, expect_error):
    tee, _mug = tee_and_mug
    theirs = claim(make_shopper(), coupon_template(shop=shop))
    error = expect_error(_post(api(shopper), "/checkout-options",
                               {"items": [{"sku_id": tee.pk, "quantity": 1}], "context": {"coupons": str(theirs.pk)}}),
                         404, "coupon_not_found")
    assert error["fields"] == {"coupons": str(theirs.pk)}
    assert "别" not in error["message"]  # says nothing about whose it is


# ---------------------------------------------------------------- merchant

def test_a_merchant_creates_watches_and_pauses_a_shop_coupon(api, shop, make_shop, make_product, shopper,
                                                            tee_and_mug, checkout, pay, expect_error):
    tee, _mug = tee_and_mug
    m = api(shop.owner)
    r = _post(m, "/merchant/templates", _terms(per_user_limit=2, budget_amount=50_000, valid_days=3,
                                                 scope="products", scope_ids=[tee.product_id]))
    assert r.status_code == 201, r.content
    created = r.json()
    assert created["issuer"] == "shop" and created["shop_id"] == shop.pk and created["stacking_group"] == "shop"
    assert created["amount_off"] == {"amount": 1500, "currency": "CNY"}
    assert created["budget_amount"] == {"amount": 50_000, "currency": "CNY"} and created["valid_days"] == 3
    assert created["scope"] == {"scope": "products", "ids": [tee.product_id]}
    assert created["stats"]["issued"] == 0 and created["headline"] == "¥15.00 off · over ¥99.00"
    template_id = created["id"]
    assert [t["id"] for t in m.get(f"{BASE}/merchant/templates").json()] == [template_id]

    assert _post(api(shopper), f"/{template_id}/claim").status_code == 201
    orders, payment = checkout(shopper, [(tee, 2)])
    pay(payment.number)
    detail = m.get(f"{BASE}/merchant/templates/{template_id}").json()
    assert detail["stats"] == {"issued": 1, "left": 99, "used": 1, "held": 0,
                               "cost": {"amount": 1500, "currency": "CNY"},
                               "gmv": {"amount": orders[0].total, "currency": "CNY"}, "use_rate_bps": 10000}

    r = _post(m, f"/merchant/templates/{template_id}/status", {"status": "paused"})
    assert r.status_code == 200 and r.json()["status"] == "paused"
    assert template_id not in {t["id"] for t in api().get(f"{BASE}/centre").json()}
    assert _post(m, f"/merchant/templates/{template_id}/status", {"status": "ended"}).json()["status"] == "ended"
    expect_error(_post(m, f"/merchant/templates/{template_id}/status", {"status": "live"}), 409,
                 "invalid_template_state")
    expect_error(_post(m, f"/merchant/templates/{template_id}/status", {"status": "gone"}), 400, "invalid_status")

    # another shop's template: 404 whatever is asked
    other = make_shop()
    o = api(other.owner)
    expect_error(o.get(f"{BASE}/merchant/templates/{template_id}"), 404, "coupon_not_found")
    expect_error(_post(o, f"/merchant/templates/{template_id}/status", {"status": "paused"}), 404,
                 "coupon_not_found")
    assert o.get(f"{BASE}/merchant/templates").json() == []
    foreign = make_product(shop=other, title="别家的", price=1000).pk
    expect_error(_post(m, "/merchant/templates", _terms(scope="products", scope_ids=[foreign])), 404,
                 "product_not_found")
    # no shop at all
    expect_error(api(shopper).get(f"{BASE}/merchant/templates"), 403, "no_shop")
    expect_error(_post(api(shopper), "/merchant/templates", _terms()), 403, "no_shop")
    expect_error(m.get(f"{BASE}/merchant/templates/{'9' * 30}"), 404)
    expect_error(api().get(f"{BASE}/merchant/templates"), 401)


def test_hostile_template_input_is_a_4xx_never_a_500(api, shop, expect_error):
    m = api(shop.owner)
    cases = [
        (_terms(amount_off="1500"), 400, "validation_error"),  # a string for a number
        (_terms(total_count="10"), 400, "validation_error"),
        (_terms(amount_off=True), 400, "validation_error"),
        (_terms(amount_off=10**30, min_spend=0), 400, "number_out_of_range"),  # huge: refused by the parser
        (_terms(amount_off=2**62, min_spend=0), 400, "invalid_amount"),  # huge, under the parser's bound
        (_terms(total_count=10**30), 400, "number_out_of_range"),
        (_terms(total_count=10**12), 400, "invalid_count"),
        (_terms(amount_off=-100), 400, "invalid_amount"),  # negative
        (_terms(min_spend=-1), 400, "invalid_amount"),
        (_terms(amount_off=2000, min_spend=1000), 400, "invalid_amount"),
        (_terms(kind="percent", percent_off=95), 400, "invalid_percent"),
        (_terms(kind="percent", percent_off=10, max_discount=-5), 400, "invalid_amount"),
        (_terms(name="满减\ud800"), 400, "invalid_characters"),  # a lone surrogate
        (_terms(name=""), 400, "invalid_name"),
        (_terms(name="名" * 41), 400, "invalid_name"),
        (_terms(kind="bogo"), 400, "invalid_kind"),
        (_terms(scope="products", scope_ids=list(range(1, 10_001))), 400, "validation_error"),  # 10k ids
        (_terms(scope="products", scope_ids=[]), 400, "invalid_scope"),
        (_terms(scope="products", scope_ids=["1"]), 400, "validation_error"),
        (_terms(scope="products", scope_ids=[2**62 + 1]), 400, ("invalid_scope", "number_out_of_range")),
        (_terms(scope="shops", scope_ids=[shop.pk]), 400, "invalid_scope"),  # a shop's coupon is its own already
        (_terms(scope="galaxy"), 400, "invalid_scope"),
        (_terms(channel="code", code="ab"), 400, "invalid_code"),
        (_terms(channel="carrier-pigeon"), 400, "invalid_channel"),
        (_terms(ends_at="2026-13-45"), 400, "validation_error"),
        (_terms(ends_at=(clock.now() + dt.timedelta(days=3)).replace(tzinfo=None).isoformat()), 400, "invalid_date"),
        (_terms(ends_at=(clock.now() - dt.timedelta(days=1)).isoformat()), 400, "invalid_dates"),
        (_terms(ends_at=(clock.now() + dt.timedelta(days=400)).isoformat()), 400, "invalid_dates"),
        (_terms(per_user_limit=0), 400, "invalid_limit"),
        (_terms(per_user_limit=11), 400, "invalid_limit"),
        (_terms(valid_days=-1), 400, "invalid_days"),
        (_terms(budget_amount=-1), 400, "invalid_amount"),
        (_terms(budget_amount=10**40), 400, "number_out_of_range"),
        (_terms(budget_amount=2**63), 400, ("invalid_amount", "number_out_of_range")),
        (_terms(stacking_group="a b!"), 400, "invalid_group"),
        ({"name": "no end"}, 400, "validation_error"),
        ([1, 2, 3], 400, None),
    ]
    for body, status, code in cases:
        expect_error(_post(m, "/merchant/templates", body), status, code)
    bad_json = m.post(f"{BASE}/merchant/templates", "{not json", content_type="application/json")
    expect_error(bad_json, 400)
    assert not CouponTemplate.objects.exists()
    # a code taken by another coupon is a conflict, not a 500
    assert _post(m, "/merchant/templates", _terms(channel="code", code="dup2026")).status_code == 201
    expect_error(_post(m, "/merchant/templates", _terms(channel="code", code="DUP2026")), 409, "code_taken")


# ---------------------------------------------------------------- platform

def test_the_platform_runs_its_coupons_and_nobody_else_sees_them(api, operator, shop, shopper, expect_error):
    o = api(operator)
    r = _post(o, "/platform/templates", _terms(name="平台包邮", kind="free_shipping", min_spend=0,
                                                 amount_off=None, channel="code", code="FREESHIP"))
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["issuer"] == "platform" and body["shop_id"] is None and body["stacking_group"] == "shipping"
    assert body["code"] == "FREESHIP" and body["headline"] == "Free shipping"
    assert [t["id"] for t in o.get(f"{BASE}/platform/templates").json()] == [body["id"]]
    r = _post(o, f"/platform/templates/{body['id']}/status", {"status": "paused"})
    assert r.status_code == 200 and r.json()["status"] == "paused"
    shop_template = _post(api(shop.owner), "/merchant/templates", _terms()).json()
    expect_error(_post(o, f"/platform/templates/{shop_template['id']}/status", {"status": "paused"}), 404,
                 "coupon_not_found")  # a shop's coupon is its merchant's to run
    expect_error(_post(o, "/platform/templates", _terms(scope="shops", scope_ids=[shop.pk], name="x\ud800")), 400,
                 "invalid_characters")

    for client in (api(shopper), api(shop.owner)):
        expect_error(client.get(f"{BASE}/platform/templates"), 404, "not_found")
        expect_error(_post(client, "/platform/templates", _terms()), 404, "not_found")
        expect_error(_post(client, f"/platform/templates/{body['id']}/status", {"status": "ended"}), 404,
                     "not_found")
    expect_error(api().get(f"{BASE}/platform/templates"), 401)
    assert CouponTemplate.objects.get(pk=body["id"]).status == "paused"


def test_the_openapi_schema_lists_the_coupons_api(api):
    schema = api().get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    expected = {
        "/api/v1/coupons/centre": {"get"}, "/api/v1/coupons/{template_id}/claim": {"post"},
        "/api/v1/coupons/redeem": {"post"}, "/api/v1/coupons/mine": {"get"},
        "/api/v1/coupons/checkout-options": {"post"}, "/api/v1/coupons/merchant/templates": {"get", "post"},
        "/api/v1/coupons/merchant/templates/{template_id}": {"get"},
        "/api/v1/coupons/merchant/templates/{template_id}/status": {"post"},
        "/api/v1/coupons/platform/templates": {"get", "post"},
        "/api/v1/coupons/platform/templates/{template_id}/status": {"post"},
    }
    for path, methods in expected.items():
        assert path in paths, path
        assert methods <= set(paths[path]), (path, set(paths[path]))
        for method in methods:
            assert paths[path][method]["tags"] == ["coupons"]
    assert paths["/api/v1/coupons/mine"]["get"].get("security")
    claim_answer = paths["/api/v1/coupons/{template_id}/claim"]["post"]["responses"]["201"]
    assert claim_answer["content"]["application/json"]["schema"]
    assert "TemplateIn" in schema["components"]["schemas"]
