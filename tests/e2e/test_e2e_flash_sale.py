"""Issue 5's flash-sale journey in real browsers: a session that starts a few seconds after the page is
opened shows a countdown and a sleeping "Buy now" that wakes up at the start; shopper A wins the last
unit and pays in the sandbox cashier; shopper B, a moment later, is told "Sold out." and is not charged."""

from __future__ import annotations

import datetime as dt
import re

import pytest

pytest.importorskip("playwright.sync_api")

from e2e_ui import create_product, login, snap, yuan  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

TITLE = "秒杀 降噪耳机 Earbuds"
PRICE = 29900
FLASH_PRICE = 9900


@pytest.fixture
def world(make_user, make_shop, make_shopper, category):
    from quanzi.core import clock
    from quanzi.flashsale.services import sale_create, sale_publish

    shop = make_shop(owner=make_user(phone="13900000066", nickname="耳机店"))
    product = create_product(shop=shop, category=category, title=TITLE, price=PRICE, stock=20)
    now = clock.now()
    sale = sale_create(shop=shop, title="整点秒杀", starts_at=now + dt.timedelta(seconds=25),
                       ends_at=now + dt.timedelta(hours=1),
                       items=[{"sku_id": product.skus.get().pk, "price": FLASH_PRICE, "stock": 1, "per_user_limit": 1}])
    sale_publish(sale_id=sale.pk, shop=shop)
    return {"sale": sale, "a": make_shopper(phone="13700006601", nickname="手快的A"),
            "b": make_shopper(phone="13700006602", nickname="慢一步的B")}


def test_flash_sale_journey(open_page, world, ledger_balanced):
    from quanzi.flashsale.testing import reservations
    from quanzi.orders.constants import OrderStatus
    from quanzi.orders.testing import order_get, orders

    sale = world["sale"]
    a = open_page("fast")
    login(a, world["a"].phone, next_path=f"/flash/{sale.pk}/")
    b = open_page("slow")
    login(b, world["b"].phone, next_path=f"/flash/{sale.pk}/")

    # before the start: a countdown and a button that cannot be pressed
    expect(a.get_by_test_id("fs-starts-in")).to_have_text(re.compile(r"^00:00:[0-2]\d$"))
    expect(a.get_by_test_id("fs-buy")).to_be_disabled()
    snap(a, "5-10-flash-countdown")

    # at the start the button wakes up (no reload); A wins and goes straight to the cashier
    expect(a.get_by_test_id("fs-buy")).to_be_enabled(timeout=40_000)
    a.get_by_test_id("fs-buy").click()
    expect(a).to_have_url(re.compile(r"/sandbox/pay/"))
    expect(a.get_by_test_id("sandbox-amount")).to_have_text(yuan(FLASH_PRICE))  # ¥99: free shipping
    a.get_by_test_id("sandbox-pay").click()
    order = order_get(user=world["a"])
    expect(a).to_have_url(re.compile(rf"/orders/{order.number}/$"))
    assert order_get(order_id=order.pk).status == OrderStatus.PAID

    # B pressed a moment too late: sold out, nothing charged, nothing reserved
    expect(b.get_by_test_id("fs-buy")).to_be_enabled(timeout=40_000)
    b.get_by_test_id("fs-buy").click()
    expect(b.get_by_test_id("fs-message")).to_have_text("Sold out.")
    expect(b.get_by_test_id("fs-sold-out")).to_be_visible()
    snap(b, "5-11-flash-sold-out")
    assert not orders(user=world["b"])
    assert [(r.user_id, r.status) for r in reservations()] == [(world["a"].pk, "paid")]

    # A's reservation is listed as paid; the page now says sold out for everyone
    a.goto("/me/flash/")
    expect(a.get_by_test_id("fs-reservation")).to_have_attribute("data-status", "paid")
    b.reload()
    expect(b.get_by_test_id("fs-sold-out")).to_be_visible()
    ledger_balanced()
