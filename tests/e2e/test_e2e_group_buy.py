"""Issue 5's group-buy journey in real browsers: a shopper (A) opens a 2-person group at the group price
and pays; A's order page shows the group with its empty seat and an "Invite friends" button that leads to
the group page, whose invite sheet holds A's share link, a message to copy and a poster; a friend (B), new
and without an address, opens the link in a second browser, joins, is asked for an address, is brought back
to the group, joins and pays; the group succeeds and both orders move on to fulfilment ("paid", no longer
waiting) — the ledger balanced throughout."""

from __future__ import annotations

import datetime as dt
import re

import pytest

pytest.importorskip("playwright.sync_api")

from e2e_ui import create_product, login, snap, yuan  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

TITLE = "阳澄湖大闸蟹 Hairy crab"
PRICE = 19900
GROUP_PRICE = 12900


@pytest.fixture
def world(make_user, make_shop, make_shopper, category):
    from quanzi.core import clock
    from quanzi.groupbuy.services import campaign_activate, campaign_create

    shop = make_shop(owner=make_user(phone="13900000055", nickname="蟹老板"))
    product = create_product(shop=shop, category=category, title=TITLE, price=PRICE, stock=20)
    now = clock.now()
    campaign = campaign_create(shop=shop, product_id=product.pk, group_size=2, fill_seconds=24 * 3600,
                               skus=[{"sku_id": product.skus.get().pk, "group_price": GROUP_PRICE, "stock": 10}],
                               starts_at=now - dt.timedelta(minutes=1), ends_at=now + dt.timedelta(days=3))
    campaign_activate(campaign_id=campaign.pk, shop=shop)
    return {"product": product, "campaign": campaign, "a": make_shopper(phone="13700005501", nickname="团长小A"),
            "b": make_user(phone="13700005502", nickname="团员小B")}  # new: no address yet


def test_group_buy_journey(open_page, site, world, ledger_balanced):
    from quanzi.groupbuy.constants import GroupStatus
    from quanzi.groupbuy.selectors import group_detail
    from quanzi.groupbuy.testing import groups
    from quanzi.orders.constants import OrderStatus
    from quanzi.orders.testing import order_get, orders

    product, a_user, b_user = world["product"], world["a"], world["b"]

    # -------------------------------------------------------------- A opens a group and pays
    a = open_page("leader")
    login(a, a_user.phone, next_path=f"/groupbuy/products/{product.pk}/groups/")
    expect(a.get_by_test_id("gb-price")).to_have_text(yuan(GROUP_PRICE))
    a.get_by_test_id("gb-open").click()
    expect(a).to_have_url(re.compile(r"/sandbox/pay/"))
    expect(a.get_by_test_id("sandbox-amount")).to_have_text(yuan(GROUP_PRICE))  # over ¥99: free shipping
    a.get_by_test_id("sandbox-pay").click()
    a_order = order_get(user=a_user)
    expect(a).to_have_url(re.compile(rf"/orders/{a_order.number}/$"))
    assert order_get(order_id=a_order.pk).status == OrderStatus.AWAITING_RELEASE

    [group] = groups(leader=a_user)
    # the order page leads to the group and invites friends
    expect(a.get_by_test_id("gb-order-panel")).to_be_visible()
    expect(a.get_by_test_id("gb-seat-empty")).to_have_count(1)
    a.get_by_test_id("gb-invite").click()
    expect(a).to_have_url(re.compile(rf"/g/{group.number}/$"))
    expect(a.get_by_test_id("gb-status")).to_have_text("1 spot left")
    expect(a.get_by_test_id("gb-countdown")).to_have_text(re.compile(r"^2[34]:\d\d:\d\d$"))
    expect(a.get_by_test_id("gb-member")).to_have_count(1)
    expect(a.get_by_test_id("gb-price")).to_contain_text(yuan(GROUP_PRICE).removeprefix("¥"))
    a.get_by_test_id("gb-invite-open").click()  # the invite sheet: link, message, poster
    expect(a.get_by_test_id("gb-share-url")).to_be_visible()
    share_url = a.get_by_test_id("gb-share-url").input_value()  # A's share link (sharing app), with a poster
    assert re.fullmatch(rf"{re.escape(site)}/s/[\w-]+", share_url), share_url
    expect(a.get_by_test_id("gb-share-text")).to_have_value(re.compile(re.escape(share_url) + "$"))
    expect(a.get_by_test_id("gb-poster")).to_be_visible()
    snap(a, "5-01-group-open")

    # -------------------------------------------------------------- B opens the link, joins and pays
    b = open_page("friend")
    login(b, b_user.phone, next_path=share_url.removeprefix(site))
    expect(b).to_have_url(re.compile(rf"/g/{group.number}/\?share="))
    expect(b.get_by_test_id("gb-status")).to_have_text("1 spot left")
    b.get_by_test_id("gb-join").click()
    # no address yet: the address form, and straight back to the group once it is saved
    expect(b).to_have_url(re.compile(rf"/me/addresses/\?next=/g/{group.number}/"))
    form = b.get_by_test_id("address-form")
    for name, value in (("recipient", "王小B"), ("phone", "13700005502"), ("province", "江苏省"), ("city", "无锡市"),
                        ("district", "梁溪区"), ("detail", "中山路 1 号")):
        form.locator(f"[name={name}]").fill(value)
    b.get_by_test_id("save-address").click()
    expect(b).to_have_url(re.compile(rf"/g/{group.number}/$"))
    b.get_by_test_id("gb-join").click()
    expect(b).to_have_url(re.compile(r"/sandbox/pay/"))
    expect(b.get_by_test_id("sandbox-amount")).to_have_text(yuan(GROUP_PRICE))
    b.get_by_test_id("sandbox-pay").click()
    b_order = order_get(user=b_user)
    expect(b).to_have_url(re.compile(rf"/orders/{b_order.number}/$"))

    # -------------------------------------------------------------- the group succeeded: both orders go on
    assert group_detail(number=group.number).status == GroupStatus.SUCCEEDED
    assert {o.status for o in orders(order_ids=[a_order.pk, b_order.pk])} == {OrderStatus.PAID}
    a.goto(f"/g/{group.number}/")
    expect(a.get_by_test_id("gb-status")).to_contain_text("Group complete")
    expect(a.get_by_test_id("gb-member")).to_have_count(2)
    snap(a, "5-02-group-complete")
    ledger_balanced()
