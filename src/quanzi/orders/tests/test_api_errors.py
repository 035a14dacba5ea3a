"""The API answers every error in one shape, with the right status, and never tells a stranger
that someone else's object exists (404, not 403)."""

import datetime as dt
import json

import pytest

from quanzi.core import clock
from quanzi.orders.constants import OrderStatus
from quanzi.orders.models import CartLine, Order

pytestmark = pytest.mark.django_db

JSON = "application/json"


# ---------------------------------------------------------------- malformed and mistyped input

@pytest.mark.parametrize("body", ["{bad json", '{"sku_id": 1,', "\x00\xff", "[1, 2", "nul"])
def test_malformed_json_is_a_400_in_the_error_shape(api, shopper, expect_error, body):
    response = api(shopper).post("/api/v1/cart/lines", body, content_type=JSON)

    expect_error(response, 400, ("malformed_json", "invalid_characters"))


def test_malformed_json_says_malformed_json(api, shopper, expect_error):
    response = api(shopper).post("/api/v1/checkout/preview", "{not json", content_type=JSON)

    expect_error(response, 400, "malformed_json")


def test_missing_field_is_a_400_naming_the_field(api, shopper, expect_error):
    response = api(shopper).post("/api/v1/cart/lines", {"quantity": 1}, content_type=JSON)

    error = expect_error(response, 400, "validation_error")
    assert "sku_id" in error["fields"]


@pytest.mark.parametrize("body", [[1, 2], 42, None, True, "text"])
def test_a_body_that_is_not_an_object_is_a_400(api, shopper, expect_error, body):
    response = api(shopper).post("/api/v1/cart/lines", json.dumps(body), content_type=JSON)

    expect_error(response, 400, ("validation_error", "malformed_json"))


def test_wrong_typed_fields_are_a_400_naming_each_field(api, shopper, expect_error):
    response = api(shopper).post("/api/v1/cart/lines", {"sku_id": "abc", "quantity": [1]}, content_type=JSON)

    error = expect_error(response, 400)
    assert {"sku_id", "quantity"} <= set(error["fields"])


def test_wrong_typed_fields_are_a_validation_error_not_malformed_json(api, shopper, expect_error):
    """The JSON parsed fine; one field has the wrong type. Calling it malformed JSON misleads clients."""
    response = api(shopper).post("/api/v1/cart/lines", {"sku_id": "abc", "quantity": 1}, content_type=JSON)

    expect_error(response, 400, "validation_error")


def test_a_mistyped_query_parameter_is_a_validation_error(api, shopper, expect_error):
    response = api(shopper).get("/api/v1/orders?limit=many")

    error = expect_error(response, 400, "validation_error")
    assert "limit" in error["fields"]


def test_a_bad_cursor_is_a_400(api, shopper, expect_error):
    expect_error(api(shopper).get("/api/v1/orders?cursor=%21%21%21"), 400, "validation_error")


def test_an_id_too_large_for_the_database_is_not_a_500(api, shopper, expect_error):
    response = api(shopper).post("/api/v1/cart/lines", {"sku_id": 10**30, "quantity": 1}, content_type=JSON)

    expect_error(response, response.status_code, ("validation_error", "sku_not_found", "number_out_of_range"))
    assert response.status_code in (400, 404)


def test_checkout_with_an_id_too_large_for_the_database_is_not_a_500(api, shopper, address, expect_error):
    response = api(shopper).post("/api/v1/checkout", {"items": [{"sku_id": 2**70, "quantity": 1}],
                                                      "address_id": address.pk}, content_type=JSON)

    expect_error(response, response.status_code, ("validation_error", "sku_not_found", "number_out_of_range"))
    assert response.status_code in (400, 404)
    assert not Order.objects.exists()


@pytest.mark.parametrize("path", ["/api/v1/catalog/products/{}", "/api/v1/shops/{}", "/api/v1/merchant/products/{}"])
def test_a_path_id_too_large_for_the_database_is_not_a_500(api, shop, path, expect_error):
    response = api(shop.owner).get(path.format(10**30))

    expect_error(response, response.status_code)
    assert response.status_code in (400, 404)


@pytest.mark.parametrize("case", ["address", "register", "checkout-note", "product-title", "category-filter",
                                  "status-filter", "json-escape"])
