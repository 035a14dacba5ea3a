"""Concurrency on PostgreSQL: settlement run twice at once releases each commission once; a refund
racing settlement leaves the books exact whichever wins."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from quanzi.commission.constants import CommissionStatus
from quanzi.commission.models import Commission
from quanzi.commission.services import commission_release, commission_void
from quanzi.core import clock
from quanzi.core.errors import DomainError
from quanzi.ledger.selectors import unbalanced_transactions
from quanzi.ledger.testing import postings_total, transaction_count
from quanzi.orders.aftersales import (
    aftersale_approve,
    aftersale_confirm_return,
    aftersale_request,
    aftersale_ship_return,
)
from quanzi.settlement.services import order_settle
from quanzi.settlement.testing import settlements

from .conftest import AFTER_WINDOW

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(*calls):
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


def _books_balance():
    assert unbalanced_transactions() == []
    assert postings_total() == 0


@pytest.fixture
def sale(shop, make_product, make_plan, make_user, bind_upline, attributed_order, complete_order):
    upline, sharer = make_user(), make_user()
    bind_upline(sharer, upline)
    sku = make_product(shop=shop, price=5000, stock=20).skus.get()
    make_plan(shop, rate_bps=2000)
    order = complete_order(attributed_order([(sku, 2)], sharer=sharer))
    return order, sharer, upline


def test_settlement_run_twice_at_once_releases_once(sale, wallet_of):
    order, sharer, upline = sale
    with clock.travel(AFTER_WINDOW):
        results = run_together(*[lambda: order_settle(order_id=order.pk) for _ in range(4)])
    assert [r[0] for r in results] == ["ok"] * 4
    assert len(settlements()) == 1
    assert transaction_count(kind="commission.release") == 2
    assert wallet_of(sharer) == {"pending": 0, "available": 1000}
    assert wallet_of(upline) == {"pending": 0, "available": 400}
    _books_balance()


def test_a_refund_racing_settlement_stays_exact(sale, submit_refunds, wallet_of):
    order, sharer, upline = sale
    after_sale = aftersale_request(user=order.user, order_id=order.pk, line_id=order.lines.get().pk,
                                   kind="return_refund", quantity=1, reason="quality")
    aftersale_approve(shop=order.shop, after_sale_id=after_sale.pk)
    aftersale_ship_return(user=order.user, after_sale_id=after_sale.pk, carrier="sf", tracking_number="R1")
    with clock.travel(AFTER_WINDOW):
        results = run_together(lambda: aftersale_confirm_return(shop=order.shop, after_sale_id=after_sale.pk),
                               lambda: order_settle(order_id=order.pk))
    assert [r for r in results if r[0] == "error"] == []
    submit_refunds()
    rows = {c.level: c for c in Commission.objects.filter(order=order)}
    # half the line came back: half of each commission is taken back, whichever transaction went first
    assert (rows[1].amount, rows[1].reversed, rows[2].amount, rows[2].reversed) == (1000, 500, 400, 200)
    held_by_sharer = wallet_of(sharer)
    assert held_by_sharer["pending"] + held_by_sharer["available"] == 500
    assert sum(wallet_of(upline).values()) == 200
    _books_balance()


def test_operator_decisions_racing_settlement_move_the_money_once(sale, make_user, wallet_of):
    from quanzi.commission.services import settings_update

    order, sharer, _upline = sale
    settings_update(data={"max_orders_per_device": 100})
    Commission.objects.filter(order=order).update(status=CommissionStatus.HELD)
    c1, c2 = Commission.objects.filter(order=order).order_by("level")
    operator = make_user(is_staff=True)
    with clock.travel(AFTER_WINDOW):
        results = run_together(lambda: order_settle(order_id=order.pk),
                               lambda: commission_release(commission_id=c1.pk, actor=operator),
                               lambda: commission_release(commission_id=c1.pk, actor=operator),
                               lambda: commission_void(commission_id=c2.pk, actor=operator, note="fraud"),
                               lambda: commission_void(commission_id=c2.pk, actor=operator, note="fraud"))
    errors = [r[1] for r in results if r[0] == "error"]
    assert len(errors) == 2 and all(isinstance(e, DomainError) for e in errors)
    c1.refresh_from_db()
    assert c1.status == CommissionStatus.AVAILABLE
    assert wallet_of(sharer) == {"pending": 0, "available": 1000}
    assert transaction_count(kind="commission.void") == 1
    _books_balance()
