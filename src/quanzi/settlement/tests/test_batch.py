"""The batched settlement variants book exactly what the single ones book: `orders_settle` = one
`order_settle` per order; `on_orders_paid` / `on_orders_refunded` = the handlers' single posts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quanzi.core import clock
from quanzi.core.testing import subscribed
from quanzi.ledger import testing as ledger_testing
from quanzi.orders import testing as orders_testing
from quanzi.orders.aftersales import aftersale_approve, aftersale_request
from quanzi.settlement.events import OrdersSettled
from quanzi.settlement.models import TakeRatePolicy
from quanzi.settlement.services import (
    on_orders_paid,
    on_orders_refunded,
    order_settle,
    orders_settle,
)
from quanzi.settlement.testing import settlement_get

pytestmark = pytest.mark.django_db
AFTER_WINDOW = dt.timedelta(days=7, minutes=1)


@pytest.fixture
def twins(make_shop, make_product, place_order, category, submit_refunds):
    """Pairs of identical orders — default, category and shop take rates, several lines, a partial refund
    and a full refund — all due for settlement."""
    from quanzi.catalog.testing import make_category
    from quanzi.orders.services import order_confirm_receipt, order_mark_delivered, order_mark_shipped

    TakeRatePolicy.objects.create(default_bps=300)
    books = make_category(name="图书", slug="books-batch", take_rate_bps=200)
    plain, vip = make_shop(), make_shop(take_rate_bps=100)
    skus = [make_product(shop=plain, price=1999, cat=category, stock=100).skus.get(),
            make_product(shop=plain, price=3333, cat=books, stock=100).skus.get(),
            make_product(shop=vip, price=4567, cat=books, stock=100).skus.get()]
    carts = [[(skus[0], 1)], [(skus[0], 2), (skus[1], 3)], [(skus[2], 1)], [(skus[1], 1)], [(skus[0], 3)]]

    def sell(items, n):
        order = place_order(items, pay=True)[0][0]
        if n == 3:  # refunded in full before shipping: closed, settles to nothing
            aftersale_approve(shop=order.shop, after_sale_id=aftersale_request(
                user=order.user, order_id=order.pk, line_id=order.lines.get().pk, kind="refund_only", quantity=1,
                reason="changed_mind").pk)
            submit_refunds()
            return orders_testing.order_get(order_id=order.pk)
        if n == 4:  # one unit of three refunded before shipping
            aftersale_approve(shop=order.shop, after_sale_id=aftersale_request(
                user=order.user, order_id=order.pk, line_id=order.lines.get().pk, kind="refund_only", quantity=1,
                reason="changed_mind").pk)
            submit_refunds()
        order_mark_shipped(order_id=order.pk, carrier="sf", tracking_number=f"SF{order.pk}")
        order_mark_delivered(order_id=order.pk)
        order_confirm_receipt(order_id=order.pk, user=order.user)
        return orders_testing.order_get(order_id=order.pk)

    return [(sell(items, n), sell(items, n)) for n, items in enumerate(carts)]


def _settled(order) -> tuple:
    s = settlement_get(order_id=order.pk)
    txn = ledger_testing.transaction_get(key=f"order-settle:{order.pk}")
    order.refresh_from_db()
    return ((s.shop_id, s.gross, s.fee, s.deducted, s.net), txn.kind, txn.ref_type,
            sorted((p.account.code, p.amount) for p in txn.postings.select_related("account")),
            order.settled_at is not None, len(orders_testing.order_events(order_id=order.pk, kind="settled")))


def test_orders_settle_equals_order_settle_order_by_order(twins, ledger_balanced):
    published = []
    with subscribed(OrdersSettled, lambda event: published.append(event.order_ids), in_transaction=True):
        with clock.travel(AFTER_WINDOW):
            for single, _batched in twins:
                order_settle(order_id=single.pk)
            batch_ids = [b.pk for _s, b in twins]
            with CaptureQueriesContext(connection) as ctx:
                assert len(orders_settle(order_ids=batch_ids)) == len(twins)
            assert orders_settle(order_ids=batch_ids + [s.pk for s, _b in twins]) == []  # all settled already
    for single, batched in twins:
        assert _settled(single) == _settled(batched)
    assert published == [[s.pk] for s, _b in twins] + [sorted(batch_ids)]  # one event per call, none for a no-op
    assert len(ctx.captured_queries) <= 23  # constant: savepoints, locks, reads, ledger, writes, the event (+2: live host commission, +1: platform coupon subsidies)
    ledger_balanced()


def test_the_batched_allocation_and_refund_posts_are_the_handlers_posts(twins):
    """Paying and refunding already booked them through the single handlers: the batch finds the same
    keys with the same entries (a difference would be a Conflict) and writes nothing."""
    before = ledger_testing.transaction_count()
    orders = [o for pair in twins for o in pair]
    on_orders_paid(paid=[(o.pk, o.shop_id, o.total) for o in orders])
    refunds = [(t.idempotency_key, t.ref_id) for t in ledger_testing.transactions(kind="order.refund")]
    assert len(refunds) == 4
    on_orders_refunded(refunds=[(int(ref_id), key.removeprefix("order-refund:"), orders_testing.order_get(order_id=int(ref_id)).refunded_total)
                        for key, ref_id in refunds])
    assert ledger_testing.transaction_count() == before
