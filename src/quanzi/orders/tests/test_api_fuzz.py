"""Junk in, never a 500 out: random bodies, random field types and random query strings against the
endpoints that take input, all answered with a 4xx in the one error shape (or 2xx when the junk
happens to be valid)."""

import json
from urllib.parse import urlencode

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

FUZZ = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

ASCII = st.characters(max_codepoint=127)
TEXT_CHARS = st.characters(blacklist_categories=["Cs"])  # NUL included: the edge must reject it, not PostgreSQL
INT64 = st.integers(min_value=-(2**63), max_value=2**63 - 1)
scalar = st.one_of(st.none(), st.booleans(), INT64, st.floats(allow_nan=False, allow_infinity=False),
                   st.text(TEXT_CHARS, max_size=40))
anything = st.recursive(scalar, lambda inner: st.lists(inner, max_size=4)
                        | st.dictionaries(st.text(TEXT_CHARS, max_size=12), inner, max_size=4), max_leaves=12)


def assert_handled(response):
    assert response.status_code < 500, (response.status_code, response.content[:500])
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}, body


@pytest.fixture
def world(api, shopper, address, sku, shop, place_order):
    """A shopper with a cart line, a paid order with an open refund request, a second paid order to
    ship, and the merchant of the shop."""
    orders, payment = place_order([(sku, 1)], pay=True)
    to_ship, _payment = place_order([(sku, 1)], pay=True)
    shopper_client = api(shopper)
    line = shopper_client.post("/api/v1/cart/lines", {"sku_id": sku.pk, "quantity": 1},
                               content_type="application/json").json()["lines"][0]["id"]
    after_sale = shopper_client.post(f"/api/v1/orders/{orders[0].number}/after-sales",
                                     {"line_id": orders[0].lines.get().pk, "kind": "refund_only", "quantity": 1,
                                      "reason": "other"}, content_type="application/json").json()["number"]
    return {"shopper": shopper_client, "merchant": api(shop.owner), "anon": Client(), "sku": sku.pk,
            "address": address.pk, "order": orders[0].number, "line": orders[0].lines.get().pk, "cart_line": line,
            "product": sku.product_id, "payment": payment.number, "shop": shop.pk, "category": sku.product.category_id,
            "after_sale": after_sale, "to_ship": to_ship[0].number}


EDGE = st.sampled_from(["", " ", "\t\n", "\x00", "a\x00b", "x" * 10_000, "<script>alert(1)</script>", "' OR 1=1 --",
                        "😀" * 50, "١٢٣", 0, -1, 2**63 - 1, -(2**63), 0.5, 1e308, True, None, [], {}, [None], {"": ""}])
junk = st.one_of(EDGE, anything)