def test_nul_characters_are_rejected_at_the_edge(api, shopper, address, sku, shop, category, expect_error, case):
    """PostgreSQL cannot store NUL: a request carrying one is a 400, never a 500 (on any database)."""
    from django.test import Client

    nul = "a\x00b"
    client, merchant = api(shopper), api(shop.owner)
    response = {
        "address": lambda: client.post("/api/v1/accounts/addresses", {
            "recipient": nul, "phone": "13800138000", "province": "上海", "city": "上海", "detail": nul},
            content_type=JSON),
        "register": lambda: Client().post("/api/v1/accounts/register", {
            "identifier": "13800009999", "password": "Qz-tea-garden-2024", "nickname": nul}, content_type=JSON),
        "checkout-note": lambda: client.post("/api/v1/checkout", {
            "items": [{"sku_id": sku.pk, "quantity": 1}], "address_id": address.pk, "notes": {str(shop.pk): nul}},
            content_type=JSON),
        "product-title": lambda: merchant.post("/api/v1/merchant/products", {
            "title": nul, "category_id": category.pk, "price": 100, "stock": 1}, content_type=JSON),
        "category-filter": lambda: Client().get("/api/v1/catalog/products", {"category": nul}),
        "status-filter": lambda: merchant.get("/api/v1/merchant/products", {"status": nul}),
        "json-escape": lambda: client.post("/api/v1/accounts/addresses", '{"recipient": "a\\u0000b"}',
                                           content_type=JSON),
    }[case]()

    expect_error(response, 400, "invalid_characters")


def test_a_nul_in_a_payment_notification_is_answered_failure_and_logged(db):
    """Provider callbacks always get the provider's own answer; what is logged is sanitised."""
    from django.test import Client

    from quanzi.payments.testing import notification_get

    response = Client().post("/api/v1/payments/notify/sandbox", "out_trade_no=P1%00&sign=x&x=%00",
                             content_type="application/x-www-form-urlencoded")

    assert (response.status_code, response.content) == (200, b"failure")
    note = notification_get()
    assert "\x00" not in note.payment_number + "".join(note.body.values())


def test_unknown_api_route_is_a_json_404(api, shopper, expect_error):
    expect_error(api(shopper).get("/api/v1/no/such/route"), 404, "not_found")
    expect_error(api().post("/api/v1/nope", {}, content_type=JSON), 404, "not_found")


def test_wrong_method_is_not_a_500(api, shopper):
    response = api(shopper).put("/api/v1/checkout", {}, content_type=JSON)

    assert 400 <= response.status_code < 500


# ---------------------------------------------------------------- 401

@pytest.mark.parametrize("method,path", [
    ("get", "/api/v1/cart"), ("post", "/api/v1/cart/lines"), ("post", "/api/v1/checkout"),
    ("get", "/api/v1/orders"), ("get", "/api/v1/orders/2024010100000001"), ("get", "/api/v1/accounts/me"),
    ("get", "/api/v1/accounts/addresses"), ("get", "/api/v1/merchant/products"), ("get", "/api/v1/merchant/balance"),
    ("get", "/api/v1/payments/P20240101ABCDEF"), ("get", "/api/v1/after-sales/2024010100000001"),
])
def test_anonymous_requests_get_401(api, expect_error, method, path):
    response = getattr(api(), method)(path, **({"data": {}, "content_type": JSON} if method == "post" else {}))

    expect_error(response, 401, "not_authenticated")


def test_a_bad_bearer_token_is_a_401(expect_error, db):
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION="Bearer qz_not-a-real-token")

    expect_error(client.get("/api/v1/orders"), 401, "not_authenticated")


# ---------------------------------------------------------------- another user's objects → 404

@pytest.fixture
def stranger(make_shopper):
    return make_shopper()


def test_another_users_order_is_404_everywhere(api, place_order, sku, stranger, expect_error):
    orders, payment = place_order([(sku, 1)])
    number = orders[0].number
    client = api(stranger)

    expect_error(client.get(f"/api/v1/orders/{number}"), 404, "order_not_found")
    expect_error(client.post(f"/api/v1/orders/{number}/cancel", {}, content_type=JSON), 404)
    expect_error(client.post(f"/api/v1/orders/{number}/pay", {}, content_type=JSON), 404)
    expect_error(client.post(f"/api/v1/orders/{number}/confirm", {}, content_type=JSON), 404)
    expect_error(client.get(f"/api/v1/shipping/orders/{number}"), 404)
    assert client.get("/api/v1/orders").json()["items"] == []
    orders[0].refresh_from_db()
    assert orders[0].status == OrderStatus.PENDING_PAYMENT


