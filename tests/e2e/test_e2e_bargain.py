"""The bargain journey in real browsers: a shopper (A) starts a bargain from the product's bargain
block; the bargain page shows the original price, a countdown and A's share link; a friend (B) opens
the link in a second browser, signs in and cuts once; A sees the lower price and buys at it, paying in
the sandbox cashier — the order is paid at the bargain price and the ledger balances."""

from __future__ import annotations

import datetime as dt
import re

import pytest

pytest.importorskip("playwright.sync_api")

from e2e_ui import create_product, login, snap, yuan  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

TITLE = "手冲咖啡壶 Pour-over kettle"
PRICE = 19900
FLOOR = 9900


@pytest.fixture
def world(make_user, make_shop, make_shopper, category):
    from quanzi.bargain.services import campaign_activate, campaign_create
    from quanzi.core import clock

    shop = make_shop(owner=make_user(phone="13900000066", nickname="壶老板"))
    product = create_product(shop=shop, category=category, title=TITLE, price=PRICE, stock=20)
    now = clock.now()
    campaign = campaign_create(shop=shop, sku_id=product.skus.get().pk, floor_price=FLOOR, expected_helps=3,
                               stock=5, starts_at=now - dt.timedelta(minutes=1), ends_at=now + dt.timedelta(days=3))
    campaign_activate(campaign_id=campaign.pk, shop=shop)
    return {"product": product, "campaign": campaign, "a": make_shopper(phone="13700006601", nickname="砍价小A"),
            "b": make_shopper(phone="13700006602", nickname="帮砍小B")}


@pytest.mark.browser
def test_bargain_journey(open_page, site, world, ledger_balanced):
    from quanzi.bargain.constants import BargainStatus
    from quanzi.bargain.selectors import bargain_detail, bargains_for_user
    from quanzi.orders.constants import OrderStatus
    from quanzi.orders.testing import order_get

    product, a_user, b_user = world["product"], world["a"], world["b"]

    # -------------------------------------------------------------- A starts a bargain
    a = open_page("starter")
    login(a, a_user.phone, next_path=f"/bargain/products/{product.pk}/")
    expect(a.get_by_test_id("bargain-product-block")).to_contain_text(f"Bargain it down to {yuan(FLOOR)} with 3 friends")
    a.get_by_test_id("bargain-start").click()
    [bargain] = bargains_for_user(user=a_user)
    expect(a).to_have_url(re.compile(rf"/b/{bargain.number}/$"))
    expect(a.get_by_test_id("bargain-current-price")).to_have_text(yuan(PRICE))
    expect(a.get_by_test_id("bargain-countdown")).to_have_text(re.compile(r"^2[34]:\d\d:\d\d$"))
    expect(a.get_by_test_id("bargain-buy")).to_have_text(f"Buy at {yuan(PRICE)}")
    a.get_by_test_id("bargain-invite-open").click()  # the invite sheet: link, text, poster
    expect(a.get_by_test_id("bargain-invite")).to_be_visible()
    share_url = a.get_by_test_id("bargain-share-url").input_value()
    assert re.fullmatch(rf"{re.escape(site)}/s/[\w-]+", share_url), share_url
    expect(a.get_by_test_id("bargain-share-text")).to_have_value(re.compile(re.escape(share_url) + "$"))
    expect(a.get_by_test_id("bargain-poster")).to_be_visible()
    poster = a.get_by_test_id("bargain-poster-img")
    expect(poster).to_be_visible()
    a.wait_for_function("img => img.complete && img.naturalWidth === 750", arg=poster.element_handle())
    snap(a, "bargain-01-started")
    a.keyboard.press("Escape")
    expect(a.get_by_test_id("bargain-invite")).to_be_hidden()

    # -------------------------------------------------------------- B opens the link, signs in and cuts
    b = open_page("friend")
    b.goto(share_url.removeprefix(site))
    expect(b).to_have_url(re.compile(rf"/b/{bargain.number}/\?share="))
    b.get_by_test_id("bargain-login").click()
    b.get_by_test_id("login-identifier").fill(b_user.phone)
    b.get_by_test_id("login-password").fill("Str0ngPass!x")
    b.get_by_test_id("login-submit").click()
    expect(b).to_have_url(re.compile(rf"/b/{bargain.number}/"))
    b.get_by_test_id("bargain-help").click()
    expect(b.get_by_test_id("bargain-cut-result")).to_contain_text("You cut")
    expect(b.get_by_test_id("bargain-helper")).to_have_count(1)
    cut = bargain_detail(number=bargain.number)
    assert cut.helps_count == 1 and FLOOR <= cut.current_price < PRICE
    expect(b.get_by_test_id("bargain-current-price")).to_have_text(yuan(cut.current_price))
    expect(b.get_by_test_id("bargain-helped")).to_be_visible()
    snap(b, "bargain-02-friend-cut")

    # -------------------------------------------------------------- A sees the lower price and buys at it
    a.reload()
    expect(a.get_by_test_id("bargain-current-price")).to_have_text(yuan(cut.current_price))
    expect(a.get_by_test_id("bargain-helper")).to_contain_text("帮砍小B")
    a.get_by_test_id("bargain-buy").click()
    expect(a).to_have_url(re.compile(r"/sandbox/pay/"))
    expect(a.get_by_test_id("sandbox-amount")).to_have_text(yuan(cut.current_price))  # over ¥99: free shipping
    a.get_by_test_id("sandbox-pay").click()
    order = order_get(user=a_user)
    expect(a).to_have_url(re.compile(rf"/orders/{order.number}/$"))
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID and order.total == cut.current_price
    assert bargain_detail(number=bargain.number).status == BargainStatus.BOUGHT
    a.goto(f"/b/{bargain.number}/")
    expect(a.get_by_test_id("bargain-status")).to_have_text("Bought")
    snap(a, "bargain-03-bought")
    ledger_balanced()
