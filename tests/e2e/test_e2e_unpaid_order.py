"""Errors the shopper can run into are shown in place (never a 500), and an unpaid order can be
cancelled: the stock comes back and the payment can no longer be made."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("playwright.sync_api")

from e2e_ui import create_product, flash, login, snap, yuan  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

PRICE = 1990
SHIPPING = 800


@pytest.mark.browser
def test_unpaid_order_cancel_and_errors(open_page, make_shopper, shop, category):
    from quanzi.catalog.testing import sku_get
    from quanzi.orders.testing import order_get
    from quanzi.payments.testing import payment_get, sandbox_trade

    shopper = make_shopper(phone="13512345678", nickname="阿明")
    glass = create_product(shop=shop, category=category, title="玻璃水杯 Glass", price=PRICE, stock=3)
    sku = glass.skus.get()
    page = open_page("shopper")
    login(page, shopper.phone, next_path=f"/p/{glass.pk}/")

    # -------------------------------------------------------------- more than the stock: said in place
    expect(page.get_by_test_id("stock")).to_have_text("3 in stock")
    page.get_by_test_id("qty-input").fill("5")
    page.get_by_test_id("add-to-cart").click()
    expect(page.get_by_test_id("add-error")).to_have_text("Only 3 left in stock.")
    expect(page.get_by_test_id("add-ok")).to_have_count(0)
    snap(page, "3-01-add-error")
    expect(page.get_by_test_id("buy-now")).to_be_enabled()
    expect(page).to_have_url(re.compile(rf"/p/{glass.pk}/$"))
    page.get_by_test_id("qty-input").fill("2")
    page.get_by_test_id("add-to-cart").click()
    expect(page.get_by_test_id("add-ok")).to_contain_text("Added to cart")
    expect(page.locator(".actionbar [data-cart-count]")).to_have_text("1")

    # in the cart too
    page.goto("/cart/")
    line = page.get_by_test_id("cart-line")
    expect(line.get_by_test_id("line-qty")).to_have_value("2")
    line.get_by_test_id("line-qty").fill("9")
    line.get_by_test_id("line-qty").press("Tab")  # leaving the field sends the change
    expect(page.get_by_test_id("line-error")).to_have_text("Only 3 left in stock.")
    expect(page.get_by_test_id("cart-line").get_by_test_id("line-qty")).to_have_value("2")
    expect(page.get_by_test_id("cart-total")).to_have_text(yuan(2 * PRICE))
    snap(page, "3-02-cart-error")

    # -------------------------------------------------------------- order, then leave the cashier unpaid
    page.get_by_test_id("cart-checkout").click()
    expect(page.get_by_test_id("address-option")).to_be_checked()
    expect(page.get_by_test_id("multi-shop-note")).to_have_count(0)
    total = 2 * PRICE + SHIPPING
    expect(page.get_by_test_id("checkout-total")).to_have_text(yuan(total))
    page.get_by_test_id("place-order").click()
    expect(page.get_by_test_id("sandbox-amount")).to_have_text(yuan(total))
    cashier_url = page.url
    page.get_by_test_id("sandbox-leave").click()

    order = order_get(user=shopper)
    expect(page).to_have_url(re.compile(rf"/orders/{order.number}/$"))
    expect(page.get_by_test_id("order-status")).to_have_text("Awaiting payment")
    expect(page.get_by_test_id("order-status-hero")).to_contain_text("or the order is cancelled automatically")
    expect(page.get_by_test_id("pay-countdown")).to_have_text(re.compile(r"^00:1[45]:\d\d$"))
    expect(page.get_by_test_id("pay-button")).to_have_text(f"Pay {yuan(total)}")
    page.goto(f"/p/{glass.pk}/")
    expect(page.get_by_test_id("stock")).to_have_text("1 in stock")
    page.goto("/orders/?tab=unpaid")
    expect(page.get_by_test_id("order-card")).to_have_count(1)
    expect(page.get_by_test_id("order-status")).to_have_text("Awaiting payment")

    # -------------------------------------------------------------- cancel it
    page.get_by_test_id("view-order").click()
    page.get_by_test_id("cancel-order").click()  # a confirm() dialog, accepted
    expect(flash(page)).to_contain_text("Order cancelled. The items are back in stock.")
    expect(page.get_by_test_id("order-status")).to_have_text("Cancelled")
    expect(page.get_by_test_id("order-status-hero")).to_contain_text("Cancelled by the shopper")
    expect(page.get_by_test_id("pay-button")).to_have_count(0)
    expect(page.get_by_test_id("cancel-order")).to_have_count(0)
    expect(page.get_by_test_id("order-timeline").locator("li b").first).to_have_text("Cancelled by the shopper")
    snap(page, "3-03-cancelled")

    page.goto(f"/p/{glass.pk}/")
    expect(page.get_by_test_id("stock")).to_have_text("3 in stock")
    page.goto("/orders/?tab=unpaid")
    expect(page.get_by_test_id("empty-state")).to_be_visible()

    # the old cashier page no longer takes the money
    page.goto(cashier_url)
    expect(page.get_by_test_id("sandbox-pay")).to_have_count(0)
    expect(page.get_by_text("TRADE_CLOSED")).to_be_visible()

    assert sku_get(sku_id=sku.pk).stock == 3
    payment = payment_get(number=order.payment_number)
    assert payment.status == "closed"
    assert sandbox_trade(payment_number=payment.number).status == "TRADE_CLOSED"
