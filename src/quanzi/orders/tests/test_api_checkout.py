"""Checkout over the API: the server prices everything, rejects impossible quantities, and an
Idempotency-Key makes a retried checkout place its orders exactly once."""

import threading

import pytest
from django.db import connection

from quanzi.catalog.testing import sku_get
from quanzi.core.testing import idempotency_record_count
from quanzi.orders.constants import OrderStatus
from quanzi.orders.models import CartLine, Order
from quanzi.payments import testing as payments_testing

JSON = "application/json"


def checkout(client, body, **headers):
    return client.post("/api/v1/checkout", body, content_type=JSON, **headers)


# ---------------------------------------------------------------- quantities and SKUs

@pytest.mark.django_db
class TestQuantities:
    @pytest.mark.parametrize("quantity", [0, -1, -100])
    def test_zero_or_negative_quantity_is_rejected_everywhere(self, api, shopper, address, sku, expect_error,
                                                               quantity):
        client = api(shopper)

        expect_error(client.post("/api/v1/cart/lines", {"sku_id": sku.pk, "quantity": quantity}, content_type=JSON),
                     400, "invalid_quantity")
        expect_error(client.post("/api/v1/checkout/preview", {"items": [{"sku_id": sku.pk, "quantity": quantity}]},
                                 content_type=JSON), 400, "invalid_quantity")
        expect_error(checkout(client, {"items": [{"sku_id": sku.pk, "quantity": quantity}],
                                       "address_id": address.pk}), 400, "invalid_quantity")
        assert not Order.objects.exists()
        sku.refresh_from_db()
        assert sku.stock == 10

    def test_a_negative_line_cannot_offset_a_positive_one(self, api, shopper, address, sku, expect_error):
        response = checkout(api(shopper), {"items": [{"sku_id": sku.pk, "quantity": 5},
                                                     {"sku_id": sku.pk, "quantity": -4}],
                                           "address_id": address.pk})

        expect_error(response, 400, "invalid_quantity")
        assert not Order.objects.exists()

    def test_cart_update_to_zero_is_rejected(self, api, shopper, sku, expect_error):
        client = api(shopper)
        line_id = client.post("/api/v1/cart/lines", {"sku_id": sku.pk, "quantity": 2},
                              content_type=JSON).json()["lines"][0]["id"]

        expect_error(client.patch(f"/api/v1/cart/lines/{line_id}", {"quantity": 0}, content_type=JSON),
                     400, "invalid_quantity")
        assert CartLine.objects.get(pk=line_id).quantity == 2

    def test_more_than_in_stock_at_checkout_takes_nothing(self, api, shopper, address, sku, make_product, shop,
                                                          expect_error):
        other = make_product(shop=shop, title="帆布包 Canvas bag", stock=5).skus.get()

        response = checkout(api(shopper), {"items": [{"sku_id": other.pk, "quantity": 1},
                                                     {"sku_id": sku.pk, "quantity": 11}],
                                           "address_id": address.pk})

        expect_error(response, 422, "out_of_stock")
        assert not Order.objects.exists()
        assert sku_get(sku_id=other.pk).stock == 5
        assert sku_get(sku_id=sku.pk).stock == 10

    def test_the_same_sku_on_two_lines_counts_together_against_stock(self, api, shopper, address, sku,
                                                                      expect_error):
        response = checkout(api(shopper), {"items": [{"sku_id": sku.pk, "quantity": 6},
                                                     {"sku_id": sku.pk, "quantity": 6}],
                                           "address_id": address.pk})

        expect_error(response, 422, "out_of_stock")

    def test_cart_add_in_two_steps_cannot_exceed_stock(self, api, shopper, sku, expect_error):
        client = api(shopper)
        assert client.post("/api/v1/cart/lines", {"sku_id": sku.pk, "quantity": 8}, content_type=JSON).status_code == 201

        expect_error(client.post("/api/v1/cart/lines", {"sku_id": sku.pk, "quantity": 3}, content_type=JSON),
                     422, "out_of_stock")

    def test_above_the_per_order_limit_at_checkout_is_422(self, api, shopper, address, make_product, shop,
                                                           expect_error):
        limited = make_product(shop=shop, stock=50, max_per_order=2).skus.get()

        response = checkout(api(shopper), {"items": [{"sku_id": limited.pk, "quantity": 3}],
                                           "address_id": address.pk})

        error = expect_error(response, 422, "quantity_limit")
        assert error["fields"]

    def test_above_the_platform_line_limit_is_422(self, api, shopper, address, make_product, shop, settings,
                                                   expect_error):
        plenty = make_product(shop=shop, stock=10_000).skus.get()

        response = checkout(api(shopper), {"items": [{"sku_id": plenty.pk,
                                                      "quantity": settings.QUANZI["MAX_QUANTITY_PER_LINE"] + 1}],
                                           "address_id": address.pk})

        expect_error(response, 422, "quantity_limit")

    def test_unknown_sku_is_404(self, api, shopper, address, expect_error):
        client = api(shopper)

        expect_error(client.post("/api/v1/cart/lines", {"sku_id": 999_999, "quantity": 1}, content_type=JSON),
                     404, "sku_not_found")
        expect_error(checkout(client, {"items": [{"sku_id": 999_999, "quantity": 1}], "address_id": address.pk}),
                     404, "sku_not_found")

    def test_off_shelf_sku_cannot_be_checked_out(self, api, shopper, address, make_product, shop, expect_error):
        off = make_product(shop=shop, on_shelf=False).skus.get()

        expect_error(checkout(api(shopper), {"items": [{"sku_id": off.pk, "quantity": 1}],
                                             "address_id": address.pk}), 422, "off_shelf")

    def test_a_product_taken_off_the_shelf_after_carting_cannot_be_checked_out(self, api, shopper, address, product,
                                                                              sku, expect_error):
        from quanzi.catalog.services import product_set_status

        client = api(shopper)
        client.post("/api/v1/cart/lines", {"sku_id": sku.pk, "quantity": 1}, content_type=JSON)
        product_set_status(product=product, status="off_shelf")

        cart = client.get("/api/v1/cart").json()
        assert cart["lines"][0]["available"] is False
        assert cart["selected_total"]["amount"] == 0
        expect_error(checkout(client, {"address_id": address.pk}), 422, "off_shelf")

    def test_a_suspended_shops_product_is_off_shelf(self, api, shopper, address, shop, sku, expect_error):
        from quanzi.shops.constants import ShopStatus

        shop.status = ShopStatus.SUSPENDED
        shop.save(update_fields=["status"])

        expect_error(checkout(api(shopper), {"items": [{"sku_id": sku.pk, "quantity": 1}],
                                             "address_id": address.pk}), 422, "off_shelf")

    def test_an_empty_checkout_is_400(self, api, shopper, address, expect_error):
        client = api(shopper)

        expect_error(checkout(client, {"items": [], "address_id": address.pk}), 400, "empty_checkout")
        expect_error(checkout(client, {"address_id": address.pk}), 400, "empty_checkout")  # empty cart

    def test_checkout_without_address_is_400(self, api, shopper, sku, expect_error):
        error = expect_error(checkout(api(shopper), {"items": [{"sku_id": sku.pk, "quantity": 1}]}), 400)

        assert "address_id" in error["fields"]

    def test_an_unknown_price_source_is_400(self, api, shopper, address, sku, expect_error):
        response = checkout(api(shopper), {"items": [{"sku_id": sku.pk, "quantity": 1, "price_source": "free"}],
                                           "address_id": address.pk})

        expect_error(response, 400, "unknown_price_source")


