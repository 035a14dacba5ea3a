"""Fixtures of the commission tests: a distributor network, plans, and attributed paid orders.

An attributed order is placed unpaid, its lines get the share snapshot the sharing app's provider
would have written at placement (`attribution["share"]`), and then it is paid through the sandbox, so
commission runs from the real `order.paid` event.
"""

from __future__ import annotations

import datetime as dt

import pytest

from quanzi.core import clock

AFTER_WINDOW = dt.timedelta(days=7, minutes=1)


@pytest.fixture
def bind_upline():
    from quanzi.sharing.services import upline_bind

    def bind(user, upline):
        return upline_bind(user=user, upline=upline, via="operator")

    return bind


@pytest.fixture
def make_plan():
    from quanzi.commission.services import plan_create

    def make(shop, *, rate_bps=2000, product=None, category=None):
        return plan_create(shop=shop, rate_bps=rate_bps, product_id=product.pk if product else None,
                           category_id=None if product else (category or product_category(shop)).pk)

    return make


def product_category(shop):
    """The category of the shop's first product."""
    from quanzi.catalog.selectors import shop_products_for_console

    return shop_products_for_console(shop_id=shop.pk)[-1].category  # newest first: the last is the first


def share_snapshot(sharer, *, buyer=None, device="d" * 16, ip="10.0.0.1", link_id=1) -> dict:
    now = clock.now().isoformat()
    return {"share": {"sharer_id": sharer.pk, "link_id": link_id, "code": "abcdefgh", "clicked_at": now, "at": now,
                      "self": buyer is not None and buyer.pk == sharer.pk,
                      "client": {"ip": ip, "device": device}}}


@pytest.fixture
def attributed_order(place_order, pay):
    """`attributed_order([(sku, qty)], sharer=, user=None, pay=True, **client)` → the (paid) order."""
    from quanzi.orders.selectors import orders_by_id
    from quanzi.orders.testing import order_lines_set_attribution

    def place(items, *, sharer, user=None, paid=True, **client):
        orders, payment = place_order(items, user=user)
        order = orders[0]
        order_lines_set_attribution(order_id=order.pk, attribution=share_snapshot(sharer, buyer=order.user, **client))
        if paid:
            pay(payment.number)
        return orders_by_id(order_ids=[order.pk])[order.pk]

    return place


@pytest.fixture
def complete_order():
    """Ship, deliver and confirm an order (the return window starts now)."""
    from quanzi.orders.services import order_confirm_receipt, order_mark_delivered, order_mark_shipped

    def run(order):
        order_mark_shipped(order_id=order.pk, carrier="sf", tracking_number=f"SF{order.pk}")
        order_mark_delivered(order_id=order.pk)
        order_confirm_receipt(order_id=order.pk, user=order.user)
        order.refresh_from_db()
        return order

    return run


@pytest.fixture
def refund_line(submit_refunds):
    """Refund `quantity` of a line of a paid (unshipped) order: refund-only, approved by the merchant."""
    from quanzi.orders.aftersales import aftersale_approve, aftersale_request

    def run(order, *, quantity=1, line=None):
        line = line or order.lines.first()
        after_sale = aftersale_request(user=order.user, order_id=order.pk, line_id=line.pk, kind="refund_only",
                                       quantity=quantity, reason="changed_mind")
        aftersale_approve(shop=order.shop, after_sale_id=after_sale.pk)
        submit_refunds()
        return after_sale

    return run


@pytest.fixture
def wallet_of():
    from quanzi.ledger.selectors import balance
    from quanzi.wallet import accounts

    def read(user) -> dict:
        return {"pending": -balance(code=accounts.earnings_pending(user.pk)),
                "available": -balance(code=accounts.wallet_available(user.pk))}

    return read
