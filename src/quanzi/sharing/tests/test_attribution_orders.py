"""The attribution snapshot on order lines, conversions on payment, and link statistics."""

from __future__ import annotations

import datetime as dt

import pytest

from quanzi.core import clock
from quanzi.sharing import selectors
from quanzi.sharing.models import ShareConversion
from quanzi.sharing.services import share_link_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def clicked(share_link, product, shopper, logged_in):
    """The shopper opened the sharer's link in their browser (Accept-Language/UA make the device hash)."""
    browser = logged_in(shopper, HTTP_USER_AGENT="Mozilla/5.0 test", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert browser.get(f"/p/{product.pk}/?share={share_link.code}").status_code == 200
    return browser


def test_order_line_stores_the_share_snapshot(clicked, share_link, sharer, sku, place_order):
    (order,), _payment = place_order([(sku, 2)])
    share = order.lines.get().attribution["share"]
    assert share["sharer_id"] == sharer.pk and share["link_id"] == share_link.pk and share["code"] == share_link.code
    assert share["self"] is False
    assert dt.datetime.fromisoformat(share["clicked_at"]) <= dt.datetime.fromisoformat(share["at"])
    assert share["client"] == {}  # the fixture's checkout passes no context; the web and API add the client


def test_snapshot_carries_the_checkout_client(clicked, share_link, sku, shopper, address, api):
    response = api(shopper).post("/api/v1/checkout", {"items": [{"sku_id": sku.pk, "quantity": 1}],
                                                      "address_id": address.pk},
                                 content_type="application/json", HTTP_USER_AGENT="QuanziApp/1.0")
    assert response.status_code == 201, response.content
    from quanzi.orders.selectors import order_page_for_user

    (order,), _cursor = order_page_for_user(user=shopper)
    client = order.lines.get().attribution["share"]["client"]
    assert client["ip"] == "127.0.0.1" and len(client["device"]) == 16


def test_snapshot_never_changes_afterwards(clicked, share_link, sku, place_order, make_user, logged_in, product):
    (order,), _payment = place_order([(sku, 1)])
    before = order.lines.get().attribution
    other, _t = share_link_for(sharer=make_user(), target_type="product", target_id=product.pk)
    with clock.travel(dt.timedelta(hours=1)):
        clicked.get(f"/p/{product.pk}/?share={other.code}")  # a later click rebinds future purchases only
    assert order.lines.get().attribution == before


def test_no_snapshot_after_the_window(clicked, sku, place_order):
    with clock.travel(dt.timedelta(days=7, minutes=1)):
        (order,), _payment = place_order([(sku, 1)])
    assert "share" not in order.lines.get().attribution


def test_no_snapshot_without_a_click(sku, place_order):
    (order,), _payment = place_order([(sku, 1)])
    assert "share" not in order.lines.get().attribution


def test_other_products_are_not_attributed(clicked, make_product, shop, place_order):
    other = make_product(shop=shop, title="Not shared")
    (order,), _payment = place_order([(other.skus.get(), 1)])
    assert "share" not in order.lines.get().attribution


def test_self_purchase_is_flagged(share_link, product, sharer, sku, make_shopper, logged_in, place_order):
    from quanzi.accounts.services import address_create

    address_create(user=sharer, data={"recipient": "李四", "phone": "13800138001", "province": "上海", "city": "上海",
                                      "district": "黄浦区", "detail": "南京路 2 号"})
    logged_in(sharer).get(f"/p/{product.pk}/?share={share_link.code}")
    (order,), _payment = place_order([(sku, 1)], user=sharer)
    assert order.lines.get().attribution["share"]["self"] is True


def test_payment_records_one_conversion_per_attributed_line(clicked, share_link, sharer, sku, place_order,
                                                            django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        (order,), _payment = place_order([(sku, 3)], pay=True)
    line = order.lines.get()
    conversion = ShareConversion.objects.get()
    assert (conversion.line_id, conversion.order_id, conversion.amount) == (line.pk, order.pk, line.line_total)
    from quanzi.sharing.services import record_conversions

    assert record_conversions(order_id=order.pk) == 1 and ShareConversion.objects.count() == 1  # idempotent
    assert selectors.link_stats(user_id=sharer.pk) == {"links": 1, "clicks": 1, "orders": 1, "gmv": line.line_total}
    assert selectors.clicks_count(user_id=sharer.pk) == 1
    assert selectors.clicks_count(user_id=sharer.pk, since=clock.now() + dt.timedelta(minutes=1)) == 0


def test_unpaid_order_converts_nothing(clicked, sku, place_order, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        place_order([(sku, 1)], pay=False)
    assert ShareConversion.objects.count() == 0


def test_my_links_api_lists_stats_without_n_plus_one(clicked, share_link, sharer, sku, place_order, api, shop,
                                                     make_product, django_capture_on_commit_callbacks,
                                                     django_assert_max_num_queries):
    for i in range(5):
        share_link_for(sharer=sharer, target_type="product", target_id=make_product(shop=shop, title=f"P{i}").pk)
    with django_capture_on_commit_callbacks(execute=True):
        (order,), _payment = place_order([(sku, 1)], pay=True)
    client = api(sharer)
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/sharing/links")
    assert response.status_code == 200
    body = response.json()
    assert len(body["items"]) == 6
    mine = next(i for i in body["items"] if i["code"] == share_link.code)
    assert (mine["clicks"], mine["orders"], mine["gmv"]) == (1, 1, order.lines.get().line_total)
    assert body["totals"]["orders"] == 1


def test_another_users_link_stats_are_404(share_link, make_user, api, expect_error, sharer):
    expect_error(api(make_user()).get(f"/api/v1/sharing/links/{share_link.code}"), 404, "not_found")
    assert api(sharer).get(f"/api/v1/sharing/links/{share_link.code}").json()["code"] == share_link.code


def test_create_link_api_returns_urls_and_copy_text(sharer, product, api):
    response = api(sharer).post("/api/v1/sharing/links", {"target_type": "product", "target_id": product.pk},
                                content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    code = body["code"]
    assert body["url"] == f"http://testserver/p/{product.pk}/?share={code}"
    assert body["short_url"] == f"http://testserver/s/{code}"
    assert body["poster_url"] == f"http://testserver/s/{code}/poster.png"
    assert product.title in body["copy_text"] and body["short_url"] in body["copy_text"]
    assert "59.00" in body["copy_text"]


def test_share_generation_is_rate_limited(sharer, product, api, expect_error):
    from quanzi.sharing.services import SHARE_LIMIT

    client = api(sharer)
    for _i in range(SHARE_LIMIT[0]):
        assert client.post("/api/v1/sharing/links", {"target_id": product.pk},
                           content_type="application/json").status_code == 201
    error = expect_error(client.post("/api/v1/sharing/links", {"target_id": product.pk},
                                     content_type="application/json"), 429, "rate_limited")
    assert int(error["fields"]["retry_after"]) > 0


def test_a_click_after_an_earlier_checkout_is_seen_by_the_next_one(share_link, product, sku, shopper, logged_in,
                                                                 place_order):
    (first,), _p = place_order([(sku, 1)])  # loads (and memoizes) the shopper's bindings: none
    assert "share" not in first.lines.get().attribution
    logged_in(shopper).get(f"/p/{product.pk}/?share={share_link.code}")  # another request, same shopper
    (second,), _p = place_order([(sku, 1)])
    assert second.lines.get().attribution["share"]["link_id"] == share_link.pk


def test_attribution_costs_one_query_per_checkout_not_per_line(sharer, shopper, address, make_product, shop,
                                                               logged_in):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from quanzi.orders.checkout import checkout_and_pay
    from quanzi.orders.services import CheckoutItem

    products = [make_product(shop=shop, title=f"Shared {i}") for i in range(6)]
    browser = logged_in(shopper)
    for p in products:
        link, _t = share_link_for(sharer=sharer, target_type="product", target_id=p.pk)
        browser.get(f"/p/{p.pk}/?share={link.code}")

    def binding_queries(n):
        buyer = type(shopper).objects.get(pk=shopper.pk)  # a fresh instance, as in a new request
        with CaptureQueriesContext(connection) as ctx:
            orders, _payment = checkout_and_pay(user=buyer, address_id=address.pk, clear_cart=False,
                                                items=[CheckoutItem(p.skus.get().pk, 1) for p in products[:n]])
        assert all("share" in line.attribution for o in orders for line in o.lines.all())
        return sum('"sharing_attributionbinding"' in q["sql"] for q in ctx.captured_queries)

    assert binding_queries(1) == binding_queries(6) == 1