# ---------------------------------------------------------------- prices come from the server

@pytest.mark.django_db
def test_prices_and_totals_sent_by_the_client_are_ignored(api, shopper, address, sku):
    response = checkout(api(shopper), {
        "items": [{"sku_id": sku.pk, "quantity": 2, "unit_price": 1, "price": 1, "total": 1}],
        "address_id": address.pk, "total": 1, "unit_price": 1, "items_total": 1, "shipping_fee": 0,
        "discount_total": 99999})

    assert response.status_code == 201, response.content
    order = response.json()["orders"][0]
    assert order["lines"][0]["unit_price"]["amount"] == 5900
    assert order["items_total"]["amount"] == 11800
    assert order["total"]["amount"] == 11800 + order["shipping_fee"]["amount"]
    assert order["discount_total"]["amount"] == 0
    assert response.json()["payment"]["amount"]["amount"] == order["total"]["amount"]
    assert Order.objects.get().total == order["total"]["amount"]
    [payment] = payments_testing.payments()
    assert payment.amount == order["total"]["amount"]


@pytest.mark.django_db
def test_preview_prices_match_the_placed_order(api, shopper, address, sku):
    client = api(shopper)
    body = {"items": [{"sku_id": sku.pk, "quantity": 3, "unit_price": 1}], "address_id": address.pk}

    preview = client.post("/api/v1/checkout/preview", body, content_type=JSON).json()
    placed = checkout(client, body).json()

    assert preview["total"]["amount"] == placed["orders"][0]["total"]["amount"] == 3 * 5900
    assert preview["groups"][0]["lines"][0]["unit_price"]["amount"] == 5900


