"""The issue's "done means" journey in a real browser: register, search, pick a SKU, a cart with goods
from two shops, one checkout and one payment for two orders, the merchant ships with the sandbox
carrier, the parcel arrives, one line goes back for a refund — and the ledger stays balanced."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("playwright.sync_api")

from e2e_ui import any_language, create_product, exact, flash, login, snap, yuan  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

SHOPPER_PHONE = "13812345678"
SHOPPER_PASSWORD = "Qz-browser-2026"
DRESS_BLUE_M = 6900
MUG = 2500
TEA = 12800
SHIPPING = 800  # shop A's goods come to less than the free-shipping threshold (¥99)


@pytest.fixture
def catalogue(make_user, make_shop, category):
    """Shop A sells a dress in colour × size and a mug, shop B sells tea; all on the shelf."""
    merchant_a = make_user(phone="13900000001", nickname="花花")
    shop_a = make_shop(owner=merchant_a)
    shop_a.name = "花花服饰"
    shop_a.save(update_fields=["name"])
    shop_b = make_shop()
    shop_b.name = "西湖茶庄"
    shop_b.save(update_fields=["name"])
    colours = {"name": "颜色", "values": ["红色", "蓝色"]}
    sizes = {"name": "尺码", "values": ["S", "M"]}
    dress = create_product(
        shop=shop_a, category=category, title="纯棉连衣裙 Cotton dress", price=5900, stock=5,
        options=[colours, sizes],
        skus=[{"options": {"颜色": c, "尺码": s}, "price": 5900 if c == "红色" else DRESS_BLUE_M, "stock": 5}
              for c in colours["values"] for s in sizes["values"]])
    mug = create_product(shop=shop_a, category=category, title="陶瓷马克杯 Mug", price=MUG, stock=10)
    tea = create_product(shop=shop_b, category=category, title="西湖龙井绿茶 Longjing tea", price=TEA, stock=10)
    return {"merchant_a": merchant_a, "shop_a": shop_a, "shop_b": shop_b, "dress": dress, "mug": mug, "tea": tea}


def add_to_cart(page, cart_count: int) -> None:
    page.get_by_test_id("add-to-cart").click()
    expect(page.get_by_test_id("add-ok")).to_contain_text("Added to cart")
    expect(page.locator(".actionbar [data-cart-count]")).to_have_text(str(cart_count))


@pytest.mark.browser
def test_buy_journey(open_page, catalogue, ledger_balanced):
    from quanzi.orders.testing import orders_of_payment
    from quanzi.payments.testing import refund_get
    from quanzi.shipping.services import SANDBOX_ROUTE

    shop_a, shop_b = catalogue["shop_a"], catalogue["shop_b"]
    page = open_page("shopper")

    # -------------------------------------------------------------- a new visitor registers
    page.goto("/")
    page.get_by_test_id("tab-me").click()
    expect(page).to_have_url(re.compile(r"/login/\?next=/me/"))
    page.get_by_test_id("register-link").click()
    page.get_by_test_id("register-identifier").fill(SHOPPER_PHONE)
    page.get_by_test_id("register-nickname").fill("小红")
    page.get_by_test_id("register-password").fill(SHOPPER_PASSWORD)
    page.get_by_test_id("register-submit").click()
    expect(flash(page)).to_contain_text("Welcome to Quanzi, 小红!")
    expect(page.locator(".profile-name")).to_have_text("小红")
    expect(page.get_by_test_id("my-phone")).to_contain_text(SHOPPER_PHONE)

    # -------------------------------------------------------------- search in Chinese, pick a SKU
    page.get_by_test_id("search-input").fill("连衣裙")
    page.get_by_test_id("search-input").press("Enter")
    expect(page.get_by_role("heading", name="Results for “连衣裙”")).to_be_visible()
    cards = page.get_by_test_id("product-card")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("纯棉连衣裙 Cotton dress")
    expect(cards.first).to_contain_text("花花服饰")
    cards.first.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("纯棉连衣裙 Cotton dress")
    expect(page.get_by_test_id("price-range")).to_contain_text(f"{yuan(5900)} – {yuan(DRESS_BLUE_M)}")
    page.locator("label.chip-radio", has_text="蓝色").click()
    page.locator("label.chip-radio", has_text=exact("M")).click()
    expect(page.locator("[data-sku-label]")).to_have_text("蓝色 / M")
    expect(page.locator("[data-price]")).to_have_text(yuan(DRESS_BLUE_M))
    expect(page.get_by_test_id("stock")).to_have_text("5 in stock")
    add_to_cart(page, 1)
    snap(page, "1-01-product")

    # a second item from the same shop, found through the shop page
    page.get_by_test_id("shop-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("花花服饰")
    page.get_by_test_id("product-card").filter(has_text="陶瓷马克杯").click()
    expect(page.locator("[data-price]")).to_have_text(yuan(MUG))
    add_to_cart(page, 2)

    # a product from a second merchant
    page.get_by_test_id("search-input").fill("龙井")
    page.get_by_test_id("search-input").press("Enter")
    expect(page.get_by_test_id("product-card")).to_have_count(1)
    page.get_by_test_id("product-card").first.click()
    expect(page.get_by_test_id("shop-link")).to_contain_text("西湖茶庄")
    add_to_cart(page, 3)

    # -------------------------------------------------------------- the cart: two shop groups
    page.locator(".actionbar").get_by_role("link", name="Cart").click()
    groups = page.get_by_test_id("cart-shop")
    expect(groups).to_have_count(2)
    group_a, group_b = groups.filter(has_text="花花服饰"), groups.filter(has_text="西湖茶庄")
    expect(group_a.get_by_test_id("cart-line")).to_have_count(2)
    expect(group_a.get_by_test_id("cart-line").filter(has_text="纯棉连衣裙")).to_contain_text("蓝色 / M")
    expect(group_b.get_by_test_id("cart-line")).to_have_count(1)
    expect(page.get_by_test_id("cart-total")).to_have_text(yuan(DRESS_BLUE_M + MUG + TEA))
    expect(page.get_by_test_id("cart-checkout")).to_have_text("Checkout (3)")
    snap(page, "1-02-cart")

    # -------------------------------------------------------------- one checkout, with a new address
    page.get_by_test_id("cart-checkout").click()
    expect(page.get_by_test_id("place-order")).to_be_disabled()
    form = page.get_by_test_id("checkout-address-form")
    form.get_by_label("Recipient").fill("李小红")
    form.get_by_label("Mobile number").fill("13812345678")
    form.get_by_label("Province").fill("浙江省")
    form.get_by_label("City").fill("杭州市")
    form.get_by_label("District").fill("西湖区")
    form.get_by_label("Street address").fill("文三路 100 号")
    form.get_by_role("button", name="Save address").click()
    expect(page.get_by_test_id("address-option")).to_be_checked()
    expect(page.locator(".addr-option")).to_contain_text("李小红")
    expect(page.get_by_test_id("multi-shop-note")).to_contain_text("2 shops")
    expect(page.get_by_test_id("multi-shop-note")).to_contain_text("one payment")
    co_groups = page.get_by_test_id("checkout-group")
    expect(co_groups).to_have_count(2)
    expect(co_groups.filter(has_text="花花服饰")).to_contain_text(yuan(SHIPPING))
    expect(co_groups.filter(has_text="西湖茶庄")).to_contain_text("Free")
    total = DRESS_BLUE_M + MUG + SHIPPING + TEA
    expect(page.get_by_test_id("checkout-total")).to_have_text(yuan(total))
    snap(page, "1-03-checkout")
    page.get_by_test_id("place-order").click()

    # -------------------------------------------------------------- the sandbox cashier: one payment
    expect(page).to_have_url(re.compile(r"/sandbox/pay/"))
    expect(page.get_by_test_id("sandbox-amount")).to_have_text(yuan(total))
    payment_number = page.url.rstrip("/").rsplit("/", 1)[-1]
    orders = orders_of_payment(payment_number=payment_number)
    assert len(orders) == 2, "one payment pays both orders"
    order_a = next(o for o in orders if o.shop_id == shop_a.pk)
    order_b = next(o for o in orders if o.shop_id == shop_b.pk)
    assert (order_a.total, order_b.total) == (DRESS_BLUE_M + MUG + SHIPPING, TEA)
    snap(page, "1-04-cashier")
    page.get_by_test_id("sandbox-pay").click()

    # back in the shop: both orders paid, waiting to be shipped
    expect(page).to_have_url(re.compile(r"/orders/$"))
    expect(page.get_by_test_id("payment-received")).to_be_visible()
    expect(page.get_by_test_id("order-card")).to_have_count(2)
    expect(page.get_by_test_id("order-status")).to_have_text(["Payment received", "Payment received"])
    snap(page, "1-05-orders-paid")
    page.get_by_test_id("tab-to_ship").click()
    expect(page.get_by_test_id("tab-to_ship")).to_have_class(re.compile("active"))
    paid_cards = page.get_by_test_id("order-card")
    expect(paid_cards).to_have_count(2)
    expect(paid_cards.filter(has_text="花花服饰")).to_contain_text(yuan(order_a.total))
    expect(paid_cards.filter(has_text="西湖茶庄")).to_contain_text(yuan(order_b.total))
    expect(page.get_by_test_id("pay-button")).to_have_count(0)
    for order in (order_a, order_b):
        page.goto(f"/orders/{order.number}/")
        expect(page.get_by_test_id("order-number")).to_have_text(order.number)
        expect(page.locator(".kv-info")).to_contain_text(payment_number)
        expect(page.get_by_test_id("order-status")).to_contain_text("Payment received")
    order_a.refresh_from_db()
    assert order_a.status == "paid"

    # -------------------------------------------------------------- merchant A ships from the console
    merchant = open_page("merchant", width=1280, height=900)
    login(merchant, catalogue["merchant_a"].phone, next_path="/merchant/")
    expect(merchant.get_by_test_id("shop-status")).to_have_text("Approved")
    expect(merchant.get_by_test_id("count-to_ship")).to_contain_text("1")
    merchant.get_by_test_id("console-nav-orders").click()
    rows = merchant.get_by_test_id("order-row")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(order_a.number)
    expect(rows.first.get_by_test_id("order-status")).to_have_text("Paid, to be shipped")
    rows.first.click()
    expect(merchant.get_by_test_id("order-number")).to_have_text(order_a.number)
    expect(merchant.get_by_test_id("recipient-phone")).to_have_text("138****5678")
    expect(merchant.get_by_test_id("carrier-select")).to_have_value("sandbox")
    snap(merchant, "1-06-console-order")
    merchant.get_by_test_id("ship-button").click()
    expect(flash(merchant)).to_contain_text("Shipped with Quanzi Sandbox Express")
    expect(merchant.get_by_test_id("order-status")).to_have_text("Shipped")
    tracking_number = merchant.get_by_test_id("tracking").inner_text().strip()
    assert re.fullmatch(r"QZ\d{12}", tracking_number), tracking_number

    # -------------------------------------------------------------- the shopper follows the parcel
    page.goto("/orders/")
    page.get_by_test_id("order-card").filter(has_text="花花服饰").get_by_test_id("view-order").click()
    expect(page.get_by_test_id("order-status")).to_have_text("Shipped")
    expect(page.get_by_test_id("tracking-number")).to_have_text(tracking_number)
    expect(page.get_by_test_id("tracking")).to_contain_text("Quanzi Sandbox Express")
    tracking_steps = page.get_by_test_id("tracking").locator(".timeline li")
    seen = []
    for step in ("Picked up", "In transit", "Out for delivery", "Delivered"):
        page.get_by_test_id("advance-parcel").click()
        expect(flash(page)).to_have_text(any_language("The sandbox carrier reported the parcel's next step."))
        seen.append(step)
        expect(tracking_steps).to_have_count(len(seen))
        expect(tracking_steps.first).to_contain_text(step)  # newest first
    expect(tracking_steps.locator("b")).to_have_text(list(reversed(seen)))
    expect(page.get_by_test_id("order-status")).to_have_text("Delivered")
    expect(page.get_by_test_id("advance-parcel")).to_have_count(0)
    expect(page.get_by_test_id("order-status-hero")).to_contain_text("returns are open until")
    expect(page.get_by_test_id("confirm-receipt")).to_be_visible()
    snap(page, "1-07-delivered")

    # -------------------------------------------------------------- return one line
    mug_line = page.get_by_test_id("order-line").filter(has_text="陶瓷马克杯")
    expect(mug_line.get_by_role("link", name="Return / refund")).to_be_visible()
    mug_line.get_by_role("link", name="Return / refund").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Refund or return")
    request_form = page.get_by_test_id("aftersale-form")
    expect(request_form.get_by_label("Return and refund")).to_be_checked()
    request_form.get_by_test_id("aftersale-reason").select_option(label="No reason (7-day return)")
    request_form.get_by_label("Description").fill("颜色和图片不一样")
    snap(page, "1-08-aftersale-new")
    page.get_by_test_id("aftersale-submit").click()
    expect(flash(page)).to_contain_text("Request sent.")
    expect(page.get_by_test_id("aftersale-status")).to_have_text("Waiting for the merchant")
    expect(page.locator(".kv-info")).to_contain_text(yuan(MUG))
    expect(page.locator(".kv-info")).to_contain_text("Return and refund")
    aftersale_url = page.url

    # merchant A approves
    merchant.get_by_test_id("console-nav-aftersales").click()
    expect(merchant.get_by_test_id("aftersale-row")).to_have_count(1)
    expect(merchant.get_by_test_id("aftersale-row")).to_contain_text("Your turn")
    expect(merchant.get_by_test_id("aftersale-row")).to_contain_text(yuan(MUG))
    merchant.get_by_test_id("aftersale-row").click()
    expect(merchant.get_by_test_id("aftersale-status")).to_have_text("Waiting for the merchant")
    expect(merchant.get_by_test_id("approve-aftersale")).to_have_text("Approve the return")
    snap(merchant, "1-09-console-aftersale")
    merchant.get_by_test_id("approve-aftersale").click()
    expect(flash(merchant)).to_contain_text("Approved.")
    expect(merchant.get_by_test_id("aftersale-status")).to_have_text("Approved, send the goods back")

    # the shopper sends it back
    page.goto(aftersale_url)
    expect(page.get_by_test_id("aftersale-status")).to_have_text("Approved, send the goods back")
    page.get_by_label("Carrier").select_option(label="SF Express")
    page.get_by_label("Tracking number").fill("SF1234567890")
    snap(page, "1-10-send-back")
    page.get_by_test_id("ship-return").click()
    expect(flash(page)).to_contain_text("The shop refunds you once the parcel arrives.")
    expect(page.get_by_test_id("aftersale-status")).to_have_text("Goods on the way back")
    expect(page.locator(".kv-info")).to_contain_text("SF1234567890")

    # merchant A confirms receipt of the return: the refund goes out
    merchant.reload()
    expect(merchant.get_by_test_id("aftersale-status")).to_have_text("Goods on the way back")
    expect(merchant.get_by_test_id("confirm-return")).to_have_text(f"Goods received: refund {yuan(MUG)}")
    merchant.get_by_test_id("confirm-return").click()
    expect(flash(merchant)).to_contain_text("Return received: the shopper is being refunded.")
    expect(merchant.get_by_test_id("aftersale-status")).to_have_text("Refunded")

    # -------------------------------------------------------------- the shopper sees the refund
    page.reload()
    expect(page.get_by_test_id("aftersale-status")).to_have_text("Refunded")
    expect(page.locator(".status-hero")).to_contain_text(f"{yuan(MUG)} is on its way back to you.")
    page.goto(f"/orders/{order_a.number}/")
    expect(mug_line.get_by_test_id("line-refunded")).to_have_text(f"Refunded {yuan(MUG)} (1 pcs)")
    dress_line = page.get_by_test_id("order-line").filter(has_text="纯棉连衣裙")
    expect(dress_line.get_by_test_id("line-refunded")).to_have_count(0)
    expect(page.get_by_test_id("order-refunded")).to_have_text(yuan(MUG))
    expect(page.get_by_test_id("order-status")).to_have_text("Delivered")  # the dress stays with the shopper
    snap(page, "1-11-refunded-order")
    # Every state change, newest first. Entries written while handling the provider's or the carrier's
    # callbacks come out in the default language (zh-Hans) whatever the shopper reads: see the report.
    timeline = page.get_by_test_id("order-timeline").locator("li b")
    expect(timeline).to_have_text([
        "Return received, refund issued",
        "Goods sent back (SF1234567890)",
        "Return approved: send the goods back",
        f"Refund requested: {yuan(MUG)}",
        any_language("Delivered"),
        *[re.compile(re.escape(description)) for _status, description, _where in reversed(SANDBOX_ROUTE)],
        re.compile(rf"^Shipped by Quanzi Sandbox Express, tracking {tracking_number}"),
        any_language("Payment received"),
        "Order placed",
    ])

    # -------------------------------------------------------------- the books
    refund = refund_get()
    assert (refund.amount, refund.status) == (MUG, "succeeded")
    order_a.refresh_from_db()
    assert (order_a.status, order_a.refunded_total) == ("delivered", MUG)
    ledger_balanced()
