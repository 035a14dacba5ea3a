"""Fixtures of the trust tests: an operator, and a small ring of accounts built through the real signals."""

from __future__ import annotations

import datetime as dt

import pytest

FLAT = {"recipient": "张三", "phone": "13800000000", "province": "广东省", "city": "深圳市", "district": "南山区",
        "detail": "同一公寓 1 号"}


@pytest.fixture
def operator(make_user):
    return make_user(is_staff=True, nickname="风控小王")


def share_attribution(sharer, *, device: str, ip: str) -> dict:
    return {"share": {"sharer_id": sharer.pk, "link_id": 1, "code": "abcdefgh", "self": False,
                      "clicked_at": "2026-01-01T00:00:00+00:00", "at": "2026-01-01T00:00:00+00:00",
                      "client": {"device": device, "ip": ip}}}


@pytest.fixture
def ring(make_shopper, shop, make_product, place_order, pay, django_capture_on_commit_callbacks):
    """A 刷单 ring: a sharer whose tea (in distribution) three new accounts buy through the sharer's link, from
    one phone and one network, shipping to one flat, three times each at 12-hour intervals. Their signals
    arrive through the outbox (the real `order.paid` subscribers); the sharer's commissions are pending.
    Returns (sharer, buyers)."""
    from quanzi.accounts.services import address_create
    from quanzi.commission.services import plan_create
    from quanzi.core import clock
    from quanzi.orders.testing import order_lines_set_attribution

    product = make_product(shop=shop, title="刷单测试茶", price=10_000, stock=100)
    plan_create(shop=shop, rate_bps=2000, product_id=product.pk)
    sku, sharer = product.skus.get(), make_shopper()
    buyers = []
    for i in range(4):
        buyer = make_shopper()
        buyer.addresses.all().delete()
        address_create(user=buyer, data=FLAT, is_default=True)
        for k in range(4):
            with clock.travel(dt.timedelta(hours=12 * k - 72, minutes=i)):
                orders, payment = place_order([(sku, 1)], user=buyer)
                order_lines_set_attribution(order_id=orders[0].pk, attribution=share_attribution(
                    sharer, device="same-phone-0000", ip=f"203.0.113.{i}"))
                with django_capture_on_commit_callbacks(execute=True):
                    pay(payment.number)
        buyers.append(buyer)
    return sharer, buyers
