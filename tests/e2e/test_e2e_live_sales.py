"""Issue 6 (live-room sales) in real browsers: a viewer watching a live room sees the live-only price,
buys from the shelf without leaving the room (the cashier opens in a new tab), pays, and sends a gift
from the tip balance; the host ends the live price from the console and its stock goes back."""

from __future__ import annotations

import datetime as dt
import re

import pytest

pytest.importorskip("playwright.sync_api")

from e2e_ui import create_product, login, snap, yuan  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.browser
TITLE = "直播专享 羊绒围巾 Cashmere scarf"
PRICE, LIVE_PRICE = 19900, 12900


@pytest.fixture
def world(make_user, make_shop, make_shopper, category, pay):
    from quanzi.live.testing import make_room
    from quanzi.livesales.services import declaration_submit, live_price_start, topup_start
    from quanzi.livesales.testing import gift_ensure

    shop = make_shop(owner=make_user(phone="13900000066", nickname="围巾铺"))
    product = create_product(shop=shop, category=category, title=TITLE, price=PRICE, stock=20)
    host = make_user(phone="13900000067", nickname="主播小美")
    room = make_room(host=host, shop=shop, title="冬季围巾专场", live=True, products=[product])
    lp = live_price_start(user=host, room_number=room.number, sku_id=product.skus.get().pk, price=LIVE_PRICE,
                          stock=5, per_user_limit=1, duration_seconds=3600)
    viewer = make_shopper(phone="13700006601", nickname="观众小C")
    declaration_submit(user=viewer, real_name="陈小C", birth_date=dt.date(1995, 4, 4))
    _topup, payment = topup_start(user=viewer, amount=1000)
    pay(payment.number)
    gift = gift_ensure(name="玫瑰", name_en="Rose", icon="🌹", price=100)
    return {"room": room, "product": product, "host": host, "viewer": viewer, "live_price": lp, "gift": gift}


def test_live_sales_journey(open_page, world, ledger_balanced):
    from quanzi.livesales.constants import LivePriceStatus
    from quanzi.livesales.testing import tips
    from quanzi.orders.constants import OrderStatus
    from quanzi.orders.testing import order_get

    room, viewer = world["room"], world["viewer"]
    page = open_page("viewer")
    login(page, viewer.phone, next_path=f"/live/{room.number}/")
    expect(page.get_by_test_id("ls-live-price")).to_contain_text(yuan(LIVE_PRICE))
    expect(page.get_by_test_id("ls-left")).to_have_text("5 left")

    # -------------------------------------------------------------- buy from the shelf, pay in a new tab
    page.get_by_test_id("live-shelf-toggle").click()  # the bag: the room's products, each with a buy button
    page.get_by_test_id("live-shelf-buy").click()  # opens the buy sheet on that product
    page.get_by_test_id("ls-buy-submit").click()
    expect(page.get_by_test_id("ls-order-placed")).to_contain_text(yuan(LIVE_PRICE))
    with page.expect_popup() as popup_info:
        page.get_by_test_id("ls-pay").click()
    cashier = popup_info.value
    expect(cashier.get_by_test_id("sandbox-amount")).to_have_text(yuan(LIVE_PRICE))
    cashier.get_by_test_id("sandbox-pay").click()
    order = order_get(user=viewer)
    expect(cashier).to_have_url(re.compile(rf"/orders/{order.number}/$"))
    assert order_get(order_id=order.pk).status == OrderStatus.PAID
    assert order.lines.get().attribution["live"]["room"] == room.number
    expect(page).to_have_url(re.compile(rf"/live/{room.number}/$"))  # the viewer never left the room
    expect(page.get_by_test_id("ls-left")).to_have_text("4 left")  # updated with the answer (out of band)
    snap(page, "6-ls-01-bought")

    # -------------------------------------------------------------- the limit: a second unit is refused
    page.get_by_test_id("ls-buy-submit").click()
    expect(page.get_by_test_id("ls-error")).to_have_attribute("data-code", "live_price_limit")

    # -------------------------------------------------------------- send a rose from the balance
    page.keyboard.press("Escape")  # close the buy sheet
    page.get_by_test_id("ls-gift-open").click()  # the action bar's gift button opens the gift sheet
    expect(page.get_by_test_id("ls-balance")).to_have_text(yuan(1000))
    page.get_by_test_id("ls-tip-form").get_by_text("Rose").click()  # in the page's language
    page.get_by_test_id("ls-tip-submit").click()
    expect(page.get_by_test_id("ls-tip-sent")).to_be_visible()
    expect(page.get_by_test_id("ls-balance-after")).to_have_text(yuan(900))
    [tip] = tips()
    assert tip.amount == 100

    # -------------------------------------------------------------- the host ends the live price
    host = open_page("host")
    login(host, world["host"].phone, next_path=f"/live/{room.number}/console/")
    expect(host.get_by_test_id("ls-active-price")).to_contain_text("4 of 5 left")
    expect(host.get_by_test_id("ls-orders")).to_have_text("1")
    host.get_by_test_id("ls-end-price").click()
    expect(host.get_by_test_id("ls-console")).to_contain_text("No live price on.")
    lp = world["live_price"]
    lp.refresh_from_db()
    assert lp.status == LivePriceStatus.ENDED and lp.returned == 4
    ledger_balanced()