def test_an_unknown_order_and_another_users_order_look_the_same(api, place_order, sku, stranger):
    orders, _payment = place_order([(sku, 1)])
    client = api(stranger)

    theirs = client.get(f"/api/v1/orders/{orders[0].number}")
    missing = client.get("/api/v1/orders/20000101" + "0" * 10)

    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()


def test_another_users_payment_is_404(api, place_order, sku, stranger, expect_error):
    _orders, payment = place_order([(sku, 1)])
    client = api(stranger)

    expect_error(client.get(f"/api/v1/payments/{payment.number}"), 404)
    expect_error(client.post(f"/api/v1/payments/{payment.number}/sync", {}, content_type=JSON), 404)


def test_another_users_after_sale_is_404(api, place_order, sku, shopper, stranger, expect_error):
    orders, _payment = place_order([(sku, 1)], pay=True)
    order = orders[0]
    created = api(shopper).post(f"/api/v1/orders/{order.number}/after-sales",
                                {"line_id": order.lines.get().pk, "kind": "refund_only", "quantity": 1,
                                 "reason": "changed_mind"}, content_type=JSON)
    assert created.status_code == 201, created.content
    number = created.json()["number"]
    client = api(stranger)

    expect_error(client.get(f"/api/v1/after-sales/{number}"), 404)
    expect_error(client.post(f"/api/v1/after-sales/{number}/cancel", {}, content_type=JSON), 404)
    expect_error(client.post(f"/api/v1/after-sales/{number}/escalate", {}, content_type=JSON), 404)
    expect_error(client.post(f"/api/v1/after-sales/{number}/ship-return",
                             {"carrier": "sf", "tracking_number": "SF1"}, content_type=JSON), 404)
    expect_error(client.post(f"/api/v1/orders/{order.number}/after-sales",
                             {"line_id": order.lines.get().pk, "kind": "refund_only", "quantity": 1,
                              "reason": "changed_mind"}, content_type=JSON), 404)
    assert api(shopper).get(f"/api/v1/after-sales/{number}").json()["status"] == "requested"


def test_another_users_address_is_404(api, address, stranger, expect_error):
    client = api(stranger)
    body = {"recipient": "李四", "phone": "13900000000", "province": "北京", "city": "北京", "detail": "x"}

    expect_error(client.put(f"/api/v1/accounts/addresses/{address.pk}", body, content_type=JSON), 404)
    expect_error(client.post(f"/api/v1/accounts/addresses/{address.pk}/default", {}, content_type=JSON), 404)
    expect_error(client.delete(f"/api/v1/accounts/addresses/{address.pk}"), 404)
    address.refresh_from_db()
    assert address.recipient == "张三"


def test_checkout_to_another_users_address_is_404(api, address, stranger, sku, expect_error):
    response = api(stranger).post("/api/v1/checkout", {"items": [{"sku_id": sku.pk, "quantity": 1}],
                                                       "address_id": address.pk}, content_type=JSON)

    expect_error(response, 404, "address_not_found")
    assert not Order.objects.exists()


def test_another_users_cart_line_is_404(api, shopper, stranger, sku, expect_error):
    added = api(shopper).post("/api/v1/cart/lines", {"sku_id": sku.pk, "quantity": 1}, content_type=JSON)
    line_id = added.json()["lines"][0]["id"]
    client = api(stranger)

    expect_error(client.patch(f"/api/v1/cart/lines/{line_id}", {"quantity": 3}, content_type=JSON), 404)
    expect_error(client.delete(f"/api/v1/cart/lines/{line_id}"), 404)
    assert CartLine.objects.get(pk=line_id).quantity == 1


# ---------------------------------------------------------------- 409 state conflicts