# (who, method, path, a valid body) — {placeholders} and the body come from `world`
ENDPOINTS = [
    ("shopper", "post", "/api/v1/cart/lines", lambda w: {"sku_id": w["sku"], "quantity": 1}),
    ("shopper", "patch", "/api/v1/cart/lines/{cart_line}", lambda w: {"quantity": 1, "selected": True}),
    ("shopper", "post", "/api/v1/checkout/preview", lambda w: {"items": [{"sku_id": w["sku"], "quantity": 1}]}),
    ("shopper", "post", "/api/v1/checkout",
     lambda w: {"items": [{"sku_id": w["sku"], "quantity": 1, "price_source": "list", "price_ref": ""}],
                "address_id": w["address"], "notes": {str(w["shop"]): "note"}, "context": {"share": "abc"}}),
    ("shopper", "post", "/api/v1/accounts/addresses",
     lambda w: {"recipient": "张三", "phone": "13800138000", "province": "上海", "city": "上海", "district": "黄浦区",
                "detail": "人民路 1 号", "postal_code": "200000", "is_default": False}),
    ("shopper", "post", "/api/v1/orders/{order}/after-sales",
     lambda w: {"line_id": w["line"], "kind": "refund_only", "quantity": 1, "reason": "other", "description": "x",
                "amount": 100}),
    ("shopper", "post", "/api/v1/orders/{order}/cancel", lambda w: {"reason": "x"}),
    ("shopper", "post", "/api/v1/accounts/me/password",
     lambda w: {"old_password": "Str0ngPass!x", "new_password": "Str0ngPass!x"}),
    ("anon", "post", "/api/v1/accounts/token", lambda w: {"identifier": "13900000001", "password": "wrong-pass"}),
    ("anon", "post", "/api/v1/accounts/register",
     lambda w: {"identifier": "13800000009", "password": "Qz-tea-garden-2024", "nickname": "n"}),
    ("anon", "post", "/api/v1/accounts/session", lambda w: {"identifier": "a@b.cn", "password": "wrong-pass"}),
    ("merchant", "post", "/api/v1/merchant/products",
     lambda w: {"title": "T", "subtitle": "s", "description": "d", "category_id": w["category"], "price": 100,
                "stock": 1, "returnable_7day": True, "max_per_order": 0,
                "options": [{"name": "颜色", "values": ["红", "蓝"]}],
                "skus": [{"options": {"颜色": "红"}, "price": 200, "stock": 2, "code": "c", "compare_at_price": 300}]}),
    ("merchant", "patch", "/api/v1/merchant/products/{product}/skus/{sku}",
     lambda w: {"price": 100, "stock": 5, "compare_at_price": 200, "is_active": True, "code": "c"}),
    ("merchant", "patch", "/api/v1/merchant/products/{product}",
     lambda w: {"title": "x", "subtitle": "y", "description": "z", "category_id": w["category"], "max_per_order": 3,
                "returnable_7day": True}),
    ("merchant", "post", "/api/v1/merchant/products/{product}/status", lambda w: {"status": "on_shelf"}),
    ("merchant", "post", "/api/v1/merchant/orders/{to_ship}/ship", lambda w: {"carrier": "sf", "tracking_number": "SF1"}),
    ("merchant", "post", "/api/v1/merchant/payouts", lambda w: {"amount": 100, "bank_account": "6222"}),
    ("merchant", "patch", "/api/v1/merchant/shop",
     lambda w: {"name": "新名字 New", "description": "d", "contact_name": "c", "contact_phone": "13800000000"}),
    ("shopper", "post", "/api/v1/merchant/shop",
     lambda w: {"name": "店 Shop", "licence_number": "91310000MA1FL00000", "contact_name": "c",
                "contact_phone": "13800000000"}),
    ("merchant", "post", "/api/v1/merchant/after-sales/{after_sale}/reject", lambda w: {"note": "no"}),
    ("shopper", "post", "/api/v1/after-sales/{after_sale}/ship-return",
     lambda w: {"carrier": "sf", "tracking_number": "SF2"}),
]


@st.composite
def mutated(draw, valid: dict):
    """A valid body with some fields replaced by junk, some dropped, and unknown ones added."""
    body = dict(valid)
    for name in list(body):
        action = draw(st.sampled_from(["keep", "keep", "keep", "junk", "drop"]))
        if action == "junk":
            body[name] = draw(junk)
        elif action == "drop":
            del body[name]
        elif isinstance(body[name], list) and body[name] and isinstance(body[name][0], dict):
            body[name] = [draw(mutated(item)) for item in body[name]] * draw(st.integers(0, 3))
    if draw(st.booleans()):
        body.update(draw(st.dictionaries(st.text(TEXT_CHARS, max_size=10), junk, max_size=2)))
    return body


@pytest.mark.parametrize("who,method,path,valid", ENDPOINTS, ids=[f"{m} {p}" for _w, m, p, _v in ENDPOINTS])
@FUZZ
@given(data=st.data())
def test_json_endpoints_never_500(world, who, method, path, valid, data):
    body = data.draw(st.one_of(mutated(valid(world)), mutated(valid(world)), anything,
                               st.binary(max_size=60).map(lambda b: b.decode("latin-1"))),
                     label="body")
    raw = body if isinstance(body, str) and data.draw(st.booleans(), label="raw") else json.dumps(body)

    response = getattr(world[who], method)(path.format(**world), raw, content_type="application/json")

    assert_handled(response)


