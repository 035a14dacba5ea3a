"""Shopper pages: what a shopper sees, for the right user, in a bounded number of queries."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from quanzi.catalog import testing as catalog_testing
from quanzi.orders import testing as orders_testing
from quanzi.orders.constants import OrderStatus
from quanzi.orders.selectors import cart_lines
from quanzi.orders.services import cart_add

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}
COLOUR_SIZE = [{"name": "颜色", "values": ["红", "蓝"]}, {"name": "尺码", "values": ["M", "L"]}]


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def browser(shopper):
    client = Client()
    client.force_login(shopper)
    return client


@pytest.fixture
def stranger(make_shopper):
    client = Client()
    client.force_login(make_shopper())
    return client


def _ship(order, shop):
    from quanzi.shipping.services import shipment_create

    return shipment_create(shop=shop, order_number=order.number, carrier="sandbox")


# ---------------------------------------------------------------- browsing


def test_home_shows_banners_categories_and_products_in_few_queries(
        browser, make_product, shop, category, django_assert_max_num_queries):
    catalog_testing.make_banner(title="双十一狂欢", subtitle="全场满99包邮", color="#ff2442", link="/search/?q=tee")
    for i in range(8):
        make_product(shop=shop, title=f"好物 {i} Goods")

    # 9 of its own, +1 the flash strip's session (none here), +1 the live-now strip, +1 the group-buy strip
    # (home.sections slot), +2 the notes (home.feed: the discovery pool when its cache is cold, and the notes)
    with django_assert_max_num_queries(14):
        response = browser.get("/")

    page = text(response)
    assert response.status_code == 200
    assert "双十一狂欢" in page and "全场满99包邮" in page
    assert category.name_en in page  # the English UI shows the English category name
    assert "New arrivals" in page and "Popular" in page
    assert page.count('data-testid="product-card"') == 16  # 8 new + 8 popular
    assert "¥59.00" in page


def test_home_for_anonymous_visitor_offers_login(client, product):
    page = text(client.get("/"))
    assert 'data-testid="login-link"' in page
    assert product.title in page


def test_category_page_sorts_by_price_and_404s_for_unknown_slug(client, make_product, shop, category):
    make_product(shop=shop, title="便宜 Cheap", price=1000)
    make_product(shop=shop, title="贵 Dear", price=9000)

    page = text(client.get(f"/c/{category.slug}/?sort=price_desc"))

    assert page.index("贵 Dear") < page.index("便宜 Cheap")
    assert client.get("/c/no-such-thing/").status_code == 404


def test_shop_page_lists_its_goods_and_hides_unapproved_shops(client, product, shop, make_shop):
    page = text(client.get(f"/shop/{shop.pk}/"))
    assert shop.name in page and product.title in page
    assert client.get(f"/shop/{make_shop(approved=False).pk}/").status_code == 404


def test_search_finds_goods_and_shows_an_empty_state(client, make_product, shop):
    make_product(shop=shop, title="真丝连衣裙 Silk dress")

    assert "真丝连衣裙 Silk dress" in text(client.get("/search/?q=连衣裙"))
    empty = text(client.get("/search/?q=zzzqqq"))
    assert 'data-testid="empty-state"' in empty and "No goods match your search" in empty


def test_product_page_shows_price_range_options_stock_and_shop(
        client, make_product, shop, django_assert_max_num_queries):
    from quanzi.catalog.services import sku_update

    product = make_product(shop=shop, title="卫衣 Hoodie", options=COLOUR_SIZE)
    skus = list(product.skus.order_by("id"))
    sku_update(product=product, sku_id=skus[-1].pk, price=7900)

    # 8 for the page + 1 each for "is a group buy / flash sale / bargain running on this product?" (their blocks)
    # + 1 "does a distribution plan pay for sharing it?" (the share button's "earn ¥x")
    # + 1 "which guarantees does the shop keep, with a deposit covering them?" (the badges)
    # + 1 "which coupons cover this product?" (领券)
    with django_assert_max_num_queries(14):
        response = client.get(f"/p/{product.pk}/")

    page = text(response)
    assert "卫衣 Hoodie" in page
    assert "¥59.00 – ¥79.00" in page
    assert "10 in stock" in page
    assert "7-day no-reason return" in page
    assert f'href="/shop/{shop.pk}/"' in page and shop.name in page
    for value in ("红", "蓝", "M", "L"):
        assert f'value="{value}"' in page
    data = json.loads(page.split('id="sku-data" type="application/json">')[1].split("</script>")[0])
    assert len(data["skus"]) == 4 and {s["price"] for s in data["skus"]} == {5900, 7900}


def test_product_page_404_when_not_on_shelf(client, make_product, shop):
    hidden = make_product(shop=shop, on_shelf=False)
    response = client.get(f"/p/{hidden.pk}/")
    assert response.status_code == 404
    assert "We could not find that page" in text(response)


# ---------------------------------------------------------------- cart


def test_add_to_cart_with_htmx_updates_the_badge(browser, shopper, sku):
    response = browser.post("/cart/add/", {"sku": sku.pk, "qty": 2}, **HX)

    assert "Added to cart" in text(response)
    events = json.loads(response["HX-Trigger"])
    assert events["qz:cart"] == {"count": 1}
    assert [line.quantity for line in cart_lines(user=shopper)] == [2]


def test_add_to_cart_beyond_stock_explains_why(browser, shopper, sku):
    response = browser.post("/cart/add/", {"sku": sku.pk, "qty": 11}, **HX)
    assert "Only 10 left in stock." in text(response)
    assert cart_lines(user=shopper) == []


def test_anonymous_add_to_cart_goes_to_login(client, sku):
    response = client.post("/cart/add/", {"sku": sku.pk, "qty": 1, "next": f"/p/{sku.product_id}/"}, **HX)
    assert response["HX-Redirect"] == f"/login/?next=/p/{sku.product_id}/"
    plain = client.post("/cart/add/", {"sku": sku.pk, "qty": 1, "next": f"/p/{sku.product_id}/"})
    assert plain.status_code == 302 and plain["Location"].startswith("/login/")


def test_buy_now_goes_to_checkout_with_the_sku(browser, sku):
    response = browser.post("/cart/add/", {"sku": sku.pk, "qty": 3, "action": "buy"})
    assert response["Location"] == f"/checkout/?sku={sku.pk}&qty=3"


def test_cart_groups_lines_by_shop_and_greys_out_unsold_goods(
        browser, shopper, make_shop, make_product, django_assert_max_num_queries):
    from quanzi.catalog.services import product_set_status

    shops = [make_shop(), make_shop()]
    products = [make_product(shop=s, title=f"Item of {s.name}") for s in shops for _ in range(2)]
    for p in products:
        cart_add(user=shopper, sku_id=p.skus.get().pk, quantity=1)
    product_set_status(product=products[0], status="off_shelf")

    with django_assert_max_num_queries(7):
        response = browser.get("/cart/")

    page = text(response)
    assert page.count('data-testid="cart-shop"') == 2
    assert page.count('data-testid="cart-line"') == 4
    assert "No longer sold" in page and "is-greyed" in page
    assert '<b class="price price-lg" data-testid="cart-total">¥177.00</b>' in page  # 3 × 59, the off-shelf one not


def test_cart_quantity_change_shows_stock_errors_inline(browser, shopper, sku):
    line = cart_add(user=shopper, sku_id=sku.pk, quantity=1)

    ok = browser.post(f"/cart/lines/{line.pk}/", {"quantity": 3}, **HX)
    assert "¥177.00" in text(ok)
    too_many = browser.post(f"/cart/lines/{line.pk}/", {"quantity": 50}, **HX)
    assert 'data-testid="line-error"' in text(too_many) and "Only 10 left in stock." in text(too_many)
    line.refresh_from_db()
    assert line.quantity == 3


def test_cart_line_can_be_unselected_and_removed(browser, shopper, sku):
    line = cart_add(user=shopper, sku_id=sku.pk, quantity=1)

    unselected = browser.post(f"/cart/lines/{line.pk}/", {"selected": "0"}, **HX)
    assert "¥0.00" in text(unselected)
    removed = browser.post(f"/cart/lines/{line.pk}/remove/", **HX)
    assert "Your cart is empty." in text(removed)
    assert json.loads(removed["HX-Trigger"])["qz:cart"] == {"count": 0}


def test_another_users_cart_line_is_404(stranger, shopper, sku):
    line = cart_add(user=shopper, sku_id=sku.pk, quantity=1)
    assert stranger.post(f"/cart/lines/{line.pk}/", {"quantity": 2}, **HX).status_code == 404
    assert stranger.post(f"/cart/lines/{line.pk}/remove/", **HX).status_code == 404


# ---------------------------------------------------------------- checkout


def test_checkout_page_explains_two_shops_make_two_orders(browser, shopper, make_shop, make_product):
    for s in (make_shop(), make_shop()):
        cart_add(user=shopper, sku_id=make_product(shop=s).skus.get().pk, quantity=1)

    page = text(browser.get("/checkout/"))

    assert page.count('data-testid="checkout-group"') == 2
    assert "creates 2 orders" in page and "one payment" in page
    assert "¥8.00" in page  # shipping per shop under the free-shipping threshold
    assert "¥134.00" in page  # 2 × 59 + 2 × 8
    assert "人民路 1 号" in page


def test_checkout_post_places_one_order_per_shop_and_opens_the_cashier(
        browser, shopper, address, make_shop, make_product):
    shops = [make_shop(), make_shop()]
    for s in shops:
        cart_add(user=shopper, sku_id=make_product(shop=s).skus.get().pk, quantity=1)

    response = browser.post("/checkout/", {"address_id": address.pk, f"note_{shops[0].pk}": "请尽快发货"})

    orders = orders_testing.orders(user=shopper)
    assert len(orders) == 2
    assert len({o.payment_number for o in orders}) == 1
    assert response.status_code == 302 and response["Location"].startswith("/sandbox/pay/")
    assert cart_lines(user=shopper) == []
    assert [o.note for o in orders_testing.orders(shop=shops[0])] == ["请尽快发货"]
    cashier = text(browser.get(response["Location"]))
    assert "<small>¥</small>134.00" in cashier


def test_buy_now_checkout_keeps_the_cart(browser, shopper, address, sku, make_product, shop):
    other = make_product(shop=shop, title="Other").skus.get()
    cart_add(user=shopper, sku_id=other.pk, quantity=1)

    page = text(browser.get(f"/checkout/?sku={sku.pk}&qty=2"))
    assert "¥118.00" in page and "Other" not in page
    response = browser.post("/checkout/", {"sku": sku.pk, "qty": 2, "address_id": address.pk})

    assert response.status_code == 302
    assert orders_testing.order_get(user=shopper).lines.get().quantity == 2
    assert len(cart_lines(user=shopper)) == 1


def test_checkout_errors_rerender_with_the_message(browser, shopper, address, sku):
    response = browser.post("/checkout/", {"sku": sku.pk, "qty": 11, "address_id": address.pk})
    assert response.status_code == 200
    assert "Only 10 of" in text(response) and 'data-testid="form-error"' in text(response)
    assert orders_testing.orders() == []


def test_checkout_without_an_address_asks_for_one(make_user, sku):
    client = Client()
    client.force_login(make_user())
    page = text(client.get(f"/checkout/?sku={sku.pk}&qty=1"))
    assert 'data-testid="checkout-address-form"' in page
    response = client.post("/checkout/", {"sku": sku.pk, "qty": 1})
    assert "Add a delivery address first." in text(response)
    assert orders_testing.orders() == []


# ---------------------------------------------------------------- orders


def test_order_list_tabs_and_few_queries(browser, place_order, make_product, shop, django_assert_max_num_queries):
    skus = [make_product(shop=shop, title=f"Thing {i}").skus.get() for i in range(3)]
    for s in skus:
        place_order([(s, 1)], pay=True)
    place_order([(skus[0], 1), (skus[1], 1)])

    with django_assert_max_num_queries(8):
        response = browser.get("/orders/")

    page = text(response)
    assert page.count('data-testid="order-card"') == 4
    assert 'data-testid="pay-button"' in page and "Awaiting payment" in page
    unpaid = text(browser.get("/orders/?tab=unpaid"))
    assert unpaid.count('data-testid="order-card"') == 1
    assert "No orders here yet." in text(browser.get("/orders/?tab=completed"))


def test_order_list_pages_with_a_cursor(browser, place_order, make_product, shop):
    sku = make_product(shop=shop, stock=50).skus.get()
    for _ in range(12):
        place_order([(sku, 1)])
    first = text(browser.get("/orders/"))
    assert first.count('data-testid="order-card"') == 10 and 'data-testid="load-more"' in first
    cursor = first.split("cursor=")[1].split('"')[0]
    more = text(browser.get(f"/orders/?cursor={cursor}", **HX))
    assert more.count('data-testid="order-card"') == 2 and "<html" not in more


def test_other_users_do_not_see_my_orders(stranger, place_order, sku):
    orders, _ = place_order([(sku, 1)])
    assert stranger.get(f"/orders/{orders[0].number}/").status_code == 404
    assert 'data-testid="order-card"' not in text(stranger.get("/orders/"))
    assert stranger.post(f"/orders/{orders[0].number}/cancel/").status_code == 404


def test_unpaid_order_detail_shows_countdown_and_can_be_cancelled(browser, place_order, sku):
    orders, _ = place_order([(sku, 2)])
    url = f"/orders/{orders[0].number}/"

    page = text(browser.get(url))
    assert "Awaiting payment" in page and "data-deadline" in page
    assert 'data-testid="pay-button"' in page and 'data-testid="cancel-order"' in page
    assert "人民路 1 号" in page and orders[0].number in page

    response = browser.post(f"{url}cancel/", follow=True)
    page = text(response)
    assert "Order cancelled" in page and 'data-testid="order-status">Cancelled' in page
    sku.refresh_from_db()
    assert sku.stock == 10


def test_pay_button_reopens_the_sandbox_cashier(browser, place_order, sku):
    orders, payment = place_order([(sku, 1)])
    response = browser.post(f"/orders/{orders[0].number}/pay/")
    assert response["Location"] == f"/sandbox/pay/{payment.number}/"


def test_returning_from_the_cashier_shows_payment_received(browser, place_order, sku, pay):
    orders, payment = place_order([(sku, 1)])
    pay(payment.number)

    page = text(browser.get(f"/pay/return/{payment.number}/", follow=True))

    assert "Payment received" in page
    assert 'data-testid="refund-line-' in page  # paid, not shipped: refund-only is open


def test_shipped_order_shows_tracking_and_sandbox_carrier_advances_it(browser, place_order, sku, shop):
    orders, _ = place_order([(sku, 1)], pay=True)
    shipment = _ship(orders[0], shop)
    url = f"/orders/{orders[0].number}/"

    page = text(browser.get(url))
    assert shipment.tracking_number in page and 'data-testid="advance-parcel"' in page
    assert 'data-testid="confirm-receipt"' in page

    for _ in range(4):
        browser.post(f"{url}advance-parcel/")
    page = text(browser.get(url))
    assert "Delivered, signed for" in page and "已签收" not in page  # one language per page
    browser.cookies["django_language"] = "zh-hans"
    page = text(browser.get(url))
    assert "已签收" in page and "signed for" not in page  # the carrier's text translated when shown
    assert 'data-testid="advance-parcel"' not in page


def test_confirm_receipt_completes_the_order(browser, place_order, sku, shop):
    orders, _ = place_order([(sku, 1)], pay=True)
    _ship(orders[0], shop)

    page = text(browser.post(f"/orders/{orders[0].number}/confirm/", follow=True))

    assert "Receipt confirmed" in page and 'data-testid="order-status">Completed' in page


# ---------------------------------------------------------------- after-sales


def test_refund_request_before_shipping(browser, place_order, sku):
    orders, _ = place_order([(sku, 2)], pay=True)
    line = orders[0].lines.get()
    url = f"/orders/{orders[0].number}/after-sales/new/?line={line.pk}"

    form = text(browser.get(url))
    assert "Refund only" in form and "Return and refund" not in form and "Changed my mind" in form

    response = browser.post(url, {"line": line.pk, "kind": "refund_only", "quantity": 1, "reason": "changed_mind",
                                  "amount": "20.50", "description": "买多了"}, follow=True)

    after_sale = orders_testing.aftersale_get()
    assert (after_sale.amount, after_sale.quantity) == (2050, 1)
    page = text(response)
    assert "Waiting for the merchant" in page and "¥20.50" in page and "买多了" in page


def test_refund_request_errors_stay_on_the_form(browser, place_order, sku):
    orders, _ = place_order([(sku, 1)], pay=True)
    line = orders[0].lines.get()
    url = f"/orders/{orders[0].number}/after-sales/new/?line={line.pk}"

    bad_amount = text(browser.post(url, {"kind": "refund_only", "quantity": 1, "reason": "other", "amount": "abc"}))
    too_much = text(browser.post(url, {"kind": "refund_only", "quantity": 1, "reason": "other", "amount": "999"}))

    assert "Enter an amount in yuan" in bad_amount
    assert "The refund can be at most 59.00." in too_much
    assert orders_testing.aftersales() == []


def test_return_after_delivery_then_withdraw(browser, place_order, sku, shop):
    from quanzi.orders.services import order_mark_delivered

    orders, _ = place_order([(sku, 1)], pay=True)
    _ship(orders[0], shop)
    order_mark_delivered(order_id=orders[0].pk)
    line = orders[0].lines.get()

    detail = text(browser.get(f"/orders/{orders[0].number}/"))
    assert f'data-testid="refund-line-{line.pk}"' in detail and "Return / refund" in detail
    browser.post(f"/orders/{orders[0].number}/after-sales/new/?line={line.pk}",
                 {"kind": "return_refund", "quantity": 1, "reason": "no_reason"})
    after_sale = orders_testing.aftersale_get()
    page = text(browser.post(f"/after-sales/{after_sale.number}/", {"action": "withdraw"}, follow=True))

    assert "Withdrawn" in page
    assert OrderStatus.DELIVERED == orders_testing.order_get().status


def test_return_shipping_and_escalation(browser, place_order, sku, shop):
    from quanzi.orders.aftersales import aftersale_approve, aftersale_reject
    from quanzi.orders.services import order_mark_delivered

    orders, _ = place_order([(sku, 2)], pay=True)
    _ship(orders[0], shop)
    order_mark_delivered(order_id=orders[0].pk)
    line = orders[0].lines.get()
    browser.post(f"/orders/{orders[0].number}/after-sales/new/?line={line.pk}",
                 {"kind": "return_refund", "quantity": 1, "reason": "quality"})
    after_sale = orders_testing.aftersale_get()
    aftersale_approve(shop=shop, after_sale_id=after_sale.pk)
    url = f"/after-sales/{after_sale.number}/"

    assert 'data-testid="ship-return"' in text(browser.get(url))
    page = text(browser.post(url, {"action": "ship", "carrier": "sf", "tracking_number": "SF1234567"}, follow=True))
    assert "Goods on the way back" in page and "SF1234567" in page

    aftersale_reject(shop=shop, after_sale_id=after_sale.pk, note="包装已拆")
    page = text(browser.get(url))
    assert "包装已拆" in page and 'data-testid="escalate"' in page
    page = text(browser.post(url, {"action": "escalate", "note": "质量问题"}, follow=True))
    assert "With the platform" in page


def test_other_users_cannot_open_my_after_sales(stranger, browser, place_order, sku):
    orders, _ = place_order([(sku, 1)], pay=True)
    line = orders[0].lines.get()
    browser.post(f"/orders/{orders[0].number}/after-sales/new/?line={line.pk}",
                 {"kind": "refund_only", "quantity": 1, "reason": "other"})
    number = orders_testing.aftersale_get().number

    assert stranger.get(f"/after-sales/{number}/").status_code == 404
    assert stranger.post(f"/after-sales/{number}/", {"action": "withdraw"}).status_code == 404
    assert stranger.get(f"/orders/{orders[0].number}/after-sales/new/?line={line.pk}").status_code == 404


# ---------------------------------------------------------------- me, addresses, language


def test_me_page_shows_my_full_phone_and_order_counts(browser, shopper, place_order, sku):
    place_order([(sku, 1)])
    place_order([(sku, 1)], pay=True)

    page = text(browser.get("/me/"))

    assert shopper.phone in page
    assert '<span class="badge">1</span></span><span>To pay</span>' in page
    assert '<span class="badge">1</span></span><span>To ship</span>' in page
    assert 'data-testid="logout"' in page


def test_others_only_see_my_masked_phone(client, shopper):
    assert shopper.phone not in text(client.get("/"))


def test_addresses_add_edit_default_delete(browser, shopper, address):
    page = text(browser.post("/me/addresses/new/", {
        "recipient": "李四", "phone": "13900139000", "province": "浙江", "city": "杭州", "detail": "西湖路 2 号",
        "is_default": "1"}, follow=True))
    assert "李四" in page and "Address saved." in page
    new = shopper.addresses.get(recipient="李四")
    assert new.is_default

    browser.post(f"/me/addresses/{new.pk}/", {"recipient": "李四四", "phone": "13900139000", "province": "浙江",
                                               "city": "杭州", "detail": "西湖路 3 号"})
    browser.post(f"/me/addresses/{address.pk}/default/")
    page = text(browser.post(f"/me/addresses/{new.pk}/delete/", follow=True))

    assert "李四四" not in page and "Address deleted." in page
    assert list(shopper.addresses.values_list("recipient", "is_default")) == [("张三", True)]


def test_address_form_errors_are_shown(browser):
    page = text(browser.post("/me/addresses/new/", {"recipient": "", "phone": "123", "province": "x", "city": "y",
                                                    "detail": "z"}))
    assert "Some address fields are invalid." in page and "Enter an 11-digit mobile number." in page


def test_another_users_address_is_404(stranger, address):
    assert stranger.get(f"/me/addresses/{address.pk}/").status_code == 404
    assert stranger.post(f"/me/addresses/{address.pk}/delete/").status_code == 404
    assert stranger.post(f"/me/addresses/{address.pk}/default/").status_code == 404
    address.refresh_from_db()


def test_language_switch_to_english(client, product):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    page = text(response)
    assert '<html lang="en">' in page
    assert 'value="en" selected' in page
    assert "New arrivals" in page


def test_pages_need_login(client):
    for url in ("/cart/", "/checkout/", "/orders/", "/me/", "/me/addresses/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(f"/login/?next={url}")
    assert reverse("storefront:order_list") == "/orders/"


def test_a_second_request_for_the_same_line_opens_the_first(browser, place_order, sku):
    orders, _ = place_order([(sku, 1)], pay=True)
    line = orders[0].lines.get()
    url = f"/orders/{orders[0].number}/after-sales/new/?line={line.pk}"
    browser.post(url, {"kind": "refund_only", "quantity": 1, "reason": "other"})

    response = browser.get(url)

    assert response["Location"] == f"/after-sales/{orders_testing.aftersale_get().number}/"
    detail = text(browser.get(f"/orders/{orders[0].number}/"))
    assert f'data-testid="refund-line-{line.pk}"' not in detail and "Waiting for the merchant" in detail


def test_merchants_get_a_console_link_and_shoppers_an_open_a_shop_link(browser, shop):
    merchant = Client()
    merchant.force_login(shop.owner)

    assert 'data-testid="me-console"' in text(merchant.get("/me/")) and shop.name in text(merchant.get("/me/"))
    assert 'data-testid="me-open-shop"' in text(browser.get("/me/"))
    assert 'href="/merchant/apply/"' in text(browser.get("/"))
