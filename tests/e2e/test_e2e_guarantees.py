"""Guarantees and claims in real browsers, on phones: the tea merchant opts into 假一赔十 and pays the deposit at
the sandbox cashier, and the badges show on the product page; a shopper who received a tea files a counterfeit
claim with a photo from the order page; the merchant contests it in the console; the operator upholds it from
the Me page; the shopper sees it paid into the wallet, and the ledger agrees."""

from __future__ import annotations

import io
import re

import pytest

pytest.importorskip("playwright.sync_api")

from e2e_ui import create_product, login, snap, yuan  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

TITLE = "西湖龙井 明前绿茶 Longjing green tea"
PRICE = 6800


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (120, 90), (180, 150, 60)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def world(make_user, make_shop, make_shopper, category):
    shop = make_shop(owner=make_user(phone="13900000081", nickname="茶庄老板"))
    product = create_product(shop=shop, category=category, title=TITLE, price=PRICE, stock=20)
    return {"shop": shop, "product": product, "shopper": make_shopper(phone="13700008101", nickname="喝茶的人"),
            "operator": make_user(phone="13600008102", nickname="运营小李", is_staff=True)}


def _received_order(shopper, product):
    from quanzi.orders.services import order_mark_delivered
    from quanzi.orders.testing import place_order
    from quanzi.shipping.services import shipment_create

    orders, _payment = place_order(user=shopper, items=[(product.skus.get(), 1)], pay=True)
    order = orders[0]
    shipment_create(shop=order.shop, order_number=order.number, carrier="sf", tracking_number=f"SF{order.pk:08d}")
    order_mark_delivered(order_id=order.pk)
    return order


@pytest.mark.browser
def test_a_counterfeit_claim_filed_on_a_phone_is_contested_upheld_and_paid_from_the_deposit(open_page, world,
                                                                                          ledger_balanced):
    from quanzi.guarantees.selectors import deposit_balance
    from quanzi.guarantees.testing import claims

    shop, product, shopper = world["shop"], world["product"], world["shopper"]

    # -------------------------------------------------------------- the merchant opts in and pays ¥1,000
    m = open_page("merchant")
    login(m, shop.owner.phone, next_path="/merchant/guarantees/")
    m.get_by_test_id("gt-opt-in-counterfeit").click()
    expect(m.get_by_test_id("gt-live")).to_contain_text("deposit is short")
    expect(m.get_by_test_id("gt-deposit-input")).to_have_value("1000.00")
    m.get_by_test_id("gt-deposit-pay").click()
    expect(m).to_have_url(re.compile(r"/sandbox/pay/"))
    expect(m.get_by_test_id("sandbox-amount")).to_have_text(yuan(100_000))
    m.get_by_test_id("sandbox-pay").click()
    expect(m).to_have_url(re.compile(r"/merchant/guarantees/$"))
    expect(m.get_by_test_id("gt-deposit-amount")).to_have_text(yuan(100_000))
    expect(m.get_by_test_id("gt-live")).to_have_text("Shown to shoppers")
    snap(m, "20-g1-merchant-deposit")

    # -------------------------------------------------------------- the shopper sees the badge, files a claim
    order = _received_order(shopper, product)
    b = open_page("shopper")
    login(b, shopper.phone, next_path=f"/p/{product.pk}/")
    expect(b.get_by_test_id("gt-product-badges")).to_contain_text("Genuine or 10× back")
    snap(b, "20-g2-product-badges")
    b.goto(f"/orders/{order.number}/")
    b.get_by_test_id("gt-file-claim").click()
    b.get_by_test_id("claim-kind-counterfeit").check(force=True)
    b.get_by_test_id("claim-description").fill("茶叶发黄、碎末多，防伪码扫不出来。")
    b.get_by_test_id("claim-photos").set_input_files([{"name": "tea.png", "mimeType": "image/png",
                                                      "buffer": _png()}])
    snap(b, "20-g3-file-claim")
    b.get_by_test_id("claim-submit").click()
    expect(b.get_by_test_id("claim-status")).to_have_text("Waiting for the merchant")
    expect(b.get_by_test_id("claim-photo")).to_have_count(1)
    [claim] = claims(shop_id=shop.pk)
    snap(b, "20-g4-claim-filed")

    # -------------------------------------------------------------- the merchant contests it
    m.goto("/merchant/guarantees/")
    m.get_by_test_id("gt-merchant-claim-row").first.click()
    m.get_by_test_id("gt-answer-note").fill("本店茶叶均为产地直采，附进货单据。")
    m.get_by_test_id("gt-answer-contest").click()
    expect(m.get_by_test_id("claim-status")).to_have_text("Merchant contested")

    # -------------------------------------------------------------- the operator upholds it from the Me page
    o = open_page("operator")
    login(o, world["operator"].phone, next_path="/me/")
    o.get_by_test_id("me-ops-claims").click()
    o.locator(f'[data-testid="ops-claim-row"][data-number="{claim.number}"]').click()
    expect(o.get_by_test_id("ops-amount")).to_have_value("680.00")
    snap(o, "20-g5-operator-decides")
    o.get_by_test_id("ops-note").fill("防伪码无法验证，支持买家。")
    o.get_by_test_id("ops-uphold").click()
    expect(o).to_have_url(re.compile(r"/ops/claims/$"))

    # -------------------------------------------------------------- the shopper sees it paid
    b.reload()
    expect(b.get_by_test_id("claim-status")).to_have_text("Paid")
    expect(b.get_by_test_id("claim-paid")).to_have_text(yuan(68_000))
    expect(b.get_by_test_id("claim-timeline")).to_contain_text("Paid ¥680.00 to your wallet")
    snap(b, "20-g6-claim-paid")
    assert deposit_balance(shop_id=shop.pk) == 100_000 - 68_000
    ledger_balanced()