QUERY_ENDPOINTS = [
    ("anon", "/api/v1/catalog/products", ["category", "shop_id", "order", "offset", "limit"]),
    ("anon", "/api/v1/catalog/search", ["q", "offset", "limit"]),
    ("shopper", "/api/v1/orders", ["tab", "cursor", "limit"]),
    ("merchant", "/api/v1/merchant/orders", ["tab", "cursor", "limit"]),
    ("merchant", "/api/v1/merchant/products", ["status"]),
    ("merchant", "/api/v1/merchant/after-sales", ["open_only"]),
]


@pytest.mark.parametrize("who,path,params", QUERY_ENDPOINTS, ids=[p for _w, p, _q in QUERY_ENDPOINTS])
@FUZZ
@given(data=st.data())
def test_query_strings_never_500(world, who, path, params, data):
    value = st.one_of(st.text(TEXT_CHARS, max_size=30), INT64.map(str), st.sampled_from(["", "-1", "0", "1e9", "MTA", "null"]))
    query = data.draw(st.dictionaries(st.sampled_from(params), value, max_size=len(params)), label="query")

    response = world[who].get(path, query)

    assert_handled(response)


@pytest.mark.parametrize("path", ["/api/v1/orders/{}", "/api/v1/after-sales/{}", "/api/v1/payments/{}",
                                  "/api/v1/merchant/orders/{}", "/api/v1/merchant/products/{}",
                                  "/api/v1/catalog/products/{}", "/api/v1/shops/{}", "/api/v1/shipping/orders/{}"])
@FUZZ
@given(segment=st.one_of(st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"], blacklist_characters="/?#%"),
                                 min_size=1, max_size=30), INT64.map(str)))
def test_path_parameters_never_500(world, path, segment):
    client = world["merchant"] if "/merchant/" in path else world["shopper"]

    assert_handled(client.get(path.format(segment)))


@FUZZ
@given(body=st.binary(max_size=200) | anything.map(lambda v: json.dumps(v).encode()),
       signature=st.text(max_size=70), sign_it=st.booleans())
def test_carrier_webhook_never_500(world, body, signature, sign_it):
    from quanzi.shipping.services import carrier_signature

    response = Client().post("/api/v1/shipping/webhook/sandbox", body, content_type="application/json",
                             HTTP_X_CARRIER_SIGNATURE=carrier_signature(body) if sign_it else signature)

    assert_handled(response)
    if not sign_it:
        assert response.status_code == 400


@FUZZ
@given(form=st.dictionaries(st.sampled_from(["out_trade_no", "trade_no", "total_amount", "trade_status", "sign",
                                             "sign_type", "notify_id", "app_id", "x"]),
                            st.text(TEXT_CHARS, max_size=40), max_size=8),
       sign_it=st.booleans(), signature=st.text(max_size=70))
def test_payment_notify_never_500_and_never_captures_junk(world, form, sign_it, signature):
    from quanzi.payments.constants import PaymentStatus
    from quanzi.payments.providers.sandbox import signed
    from quanzi.payments.testing import payments

    form = {**form, "sign": signature} if "sign" in form else form
    if sign_it:
        form = signed({k: v for k, v in form.items() if k not in ("sign", "sign_type")})
    before = {p.number for p in payments(status=PaymentStatus.PAID)}

    response = Client().post("/api/v1/payments/notify/sandbox", urlencode(form),
                             content_type="application/x-www-form-urlencoded")

    assert response.status_code == 200, response.content
    assert response.content in (b"success", b"failure")
    assert {p.number for p in payments(status=PaymentStatus.PAID)} == before


def test_a_non_ascii_carrier_signature_is_a_400_not_a_500(db):
    response = Client().post("/api/v1/shipping/webhook/sandbox", b"{}", content_type="application/json",
                             HTTP_X_CARRIER_SIGNATURE="\x80")

    assert_handled(response)
    assert response.status_code == 400


def test_a_non_ascii_payment_signature_answers_failure_not_500(db):
    response = Client().post("/api/v1/payments/notify/sandbox", urlencode({"out_trade_no": "P1", "sign": "签名"}),
                             content_type="application/x-www-form-urlencoded")

    assert response.status_code == 200
    assert response.content == b"failure"
