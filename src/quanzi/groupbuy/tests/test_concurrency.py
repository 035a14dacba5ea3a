"""Group buying under concurrency, on PostgreSQL: real threads, one connection each, released together.

PostgreSQL allows 100 connections here (the test's own is one of them), so the "100 joiners" run as
100 join attempts spread over 48 threads started by one barrier: every attempt races the others.
"""

from __future__ import annotations

import datetime as dt

import pytest

from quanzi.core import clock
from quanzi.core.errors import DomainError
from quanzi.core.sweeps import run_sweeps
from quanzi.core.testing import run_pool
from quanzi.groupbuy import services
from quanzi.groupbuy.models import Group, GroupMember, GroupStatus, MemberStatus
from quanzi.ledger.selectors import unbalanced_transactions
from quanzi.ledger.testing import postings_total
from quanzi.orders.constants import OrderStatus
from quanzi.orders.testing import orders
from quanzi.payments.constants import PaymentStatus
from quanzi.payments.services import payment_handle_notification
from quanzi.payments.testing import (
    payment_get,
    payments,
    refunds,
    sandbox_notification,
    sandbox_paid_at_provider,
    submit_refunds,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _paid_at_provider(number: str) -> dict:
    sandbox_paid_at_provider(payment_number=number)
    return sandbox_notification(number)


def _notify(params: dict):
    return lambda: payment_handle_notification(provider="sandbox", data=params)


def _settle_refunds():
    submit_refunds()


def _books_balance():
    assert unbalanced_transactions() == []
    assert postings_total() == 0


def _refunded_once(order):
    """All the money of this order came back, in exactly one refund."""
    made = [r for r in refunds(payment_number=order.payment_number)
            if r.reference == order.number or r.key.startswith(f"unpayable:{order.payment_number}:{order.number}")]
    assert [r.amount for r in made] == [order.total], [(r.key, r.amount) for r in made]


def test_100_joiners_for_the_last_spot_exactly_one_gets_it(open_group, join_group, make_shopper, pay, gsku):
    leader, second = make_shopper(), make_shopper()
    group, _, payment = open_group(leader)
    pay(payment.number)
    join_group(second, group)
    joiners = [make_shopper() for _ in range(100)]
    results = run_pool([lambda u=u: join_group(u, group) for u in joiners], threads=48)
    ok = [r for r in results if r[0] == "ok"]
    errors = [r[1] for r in results if r[0] == "error"]
    assert len(ok) == 1
    assert len(errors) == 99 and all(isinstance(e, DomainError) and e.code == "group_full" for e in errors), \
        {type(e).__name__ + ":" + getattr(e, "code", str(e)) for e in errors}
    group.refresh_from_db()
    assert group.joined_count == 3
    assert GroupMember.objects.filter(group=group).count() == 3
    # the losers were never charged: no order, no payment
    assert sum(len(orders(user=u)) for u in joiners) == 1
    assert sum(len(payments(user=u)) for u in joiners) == 1


def test_the_last_two_payments_racing_succeed_the_group_once(open_group, join_group, make_shopper, pay):
    a, b, c = make_shopper(), make_shopper(), make_shopper()
    group, oa, pa = open_group(a)
    pay(pa.number)
    _, ob, pb = join_group(b, group)
    _, oc, pc = join_group(c, group)
    notes = [_paid_at_provider(pb.number), _paid_at_provider(pc.number)]
    results = run_pool([_notify(notes[0]), _notify(notes[1]), _notify(notes[0]), _notify(notes[1])], threads=4)
    assert all(r[0] == "ok" for r in results), results
    group.refresh_from_db()
    assert group.status == GroupStatus.SUCCEEDED and group.paid_count == 3
    assert {o.status for o in orders(order_ids=[oa.pk, ob.pk, oc.pk])} == {OrderStatus.PAID}
    assert not refunds()
    _books_balance()


def test_payments_racing_the_expiry_sweeps_are_refunded_exactly_once(open_group, join_group, make_shopper, pay):
    a, b, c = make_shopper(), make_shopper(), make_shopper()
    group, oa, pa = open_group(a)
    pay(pa.number)
    _, ob, pb = join_group(b, group)
    _, oc, pc = join_group(c, group)
    pay(pc.number)
    with clock.travel(dt.timedelta(hours=24, seconds=1)):
        late = _paid_at_provider(pb.number)  # b pays just as the group runs out of time
        sweep = lambda: run_sweeps(["groupbuy_expire"])  # noqa: E731
        results = run_pool([sweep, sweep, sweep, _notify(late), _notify(late)], threads=5)
        assert all(r[0] == "ok" for r in results), results
        run_sweeps(["groupbuy_expire"])
    _settle_refunds()
    group.refresh_from_db()
    assert group.status == GroupStatus.FAILED and group.paid_count <= group.size
    for order in (oa, ob, oc):
        order.refresh_from_db()
        assert order.status in (OrderStatus.CLOSED, OrderStatus.CANCELLED)
        _refunded_once(order)
    assert not GroupMember.objects.filter(group=group, status__in=[MemberStatus.PENDING, MemberStatus.PAID]).exists()
    assert payment_get(number=pb.number).status == PaymentStatus.PAID
    _books_balance()


def test_the_expiry_sweep_run_concurrently_refunds_each_member_once(open_group, join_group, make_shopper, pay):
    members = [make_shopper() for _ in range(2)]
    group, oa, pa = open_group(members[0])
    pay(pa.number)
    _, ob, pb = join_group(members[1], group)
    pay(pb.number)
    with clock.travel(dt.timedelta(hours=24, seconds=1)):
        results = run_pool([lambda: services.group_expire(group_id=group.pk) or run_sweeps(["groupbuy_expire"])
                            for _ in range(6)], threads=6)
        assert all(r[0] == "ok" for r in results), results
    _settle_refunds()
    assert Group.objects.get(pk=group.pk).status == GroupStatus.FAILED
    for order in (oa, ob):
        order.refresh_from_db()
        assert order.status == OrderStatus.CLOSED
        _refunded_once(order)
    _books_balance()
