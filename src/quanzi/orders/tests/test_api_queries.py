"""Lists in the shopper and merchant APIs cost a fixed number of queries, however long they are."""

import pytest

from quanzi.orders.checkout import checkout_and_pay
from quanzi.orders.services import CheckoutItem

pytestmark = pytest.mark.django_db

JSON = "application/json"


@pytest.fixture
def twenty_orders(shopper, address, make_product, make_shop):
    """20 orders over 4 shops, each order with 2 lines."""
    shops = [make_shop() for _ in range(4)]
    skus = [make_product(shop=s, title=f"商品 Item {i}", stock=500).skus.get() for i, s in enumerate(shops * 2)]
    orders = []
    for i in range(20):
        shop_skus = [skus[i % 4], skus[4 + i % 4]]
        placed, _payment = checkout_and_pay(user=shopper, items=[CheckoutItem(s.pk, 1) for s in shop_skus],
                                            address_id=address.pk, clear_cart=False)
        orders += placed
    return orders, shops


def test_order_list_of_twenty_orders_is_a_fixed_number_of_queries(api, shopper, twenty_orders,
                                                                   django_assert_max_num_queries):
    client = api(shopper)

    with django_assert_max_num_queries(4):  # token+user, orders+shop, lines
        body = client.get("/api/v1/orders", {"limit": 20}).json()

    assert len(body["items"]) == 20
    assert all(len(o["lines"]) == 2 for o in body["items"])


def test_order_list_costs_the_same_for_five_or_twenty(api, shopper, twenty_orders, django_assert_num_queries):
    client = api(shopper)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as five:
        client.get("/api/v1/orders", {"limit": 5})
    with CaptureQueriesContext(connection) as twenty:
        client.get("/api/v1/orders", {"limit": 20})

    assert len(five) == len(twenty)


def test_merchant_order_list_is_a_fixed_number_of_queries(api, twenty_orders, django_assert_max_num_queries):
    _orders, shops = twenty_orders
    client = api(shops[0].owner)

    with django_assert_max_num_queries(5):  # token+user, shop, orders+shop, lines
        body = client.get("/api/v1/merchant/orders").json()

    assert len(body["items"]) == 5


def test_order_detail_is_a_fixed_number_of_queries(api, shopper, twenty_orders, django_assert_max_num_queries):
    orders, _shops = twenty_orders
    client = api(shopper)

    with django_assert_max_num_queries(6):  # token+user, order+shop+user, lines, events, after-sales
        body = client.get(f"/api/v1/orders/{orders[0].number}").json()

    assert len(body["lines"]) == 2


def test_cart_with_many_lines_is_a_fixed_number_of_queries(api, shopper, make_product, make_shop,
                                                           django_assert_max_num_queries):
    client = api(shopper)
    for i in range(12):
        sku = make_product(shop=make_shop(), title=f"商品 {i}").skus.get()
        client.post("/api/v1/cart/lines", {"sku_id": sku.pk, "quantity": 1}, content_type=JSON)

    with django_assert_max_num_queries(3):
        body = client.get("/api/v1/cart").json()

    assert len(body["lines"]) == 12


def test_merchant_product_list_is_a_fixed_number_of_queries(api, shop, make_product, django_assert_max_num_queries):
    for i in range(15):
        make_product(shop=shop, title=f"商品 {i}", options=[{"name": "尺码", "values": ["S", "M"]}])
    client = api(shop.owner)

    with django_assert_max_num_queries(4):
        body = client.get("/api/v1/merchant/products").json()

    assert len(body) == 15
    assert all(p["sku_count"] == 2 for p in body)