@pytest.mark.django_db
def test_a_price_change_after_carting_is_charged_at_the_new_price(api, shopper, address, product, sku):
    from quanzi.catalog.services import sku_update

    client = api(shopper)
    client.post("/api/v1/cart/lines", {"sku_id": sku.pk, "quantity": 1}, content_type=JSON)
    sku_update(product=product, sku_id=sku.pk, price=6900)

    placed = checkout(client, {"address_id": address.pk}).json()

    assert placed["orders"][0]["lines"][0]["unit_price"]["amount"] == 6900


# ---------------------------------------------------------------- Idempotency-Key

@pytest.mark.django_db
class TestIdempotency:
    def body(self, sku, address, qty=1):
        return {"items": [{"sku_id": sku.pk, "quantity": qty}], "address_id": address.pk}

    def test_same_key_same_body_replays_the_first_response(self, api, shopper, address, sku):
        client = api(shopper)

        first = checkout(client, self.body(sku, address, 2), HTTP_IDEMPOTENCY_KEY="k-1")
        second = checkout(client, self.body(sku, address, 2), HTTP_IDEMPOTENCY_KEY="k-1")

        assert first.status_code == second.status_code == 201
        assert "Idempotent-Replay" not in first
        assert second["Idempotent-Replay"] == "true"
        assert second.json() == first.json()
        assert [o["number"] for o in second.json()["orders"]] == [o["number"] for o in first.json()["orders"]]
        assert Order.objects.count() == 1
        assert len(payments_testing.payments()) == 1
        sku.refresh_from_db()
        assert sku.stock == 8

    def test_same_key_different_body_is_409(self, api, shopper, address, sku, expect_error):
        client = api(shopper)
        assert checkout(client, self.body(sku, address, 1), HTTP_IDEMPOTENCY_KEY="k-2").status_code == 201

        response = checkout(client, self.body(sku, address, 3), HTTP_IDEMPOTENCY_KEY="k-2")

        expect_error(response, 409, "idempotency_key_reused")
        assert Order.objects.count() == 1
        sku.refresh_from_db()
        assert sku.stock == 9

    def test_different_users_use_the_same_key_independently(self, api, shopper, address, sku, make_shopper):
        other = make_shopper()

        mine = checkout(api(shopper), self.body(sku, address), HTTP_IDEMPOTENCY_KEY="shared")
        theirs = checkout(api(other), self.body(sku, other.addresses.get()), HTTP_IDEMPOTENCY_KEY="shared")

        assert mine.status_code == theirs.status_code == 201
        assert "Idempotent-Replay" not in theirs
        assert mine.json()["orders"][0]["number"] != theirs.json()["orders"][0]["number"]
        assert set(Order.objects.values_list("user_id", flat=True)) == {shopper.pk, other.pk}

    def test_a_different_key_places_a_new_order(self, api, shopper, address, sku):
        client = api(shopper)

        checkout(client, self.body(sku, address), HTTP_IDEMPOTENCY_KEY="a")
        checkout(client, self.body(sku, address), HTTP_IDEMPOTENCY_KEY="b")

        assert Order.objects.count() == 2

    def test_an_overlong_key_is_400(self, api, shopper, address, sku, expect_error):
        response = checkout(api(shopper), self.body(sku, address), HTTP_IDEMPOTENCY_KEY="k" * 201)

        expect_error(response, 400, "validation_error")
        assert not Order.objects.exists()

    def test_a_failed_checkout_does_not_burn_the_key(self, api, shopper, address, sku, expect_error):
        """An error is not stored: after fixing the stock the same request goes through."""
        from quanzi.catalog.services import sku_update

        client = api(shopper)
        expect_error(checkout(client, self.body(sku, address, 12), HTTP_IDEMPOTENCY_KEY="retry"), 422, "out_of_stock")
        sku_update(product=sku.product, sku_id=sku.pk, stock=20)

        response = checkout(client, self.body(sku, address, 12), HTTP_IDEMPOTENCY_KEY="retry")

        assert response.status_code == 201
        assert Order.objects.count() == 1

    def test_cart_checkout_replay_does_not_need_the_cart_again(self, api, shopper, address, sku):
        client = api(shopper)
        client.post("/api/v1/cart/lines", {"sku_id": sku.pk, "quantity": 1}, content_type=JSON)

        first = checkout(client, {"address_id": address.pk}, HTTP_IDEMPOTENCY_KEY="cart")
        assert client.get("/api/v1/cart").json()["lines"] == []
        second = checkout(client, {"address_id": address.pk}, HTTP_IDEMPOTENCY_KEY="cart")

        assert second.status_code == 201
        assert second.json() == first.json()
        assert Order.objects.count() == 1