def test_cancelling_a_paid_order_is_409(api, place_order, sku, shopper, expect_error):
    orders, _payment = place_order([(sku, 1)], pay=True)

    response = api(shopper).post(f"/api/v1/orders/{orders[0].number}/cancel", {"reason": "x"}, content_type=JSON)

    expect_error(response, 409, "invalid_order_state")
    orders[0].refresh_from_db()
    assert orders[0].status == OrderStatus.PAID


def test_cancelling_twice_is_409(api, place_order, sku, shopper, expect_error):
    orders, _payment = place_order([(sku, 1)])
    client = api(shopper)

    assert client.post(f"/api/v1/orders/{orders[0].number}/cancel", {}, content_type=JSON).status_code == 200
    expect_error(client.post(f"/api/v1/orders/{orders[0].number}/cancel", {}, content_type=JSON), 409,
                 "invalid_order_state")
    sku.refresh_from_db()
    assert sku.stock == 10  # returned once, not twice


def test_shipping_an_unpaid_order_is_409(api, place_order, sku, shop, expect_error):
    orders, _payment = place_order([(sku, 1)])

    response = api(shop.owner).post(f"/api/v1/merchant/orders/{orders[0].number}/ship", {"carrier": "sandbox"},
                                    content_type=JSON)

    expect_error(response, 409, "invalid_order_state")
    orders[0].refresh_from_db()
    assert orders[0].status == OrderStatus.PENDING_PAYMENT


def test_confirming_receipt_of_an_unshipped_order_is_409(api, place_order, sku, shopper, expect_error):
    orders, _payment = place_order([(sku, 1)], pay=True)

    response = api(shopper).post(f"/api/v1/orders/{orders[0].number}/confirm", {}, content_type=JSON)

    expect_error(response, 409, "invalid_order_state")


# ---------------------------------------------------------------- 422 business rules

def test_more_than_in_stock_is_422_out_of_stock(api, shopper, sku, expect_error):
    response = api(shopper).post("/api/v1/cart/lines", {"sku_id": sku.pk, "quantity": 11}, content_type=JSON)

    error = expect_error(response, 422, "out_of_stock")
    assert "quantity" in error["fields"]


def test_more_than_the_per_order_limit_is_422_quantity_limit(api, shopper, make_product, shop, expect_error):
    limited = make_product(shop=shop, stock=50, max_per_order=2).skus.get()

    response = api(shopper).post("/api/v1/cart/lines", {"sku_id": limited.pk, "quantity": 3}, content_type=JSON)

    expect_error(response, 422, "quantity_limit")


def test_an_off_shelf_product_is_422_off_shelf(api, shopper, make_product, shop, expect_error):
    off = make_product(shop=shop, on_shelf=False).skus.get()

    expect_error(api(shopper).post("/api/v1/cart/lines", {"sku_id": off.pk, "quantity": 1}, content_type=JSON),
                 422, "off_shelf")


def test_refund_more_than_paid_is_422(api, place_order, sku, shopper, expect_error):
    orders, _payment = place_order([(sku, 2)], pay=True)
    line = orders[0].lines.get()

    response = api(shopper).post(f"/api/v1/orders/{orders[0].number}/after-sales",
                                 {"line_id": line.pk, "kind": "refund_only", "quantity": 1, "reason": "other",
                                  "amount": line.line_total + 1}, content_type=JSON)

    expect_error(response, 422, "refund_exceeds_paid")


def test_return_after_the_window_is_422_return_window_closed(api, place_order, sku, shopper, shop, expect_error,
                                                             carrier_deliver):
    orders, _payment = place_order([(sku, 1)], pay=True)
    number = orders[0].number
    shipped = api(shop.owner).post(f"/api/v1/merchant/orders/{number}/ship", {"carrier": "sandbox"},
                                   content_type=JSON)
    assert shipped.status_code == 200, shipped.content
    tracking = api(shopper).get(f"/api/v1/shipping/orders/{number}").json()["tracking_number"]
    carrier_deliver(tracking)
    line_id = api(shopper).get(f"/api/v1/orders/{number}").json()["lines"][0]["id"]

    with clock.travel(dt.timedelta(days=8)):
        response = api(shopper).post(f"/api/v1/orders/{number}/after-sales",
                                     {"line_id": line_id, "kind": "return_refund", "quantity": 1,
                                      "reason": "quality"}, content_type=JSON)

    expect_error(response, 422, "return_window_closed")
