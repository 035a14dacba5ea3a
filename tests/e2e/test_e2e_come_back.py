"""Issue 13's "come back" journeys in real browsers: whoever is stopped on the way to a promotion (asked to
sign in, to create an account or to add a delivery address) lands back where they were and goes on.

1. A bargain helper: a new visitor opens a friend's bargain link, is asked to sign in, creates an account
   instead, lands back on the bargain, cuts it and sees the cut; the starter then buys at the cut price.
2. A flash buyer: a shopper without an address opens a running flash sale, follows "add a delivery
   address", saves one, lands back on the sale, wins the item and reaches the cashier.
3. A group opener: a shopper without an address presses "Open a group" on the product page, is sent to the
   address form, comes back to the product page, opens the group and pays in the sandbox cashier."""

from __future__ import annotations

import datetime as dt
import re

import pytest

pytest.importorskip("playwright.sync_api")

from e2e_ui import PASSWORD, create_product, flash, login, snap, yuan  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.browser

ADDRESS = (("recipient", "李新新"), ("phone", "13700007709"), ("province", "浙江省"), ("city", "杭州市"),
           ("district", "西湖区"), ("detail", "文三路 9 号"))


def save_address(page) -> None:
    form = page.get_by_test_id("address-form")
    for name, value in ADDRESS:
        form.locator(f"[name={name}]").fill(value)
    page.get_by_test_id("save-address").click()


# ---------------------------------------------------------------- 1. a bargain helper who is new here

@pytest.fixture
def bargain_world(make_user, make_shop, make_shopper, category):
    from quanzi.bargain.services import bargain_share_link, bargain_start, campaign_activate, campaign_create
    from quanzi.core import clock
    from quanzi.sharing import selectors as share_selectors

    shop = make_shop(owner=make_user(phone="13900000077", nickname="茶老板"))
    product = create_product(shop=shop, category=category, title="白茶饼 White tea cake", price=19900, stock=10)
    now = clock.now()
    campaign = campaign_create(shop=shop, sku_id=product.skus.get().pk, floor_price=9900, expected_helps=3, stock=5,
                               starts_at=now - dt.timedelta(minutes=1), ends_at=now + dt.timedelta(days=3))
    campaign_activate(campaign_id=campaign.pk, shop=shop)
    starter = make_shopper(phone="13700007701", nickname="发起人小茶")
    bargain = bargain_start(user=starter, campaign_id=campaign.pk)
    link = bargain_share_link(user=starter, bargain=bargain)
    return {"starter": starter, "bargain": bargain, "share_path": share_selectors.short_path(link=link)}


def test_new_visitor_registers_from_a_bargain_link_comes_back_and_cuts(open_page, bargain_world, ledger_balanced):
    from quanzi.accounts.testing import users
    from quanzi.bargain.constants import BargainStatus
    from quanzi.bargain.selectors import bargain_detail
    from quanzi.orders.constants import OrderStatus
    from quanzi.orders.testing import order_get

    bargain, starter = bargain_world["bargain"], bargain_world["starter"]
    page_path = f"/b/{bargain.number}/"

    # a visitor with no account opens the friend's link: the bargain, and "sign in to help cut"
    friend = open_page("friend")
    friend.goto(bargain_world["share_path"])
    expect(friend).to_have_url(re.compile(rf"{re.escape(page_path)}\?share="))
    expect(friend.get_by_test_id("bargain-help")).to_have_count(0)
    friend.get_by_test_id("bargain-login").click()
    expect(friend).to_have_url(re.compile(r"/login/\?next=" + re.escape(page_path)))

    # no account yet: "Create an account" keeps where they were going, and registering brings them back
    friend.get_by_test_id("register-link").click()
    expect(friend).to_have_url(re.compile(r"/register/\?next=" + re.escape(page_path)))
    friend.get_by_test_id("register-identifier").fill("13700007702")
    friend.get_by_test_id("register-nickname").fill("新朋友小米")
    friend.get_by_test_id("register-password").fill(PASSWORD)
    friend.get_by_test_id("register-submit").click()
    expect(friend).to_have_url(re.compile(rf"{re.escape(page_path)}\?share=[\w-]+$"))  # the friend's link kept
    expect(flash(friend).filter(has_text="Welcome to Quanzi")).to_be_visible()

    # back on the bargain, signed in: one press cuts it, with the new-friend bonus
    friend.get_by_test_id("bargain-help").click()
    expect(friend.get_by_test_id("bargain-cut-result")).to_contain_text("You cut")
    cut = bargain_detail(number=bargain.number)
    assert cut.helps_count == 1 and 9900 <= cut.current_price < 19900
    expect(friend.get_by_test_id("bargain-current-price")).to_have_text(yuan(cut.current_price))
    expect(friend.get_by_test_id("bargain-helper")).to_contain_text("新朋友小米")
    expect(friend.get_by_test_id("bargain-helper")).to_contain_text("New friend bonus")
    expect(friend.get_by_test_id("bargain-helped")).to_be_visible()
    assert [u.nickname for u in users() if u.phone == "13700007702"] == ["新朋友小米"]
    snap(friend, "13-01-new-friend-cut")

    # the starter (who has an address) buys at the cut price
    starter_page = open_page("starter")
    login(starter_page, starter.phone, next_path=page_path)
    expect(starter_page.get_by_test_id("bargain-buy")).to_have_text(f"Buy at {yuan(cut.current_price)}")
    starter_page.get_by_test_id("bargain-buy").click()
    expect(starter_page).to_have_url(re.compile(r"/sandbox/pay/"))
    expect(starter_page.get_by_test_id("sandbox-amount")).to_have_text(yuan(cut.current_price))
    starter_page.get_by_test_id("sandbox-pay").click()
    order = order_get(user=starter)
    expect(starter_page).to_have_url(re.compile(rf"/orders/{order.number}/$"))
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID and order.total == cut.current_price
    assert bargain_detail(number=bargain.number).status == BargainStatus.BOUGHT
    ledger_balanced()


