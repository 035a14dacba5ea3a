"""Coupons in a real browser, on a phone: a new shopper claims the tea shop's 满99减15 in the coupon centre,
checks out two teas — the best coupon is applied, the platform's 满199减20 is listed with the reason it cannot
be used — pays at the sandbox, sees on the order which line took how much of the discount, refunds one line
and gets back exactly what that line cost after its share; the merchant sees the coupon's use in the console."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("playwright.sync_api")

from e2e_ui import create_product, flash, login, snap, yuan  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

LONGJING, DAHONGPAO = 6800, 4800  # ¥116 together: over ¥99, under ¥199


@pytest.fixture
def world(make_user, make_shop, make_shopper, category):
    from quanzi.coupons.testing import make_template
    from quanzi.orders.services import cart_add

    shop = make_shop(owner=make_user(phone="13900000161", nickname="茶舍老陈"))
    longjing = create_product(shop=shop, category=category, title="西湖龙井 明前 Longjing", price=LONGJING, stock=20)
    dahongpao = create_product(shop=shop, category=category, title="武夷大红袍 Da Hong Pao", price=DAHONGPAO, stock=20)
    shop_coupon = make_template(shop=shop, name="店铺满99减15", amount_off=1500, min_spend=9900)
    platform = make_template(name="平台满199减20", amount_off=2000, min_spend=19900)
    shopper = make_shopper(phone="13700016101", nickname="新来的")
    for product in (longjing, dahongpao):
        cart_add(user=shopper, sku_id=product.skus.get().pk, quantity=1)
    return {"shop": shop, "shopper": shopper, "shop_coupon": shop_coupon, "platform": platform,
            "longjing": longjing, "dahongpao": dahongpao}


@pytest.mark.browser
def test_claim_checkout_with_the_best_coupon_see_the_allocation_and_refund_one_line(open_page, world, ledger_balanced):
    from quanzi.orders.aftersales import aftersale_approve
    from quanzi.orders.testing import aftersales, orders

    shopper, shop_coupon = world["shopper"], world["shop_coupon"]
    page = open_page("shopper")
    login(page, shopper.phone, next_path="/coupons/")

    # -------------------------------------------------------------- claim in the coupon centre
    ticket = page.locator(f'[data-testid="cp-ticket"][data-template="{shop_coupon.pk}"]')
    expect(ticket).to_contain_text("店铺满99减15")
    ticket.get_by_test_id("cp-claim").click()
    expect(flash(page)).to_contain_text("Claimed: 店铺满99减15")
    expect(ticket.get_by_test_id("cp-claimed")).to_be_visible()
    page.locator(f'[data-testid="cp-ticket"][data-template="{world["platform"].pk}"]').get_by_test_id("cp-claim").click()
    expect(flash(page)).to_contain_text("Claimed: 平台满199减20")
    snap(page, "16-c1-coupon-centre")

    # -------------------------------------------------------------- checkout: the best coupon, the others' reasons
    page.goto("/cart/")
    page.get_by_test_id("cart-checkout").click()
    coupons = page.get_by_test_id("checkout-coupons")
    expect(coupons.get_by_test_id("coupons-saving")).to_have_text("−" + yuan(1500))
    expect(page.get_by_test_id("checkout-adjustment")).to_have_text("−" + yuan(1500))
    total = LONGJING + DAHONGPAO - 1500  # ¥101: still free shipping (≥ ¥99 after the discount)
    expect(page.get_by_test_id("checkout-total")).to_have_text(yuan(total))
    coupons.locator("summary").click()
    options = coupons.get_by_test_id("coupon-option")
    expect(options).to_have_count(2)
    expect(options.filter(has_text="平台满199减20").get_by_test_id("coupon-reason")).to_have_text(
        f"Spend {yuan(19900 - LONGJING - DAHONGPAO)} more on the goods it covers.")
    snap(page, "16-c2-checkout-coupons")

    # the shopper tries without the coupon, then takes it back
    coupons.get_by_test_id("coupons-none").click()
    expect(page.get_by_test_id("checkout-total")).to_have_text(yuan(LONGJING + DAHONGPAO))
    page.get_by_test_id("checkout-coupons").locator("summary").click()
    page.get_by_test_id("coupon-option").filter(has_text="店铺满99减15").locator("input").check()
    page.get_by_test_id("coupons-apply").click()
    expect(page.get_by_test_id("checkout-total")).to_have_text(yuan(total))
    page.get_by_test_id("place-order").click()
    expect(page).to_have_url(re.compile(r"/sandbox/pay/"))
    expect(page.get_by_test_id("sandbox-amount")).to_have_text(yuan(total))
    page.get_by_test_id("sandbox-pay").click()
    expect(page).to_have_url(re.compile(r"/orders/\d+/$"))  # one order: back on it

    # -------------------------------------------------------------- the allocation on the order
    [order] = orders(user=shopper)
    lines = {ln.title: ln for ln in order.lines.all()}
    longjing_share, dahongpao_share = (lines[t].discounts[0]["amount"] for t in
                                       ("西湖龙井 明前 Longjing", "武夷大红袍 Da Hong Pao"))
    assert longjing_share + dahongpao_share == 1500
    dahongpao_line = page.get_by_test_id("order-line").filter(has_text="武夷大红袍")
    expect(dahongpao_line.get_by_test_id("line-discounts")).to_have_text(f"店铺满99减15 −{yuan(dahongpao_share)}")
    expect(page.get_by_test_id("order-adjustment")).to_have_text("−" + yuan(1500))
    snap(page, "16-c3-order-allocation")

    # -------------------------------------------------------------- refund one line: its share of the coupon stays
    dahongpao_line.get_by_role("link", name="Refund").click()
    page.get_by_test_id("aftersale-reason").select_option(label="Changed my mind")
    page.get_by_test_id("aftersale-submit").click()
    expect(flash(page)).to_contain_text("Request sent.")
    [request] = aftersales(user=shopper)
    paid_for_line = DAHONGPAO - dahongpao_share
    assert request.amount == paid_for_line
    aftersale_approve(shop=world["shop"], after_sale_id=request.pk)
    page.goto(f"/orders/{order.number}/")
    expect(page.get_by_test_id("line-refunded")).to_contain_text(yuan(paid_for_line))
    expect(page.get_by_test_id("order-refunded")).to_have_text(yuan(paid_for_line))
    snap(page, "16-c4-line-refunded")

    # -------------------------------------------------------------- the merchant watches the coupon
    merchant = open_page("merchant")
    login(merchant, world["shop"].owner.phone, next_path="/merchant/coupons/")
    expect(merchant.get_by_text("店铺满99减15")).to_be_visible()
    expect(merchant.locator("body")).to_contain_text(yuan(1500))  # its cost: the discount on the paid order
    snap(merchant, "16-c5-merchant-coupons")
    ledger_balanced()
