"""Concurrency on PostgreSQL: real threads, one database connection each, started together.

These prove the promises that only matter under load: no overselling, exactly one capture per
payment, a cancel racing a payment either wins cleanly or the money goes back once, sweeps that
run twice act once, and refunds never exceed what was paid.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connections
from django.db.models import Sum

from quanzi.accounts.testing import make_buyers
from quanzi.catalog.selectors import product_get, sku_stocks
from quanzi.catalog.testing import sku_get
from quanzi.core import clock
from quanzi.core.errors import Conflict, DomainError
from quanzi.ledger.selectors import balance
from quanzi.ledger.testing import assert_books_balance, transaction_count, transaction_get
from quanzi.orders.aftersales import aftersale_approve, aftersale_request, aftersale_sweep_timeouts
from quanzi.orders.checkout import checkout_and_pay
from quanzi.orders.constants import OrderStatus
from quanzi.orders.models import AfterSale, Order, OrderLine
from quanzi.orders.services import CheckoutItem, order_cancel, order_confirm_receipt, order_mark_shipped
from quanzi.orders.tasks import orders_expire_unpaid
from quanzi.payments import testing as payments_testing
from quanzi.payments.constants import PaymentStatus
from quanzi.payments.providers.sandbox import notification_params
from quanzi.payments.services import payment_handle_notification, payment_sync
from quanzi.settlement import testing as settlement_testing
from quanzi.settlement.services import payout_request
from quanzi.settlement.tasks import settle_due_orders

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(*calls):
    """Run each callable in its own thread (own DB connection), released at once by a barrier.
    Returns one ("ok", value) or ("error", exception) per callable, in order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def worker(i, fn):
        try:
            barrier.wait(timeout=30)
            results[i] = ("ok", fn())
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            results[i] = ("error", exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    return results


def _unexpected(results, allowed=(DomainError,)):
    return [r[1] for r in results if r[0] == "error" and not isinstance(r[1], allowed)]


def _paid_at_provider(payment):
    """The shopper pays on the sandbox page; its notification is still on the way (held back here)."""
    return payments_testing.sandbox_paid_at_provider(payment_number=payment.number)


def _books_balance():
    assert_books_balance()


# ---------------------------------------------------------------- a. the last ten units


def _buyers(n):
    """n shoppers with one address each, created in bulk (each thread buys as one of them)."""
    return make_buyers(n, phone_prefix="137")


def test_fifty_buyers_of_the_last_ten_units_make_exactly_ten_orders(make_product, shop):
    sku = make_product(shop=shop, title="限量款 Limited", price=5900, stock=10).skus.get()
    buyers = _buyers(62)

    def buy(user, address_id, *skus):
        return lambda: checkout_and_pay(user=user, address_id=address_id, clear_cart=False,
                                        items=[CheckoutItem(s.pk, 1) for s in skus])

    results = run_together(*[buy(u, a, sku) for u, a in buyers[:50]])

    assert _unexpected(results) == []
    won = [r for r in results if r[0] == "ok"]
    lost = [r[1] for r in results if r[0] == "error"]
    assert len(won) == 10
    assert len(lost) == 40
    assert {exc.code for exc in lost} == {"out_of_stock"}
    sku.refresh_from_db()
    assert sku.stock == 0
    assert Order.objects.count() == 10
    assert OrderLine.objects.aggregate(q=Sum("quantity"))["q"] == 10
    assert len(payments_testing.payments()) == 10
    assert len({o.user_id for o in Order.objects.all()}) == 10

    # Buyers of two SKUs listing them in opposite orders neither deadlock nor oversell.
    a = make_product(shop=shop, title="A", stock=6).skus.get()
    b = make_product(shop=shop, title="B", stock=6).skus.get()
    results = run_together(*[buy(u, addr, a, b) if i % 2 else buy(u, addr, b, a)
                             for i, (u, addr) in enumerate(buyers[50:])])
    assert _unexpected(results) == []
    assert sum(r[0] == "ok" for r in results) == 6
    assert sku_stocks(sku_ids=[a.pk, b.pk]) == {a.pk: 0, b.pk: 0}


# ---------------------------------------------------------------- b. duplicate notifications


def test_twenty_duplicate_notifications_and_polls_capture_exactly_once(place_order, make_product, shop):
    sku = make_product(shop=shop, title="热卖 Hot", price=5900, stock=10).skus.get()
    orders, payment = place_order([(sku, 2)])
    trade = _paid_at_provider(payment)
    params = notification_params(trade)

    notify = [lambda: payment_handle_notification(provider="sandbox", data=dict(params)) for _ in range(20)]
    poll = [lambda: payment_sync(payment_number=payment.number).status for _ in range(5)]
    results = run_together(*notify, *poll)

    assert _unexpected(results, allowed=()) == []
    assert [r[1] for r in results[:20]] == ["success"] * 20
    assert {r[1] for r in results[20:]} == {PaymentStatus.PAID}
    assert transaction_get(key=f"payment-capture:{payment.number}") is not None
    assert transaction_count(kind="payment.capture") == 1
    assert transaction_count(kind="order.allocate") == 1
    order = Order.objects.get(pk=orders[0].pk)
    assert order.status == OrderStatus.PAID
    assert order.events.filter(kind="paid").count() == 1
    assert product_get(product_id=sku.product_id).sold_count == 2
    assert balance(code="provider:sandbox:cash") == 11800
    assert balance(code="platform:clearing") == 0
    assert balance(code=f"merchant:{shop.pk}:pending") == -11800
    outcomes = [note.outcome for note in payments_testing.notifications()]
    assert len(outcomes) == 20
    assert outcomes.count("captured") <= 1  # a poll may have captured first
    assert not payments_testing.refunds()
    _books_balance()


# ---------------------------------------------------------------- c. cancel racing the capture


def _check_race_outcome(order, payment, sku_stock_before, qty, sku):
    order.refresh_from_db()
    sku.refresh_from_db()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID  # the provider has the money either way
    refunds = payments_testing.refunds(payment_number=payment.number)
    if order.status == OrderStatus.PAID:
        assert refunds == []
        assert sku.stock == sku_stock_before - qty
        assert transaction_get(key=f"order-paid:{order.pk}") is not None
    else:
        assert order.status == OrderStatus.CANCELLED
        assert [(r.key, r.amount, r.status) for r in refunds] == [
            (f"unpayable:{payment.number}:{order.number}", order.total, "succeeded")]
        assert sku.stock == sku_stock_before  # the stock came back exactly once
        assert transaction_get(key=f"order-paid:{order.pk}") is None
    return order.status


def test_a_cancel_or_the_timeout_sweep_racing_the_capture_either_loses_or_the_money_is_refunded_once(
        place_order, make_product, shop):
    sku = make_product(shop=shop, title="X", price=3000, stock=100).skus.get()
    for _round in range(6):  # the shopper cancels while the money arrives
        before = sku_get(sku_id=sku.pk).stock
        orders, payment = place_order([(sku, 2)])
        trade = _paid_at_provider(payment)
        order = orders[0]
        results = run_together(
            lambda o=order: order_cancel(order_id=o.pk, reason="changed my mind", user=o.user),
            lambda t=trade: payment_handle_notification(provider="sandbox", data=notification_params(t)),
        )
        assert _unexpected(results, allowed=(Conflict,)) == [], results
        assert results[1] == ("ok", "success")
        _check_race_outcome(order, payment, before, 2, sku)

    for _round in range(4):  # the payment-timeout sweep fires while the money arrives
        before = sku_get(sku_id=sku.pk).stock
        orders, payment = place_order([(sku, 1)])
        trade = _paid_at_provider(payment)
        with clock.travel(dt.timedelta(minutes=15, seconds=1)):
            results = run_together(
                orders_expire_unpaid,
                lambda t=trade: payment_handle_notification(provider="sandbox", data=notification_params(t)),
            )
        assert _unexpected(results, allowed=()) == [], results
        _check_race_outcome(orders[0], payment, before, 1, sku)
    assert balance(code="platform:clearing") == 0
    _books_balance()


# ---------------------------------------------------------------- d. sweeps twice at once


def test_sweeps_run_twice_at_once_act_once(place_order, make_product, shop):
    # the payment-timeout sweep: six unpaid orders, two sweeps at once
    sku = make_product(shop=shop, title="Z", stock=50).skus.get()
    for _ in range(6):
        place_order([(sku, 2)])
    assert sku_get(sku_id=sku.pk).stock == 38
    with clock.travel(dt.timedelta(minutes=16)):
        results = run_together(orders_expire_unpaid, orders_expire_unpaid)
    assert _unexpected(results, allowed=()) == []
    assert sum(r[1] for r in results) == 6
    assert Order.objects.filter(status=OrderStatus.CANCELLED).count() == 6
    assert sku_get(sku_id=sku.pk).stock == 50
    assert len(payments_testing.payments(status=PaymentStatus.CLOSED)) == 6

    # the settlement sweep: five completed orders past their return window, three sweeps at once
    sold = make_product(shop=shop, title="W", price=5999, stock=50).skus.get()
    for _ in range(5):
        orders, _payment = place_order([(sold, 1)], pay=True)
        order_mark_shipped(order_id=orders[0].pk, carrier="sf", tracking_number=f"SF{orders[0].pk}")
        order_confirm_receipt(order_id=orders[0].pk, user=orders[0].user)
    with clock.travel(dt.timedelta(days=7, minutes=1)):
        results = run_together(settle_due_orders, settle_due_orders, settle_due_orders)
    assert _unexpected(results, allowed=()) == []
    settlements = settlement_testing.settlements()
    assert len(settlements) == 5
    assert transaction_count(kind="order.settle") == 5
    assert {(s.gross, s.fee, s.net) for s in settlements} == {(6799, 299, 6500)}
    assert -balance(code=f"merchant:{shop.pk}:available") == 5 * 6500
    assert -balance(code="revenue:take_rate") == 5 * 299
    assert balance(code=f"merchant:{shop.pk}:pending") == 0
    assert Order.objects.filter(settled_at__isnull=False).count() == 5

    # payout requests at once can never withdraw more than is available (¥325.00 here)
    results = run_together(*[lambda: payout_request(shop=shop, amount=20000, bank_account="6222") for _ in range(4)])
    assert _unexpected(results) == []
    assert sum(r[0] == "ok" for r in results) == 1
    assert {r[1].code for r in results if r[0] == "error"} == {"insufficient_balance"}
    assert -balance(code=f"merchant:{shop.pk}:available") == 5 * 6500 - 20000
    _books_balance()


# ---------------------------------------------------------------- e. refunds at once


def test_concurrent_refund_requests_on_one_line_never_refund_more_than_was_paid(place_order, make_product, shop):
    sku = make_product(shop=shop, title="R", price=2000, stock=20).skus.get()
    orders, payment = place_order([(sku, 5)], pay=True)  # ¥100, free shipping
    order = orders[0]
    line = order.lines.get()

    def ask_and_approve(amount):
        def run():
            after_sale = aftersale_request(user=order.user, order_id=order.pk, line_id=line.pk, kind="refund_only",
                                           quantity=1, reason="changed_mind", amount=amount)
            return aftersale_approve(shop=shop, after_sale_id=after_sale.pk).status
        return run

    for _round in range(3):
        results = run_together(*[ask_and_approve(2000) for _ in range(8)])
        assert _unexpected(results) == [], results

    order.refresh_from_db()
    line.refresh_from_db()
    refunded = sum(r.amount for r in payments_testing.refunds(payment_number=payment.number))
    assert refunded == order.refunded_total == line.refunded_amount == 2000 * line.refunded_quantity
    assert 1 <= line.refunded_quantity <= 5
    assert refunded <= order.total
    assert sku_get(sku_id=sku.pk).stock == 20 - 5 + line.refunded_quantity
    assert -balance(code=f"merchant:{shop.pk}:pending") == order.total - refunded
    assert balance(code="platform:clearing") == 0
    _books_balance()


def test_approvals_at_once_refund_shipping_once_and_race_the_timeout_sweep_safely(place_order, make_product, shop):
    # the last two lines refunded at once: only one of them carries the shipping fee
    a = make_product(shop=shop, title="A", price=1000, stock=5).skus.get()
    b = make_product(shop=shop, title="B", price=1500, stock=5).skus.get()
    orders, _payment = place_order([(a, 1), (b, 1)], pay=True)
    order = orders[0]
    assert order.total == 1000 + 1500 + 800
    requests = [aftersale_request(user=order.user, order_id=order.pk, line_id=ln.pk, kind="refund_only", quantity=1,
                                  reason="changed_mind") for ln in order.lines.all()]

    results = run_together(*[lambda r=r: aftersale_approve(shop=shop, after_sale_id=r.pk) for r in requests])

    assert _unexpected(results, allowed=()) == []
    order.refresh_from_db()
    assert order.status == OrderStatus.CLOSED
    assert order.refunded_total == order.total == 3300
    assert sorted(r.amount for r in payments_testing.refunds()) in ([1000, 2300], [1500, 1800])
    assert balance(code=f"merchant:{shop.pk}:pending") == 0

    # the merchant approves just as the 48-hour timeout sweep approves the same request
    sku = make_product(shop=shop, title="S", price=2000, stock=5).skus.get()
    orders, _payment = place_order([(sku, 1)], pay=True)
    order = orders[0]
    after_sale = aftersale_request(user=order.user, order_id=order.pk, line_id=order.lines.get().pk,
                                   kind="refund_only", quantity=1, reason="changed_mind")
    with clock.travel(dt.timedelta(hours=49)):
        results = run_together(lambda: aftersale_approve(shop=shop, after_sale_id=after_sale.pk),
                               aftersale_sweep_timeouts)
    assert _unexpected(results, allowed=(Conflict,)) == []
    assert AfterSale.objects.get(pk=after_sale.pk).status == "refunded"
    assert [r.amount for r in payments_testing.refunds(payment_number=order.payment_number)] == [2000 + 800]
    assert sku_get(sku_id=sku.pk).stock == 5
    _books_balance()