def _concurrent_checkouts(n, make_client, body, key):
    results, barrier = [], threading.Barrier(n)

    def run():
        try:
            client = make_client()
            barrier.wait()
            response = checkout(client, body, HTTP_IDEMPOTENCY_KEY=key)
            results.append((response.status_code, response.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_retries_with_one_key_place_one_set_of_orders(api, shopper, address, sku, make_product, make_shop):
    other = make_product(shop=make_shop(), title="保温杯 Thermos", stock=10).skus.get()
    clients = [api(shopper) for _ in range(10)]
    body = {"items": [{"sku_id": sku.pk, "quantity": 2}, {"sku_id": other.pk, "quantity": 1}],
            "address_id": address.pk}

    results = _concurrent_checkouts(10, clients.pop, body, "same-key")

    assert len(results) == 10
    assert {status for status, _ in results} == {201}, results
    numbers = {tuple(o["number"] for o in body["orders"]) for _, body in results}
    assert len(numbers) == 1
    assert Order.objects.count() == 2
    assert len(payments_testing.payments()) == 1
    assert sku_get(sku_id=sku.pk).stock == 8
    assert sku_get(sku_id=other.pk).stock == 9
    assert idempotency_record_count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_for_the_last_item_all_get_the_order(api, shopper, address, make_product, shop):
    """A retry racing the first request must replay it, not answer out_of_stock because the first took it."""
    last = make_product(shop=shop, title="限量 Limited", stock=1).skus.get()
    clients = [api(shopper) for _ in range(8)]

    results = _concurrent_checkouts(8, clients.pop, {"items": [{"sku_id": last.pk, "quantity": 1}],
                                                     "address_id": address.pk}, "last-one")

    assert Order.objects.count() == 1
    assert Order.objects.get().status == OrderStatus.PENDING_PAYMENT
    assert {status for status, _ in results} == {201}, results