# ---------------------------------------------------------------- 2. a flash buyer without an address

@pytest.fixture
def flash_world(make_user, make_shop, category):
    from quanzi.core import clock
    from quanzi.flashsale.services import sale_create, sale_publish

    shop = make_shop(owner=make_user(phone="13900000078", nickname="秒杀店"))
    product = create_product(shop=shop, category=category, title="保温杯 Thermos", price=15900, stock=10)
    now = clock.now()
    sale = sale_create(shop=shop, title="午间秒杀", starts_at=now - dt.timedelta(minutes=1),
                       ends_at=now + dt.timedelta(hours=1),
                       items=[{"sku_id": product.skus.get().pk, "price": 9900, "stock": 3, "per_user_limit": 1}])
    sale_publish(sale_id=sale.pk, shop=shop)
    return {"sale": sale, "buyer": make_user(phone="13700007703", nickname="抢购新手")}  # no address yet


def test_flash_buyer_adds_an_address_comes_back_to_the_sale_and_wins(open_page, flash_world):
    from quanzi.flashsale.testing import reservations

    sale, buyer = flash_world["sale"], flash_world["buyer"]
    sale_path = f"/flash/{sale.pk}/"
    page = open_page("buyer")
    login(page, buyer.phone, next_path=sale_path)

    # the sale is on, but without an address the button sleeps and a link asks for one
    expect(page.get_by_test_id("fs-clock")).to_have_attribute("data-phase", "running")
    expect(page.get_by_test_id("fs-buy")).to_be_disabled()
    expect(page.get_by_test_id("fs-address")).to_have_text("Add a delivery address to take part.")
    page.get_by_test_id("fs-address").click()
    expect(page).to_have_url(re.compile(r"/me/addresses/\?next=" + re.escape(sale_path)))
    save_address(page)

    # straight back to the sale, where the button is awake; winning leads to the cashier
    expect(page).to_have_url(re.compile(rf"{re.escape(sale_path)}$"))
    expect(page.get_by_test_id("fs-address")).to_have_count(0)
    expect(page.get_by_test_id("fs-buy")).to_be_enabled()
    page.get_by_test_id("fs-buy").click()
    expect(page).to_have_url(re.compile(r"/sandbox/pay/"))
    expect(page.get_by_test_id("sandbox-amount")).to_have_text(yuan(9900))
    snap(page, "13-02-flash-cashier")
    assert [(r.user_id, r.status) for r in reservations()] == [(buyer.pk, "ordered")]


# ---------------------------------------------------------------- 3. a group opener without an address

@pytest.fixture
def group_world(make_user, make_shop, category):
    from quanzi.core import clock
    from quanzi.groupbuy.services import campaign_activate, campaign_create

    shop = make_shop(owner=make_user(phone="13900000079", nickname="水果店"))
    product = create_product(shop=shop, category=category, title="赣南脐橙 Navel oranges", price=15900, stock=20)
    now = clock.now()
    campaign = campaign_create(shop=shop, product_id=product.pk, group_size=2, fill_seconds=24 * 3600,
                               skus=[{"sku_id": product.skus.get().pk, "group_price": 10900, "stock": 10}],
                               starts_at=now - dt.timedelta(minutes=1), ends_at=now + dt.timedelta(days=3))
    campaign_activate(campaign_id=campaign.pk, shop=shop)
    return {"product": product, "opener": make_user(phone="13700007704", nickname="开团新手")}  # no address yet


def test_group_opener_adds_an_address_comes_back_to_the_product_and_pays(open_page, group_world, ledger_balanced):
    from quanzi.groupbuy.testing import groups
    from quanzi.orders.constants import OrderStatus
    from quanzi.orders.testing import order_get

    product, opener = group_world["product"], group_world["opener"]
    product_path = f"/p/{product.pk}/"
    page = open_page("opener")
    login(page, opener.phone, next_path=product_path)
    expect(page).to_have_url(re.compile(rf"{re.escape(product_path)}$"))

    # "Open a group" without an address: the address form, then back to the product page
    page.get_by_test_id("gb-open").click()
    expect(page).to_have_url(re.compile(r"/me/addresses/\?next=" + re.escape(product_path)))
    save_address(page)
    expect(page).to_have_url(re.compile(rf"{re.escape(product_path)}$"))

    # now the group opens at the group price and is paid in the sandbox
    page.get_by_test_id("gb-open").click()
    expect(page).to_have_url(re.compile(r"/sandbox/pay/"))
    expect(page.get_by_test_id("sandbox-amount")).to_have_text(yuan(10900))
    page.get_by_test_id("sandbox-pay").click()
    order = order_get(user=opener)
    expect(page).to_have_url(re.compile(rf"/orders/{order.number}/$"))
    assert order_get(order_id=order.pk).status == OrderStatus.AWAITING_RELEASE
    [group] = groups(leader=opener)
    expect(page.get_by_test_id("gb-invite")).to_be_visible()
    snap(page, "13-03-group-opened")
    ledger_balanced()
