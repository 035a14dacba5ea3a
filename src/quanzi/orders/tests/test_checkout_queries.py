"""A checkout costs at most 40 SQL queries, whatever the number of lines (the issue's performance goal)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quanzi.orders.checkout import checkout_and_pay
from quanzi.orders.services import CheckoutItem

pytestmark = pytest.mark.django_db
MAX_QUERIES = 40


@pytest.fixture
def twenty_skus(make_shop, make_product):
    """Ten SKUs in each of two shops (one product with ten colours per shop)."""
    colours = [{"name": "颜色", "values": [f"C{i}" for i in range(10)]}]
    a = make_product(shop=make_shop(), title="A", price=1000, stock=100, options=colours)
    b = make_product(shop=make_shop(), title="B", price=1000, stock=100, options=colours)
    skus_a, skus_b = list(a.skus.order_by("id")), list(b.skus.order_by("id"))
    return [s for pair in zip(skus_a, skus_b, strict=True) for s in pair]  # alternate shops


def _count(shopper, address, skus) -> tuple[int, list[str]]:
    items = [CheckoutItem(s.pk, 1) for s in skus]
    with CaptureQueriesContext(connection) as ctx:
        orders, payment = checkout_and_pay(user=shopper, address_id=address.pk, items=items, clear_cart=True)
    assert sum(o.lines.count() for o in orders) == len(skus)
    return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries]


def test_checkout_query_count_stays_flat_from_1_to_20_lines(shopper, address, twenty_skus):
    counts = {}
    for n in (1, 2, 5, 20):
        counts[n], sqls = _count(shopper, address, twenty_skus[:n])
        assert counts[n] <= MAX_QUERIES, (n, counts[n], sqls)
    # two shops cost a constant more than one; from 2 to 20 lines nothing grows
    assert counts[20] == counts[5] == counts[2], counts
    assert counts[2] - counts[1] <= 6, counts


def _capture_count(shopper, address, skus) -> int:
    from quanzi.payments.providers.sandbox import SandboxProvider
    from quanzi.payments.services import payment_handle_notification
    from quanzi.payments.testing import sandbox_notification

    _orders, payment = checkout_and_pay(user=shopper, address_id=address.pk,
                                        items=[CheckoutItem(s.pk, 1) for s in skus])
    SandboxProvider().pay(out_trade_no=payment.number)
    params = sandbox_notification(payment.number)
    with CaptureQueriesContext(connection) as ctx:
        assert payment_handle_notification(provider="sandbox", data=params) == "success"
    return len(ctx.captured_queries)


def test_capturing_the_payment_does_not_grow_with_the_lines_either(shopper, address, twenty_skus):
    _capture_count(shopper, address, twenty_skus[:2])  # the first capture also opens the ledger accounts
    counts = {n: _capture_count(shopper, address, twenty_skus[:n]) for n in (2, 20)}
    assert counts[20] == counts[2], counts
    # Capture of a two-shop payment: about 46 statements, about half of them SAVEPOINT/RELEASE of the
    # nested atomic blocks (payment, ledger, each order), plus one indexed statement per order for each
    # feature that follows payments in the same transaction (group buy, flash sale, live sales).
    # It grows per shop and per such feature, never per line.
    assert counts[20] <= 52, counts
