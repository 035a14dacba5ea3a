"""The batched commission path books exactly what the per-event path books.

One scenario — uplines, a sharer without one, a self-purchase, a multi-line order, fraud holds that
depend on earlier sales of the same batch, a partial and a full refund, settlement — is run twice on two
identical networks: once through the event handlers, order by order (`order.paid`, `order.refunded`,
`order_settle` → `order.settled`), once with the handlers' commission work recorded instead and replayed
through `commission_accrue_orders`, `commission_reverse_refunds` and `orders_settle` (→ `orders.settled`
→ `commission_release_orders`). Every Commission row, hold log, ledger transaction and settlement must
be the same, up to the ids.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quanzi.commission import services
from quanzi.commission.constants import CommissionStatus
from quanzi.commission.models import Commission, CommissionHoldLog
from quanzi.commission.services import RefundFact
from quanzi.core import clock
from quanzi.ledger.testing import transactions
from quanzi.orders.selectors import orders_by_id, orders_due_for_settlement
from quanzi.orders.services import order_refund_all
from quanzi.settlement.services import orders_settle
from quanzi.settlement.tasks import settle_due_orders
from quanzi.settlement.testing import settlements

from .conftest import AFTER_WINDOW

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(shop, make_product, make_plan):
    skus = make_product(shop=shop, price=3000, stock=500).skus.get(), make_product(shop=shop, price=1999,
                                                                                   stock=500).skus.get()
    make_plan(shop, rate_bps=2500)
    return skus


@pytest.fixture
def scenario(catalog, make_user, make_shopper, bind_upline, attributed_order, refund_line, complete_order):
    """`scenario()` → (roles {user id: name}, orders in placement order). Payments, refunds and completion
    run through the real flows; whatever is subscribed to the events does the commission work."""
    sku, sku2 = catalog

    def run():
        grand, upline, sharer, lone = (make_user(nickname=n) for n in ("grand", "upline", "sharer", "lone"))
        bind_upline(upline, grand)
        bind_upline(sharer, upline)
        buyers = [make_shopper() for _ in range(9)]
        roles = {grand.pk: "G", upline.pk: "U", sharer.pk: "S", lone.pk: "L",
                 **{b.pk: f"B{i}" for i, b in enumerate(buyers)}}
        orders = []
        for i in range(6):  # one device: the 6th is held (5 per device in 24 h), as are later sales to the address
            orders.append(attributed_order([(sku, 1 + i % 2)], sharer=sharer, user=buyers[i], device="a" * 16,
                                           ip=f"10.1.0.{i}"))
        orders.append(attributed_order([(sku, 2), (sku2, 1)], sharer=lone, user=buyers[6], device="b" * 16))
        shopper_sharer = make_shopper()
        roles[shopper_sharer.pk] = "SS"
        orders.append(attributed_order([(sku2, 1)], sharer=shopper_sharer, user=shopper_sharer))  # self: nothing
        orders.append(attributed_order([(sku2, 3)], sharer=sharer, user=buyers[7], device="c" * 16))
        orders.append(attributed_order([(sku, 1)], sharer=lone, user=buyers[8], device="d" * 16))

        refund_line(orders[6], quantity=1, line=orders[6].lines.order_by("id").first())  # a partial refund
        order_refund_all(order_id=orders[1].pk, reason="operator")  # a full refund
        for order in orders:
            order.refresh_from_db()
            if order.status != "closed":
                complete_order(order)
        fresh = orders_by_id(order_ids=[o.pk for o in orders])
        return roles, [fresh[o.pk] for o in orders]

    return run


def _code(code: str, roles: dict[int, str]) -> str:
    m = re.fullmatch(r"user:(\d+):(.+)", code)
    return f"user:{roles[int(m[1])]}:{m[2]}" if m else code


def _key(key: str) -> str:
    key = re.sub(r"^commission-accrue:\d+:", "commission-accrue:LINE:", key)
    key = re.sub(r"^commission-(reverse|release):\d+", r"commission-\1:C", key)
    key = re.sub(r"^order-(paid|settle):\d+", r"order-\1:O", key)
    return re.sub(r"(aftersale|order-full):\d+", r"\1:N", key)


def _ledger(ref_type: str, ref_id: int, roles: dict[int, str]) -> list:
    return sorted((t.kind, _key(t.idempotency_key),
                   sorted((_code(p.account.code, roles), p.amount) for p in t.postings.all()))
                  for t in transactions(ref_type=ref_type, ref_id=ref_id))


def snapshot(roles: dict[int, str], orders: list) -> dict:
    """Everything the two paths wrote for these orders, with ids replaced by roles and positions."""
    out = {}
    for i, order in enumerate(orders):
        line_pos = {ln.pk: j for j, ln in enumerate(order.lines.order_by("id"))}
        settlement = [(s.gross, s.fee, s.deducted, s.net) for s in settlements(order_id=order.pk)]
        out[("order", i)] = (_ledger("order", order.pk, roles), settlement, order.settled_at is not None,
                             order.events.filter(kind="settled").count())
        for c in Commission.objects.filter(order=order):
            assert c.order_line_id in line_pos
            out[("commission", i, line_pos[c.order_line_id], c.level)] = (
                roles[c.beneficiary_id], roles[c.sharer_id], roles[c.buyer_id], c.base, c.base_refunded, c.rate_bps,
                c.share_bps, c.amount, c.reversed, c.status, c.self_purchase, c.device, c.ip, c.address_hash,
                c.payer, c.buyer_new, c.quick_refund, c.hold_reason, c.created_at == order.paid_at,
                c.released_at is not None,
                list(CommissionHoldLog.objects.filter(commission=c).values_list("action", "reason")),
                _ledger("commission", c.pk, roles))
    return out


def test_the_batched_path_books_exactly_what_the_per_event_path_books(scenario, monkeypatch, ledger_balanced):
    # 1. per event: the handlers accrue, reverse and release order by order
    roles, orders = scenario()
    with clock.travel(AFTER_WINDOW):
        assert settle_due_orders() == len(orders)
    per_event = snapshot(roles, orders)

    # 2. batched: the handlers only record what they were asked; the batch services do the work
    accrued, refunded = [], []
    monkeypatch.setattr(services, "commission_accrue_order", lambda *, order_id: accrued.append(order_id) or [])
    monkeypatch.setattr(services, "commission_reverse_for_refund",
                        lambda *, order_id, line_id, key: refunded.append(RefundFact(order_id, line_id, key)) or 0)
    monkeypatch.setattr(services, "commission_release_order", lambda *, order_id: pytest.fail("per-order release"))
    roles2, orders2 = scenario()
    # Nothing in the payment, refund or completion flows reads commissions, and the accrual's base is the
    # line total: accruing after the refunds were recorded, then reversing, is what the events did in turn.
    assert len(services.commission_accrue_orders(order_ids=accrued)) == sum(k[0] == "commission" for k in per_event)
    assert services.commission_accrue_orders(order_ids=accrued) == []  # idempotent
    with CaptureQueriesContext(connection) as ctx:
        services.commission_reverse_refunds(refunds=refunded)
    assert len(ctx.captured_queries) <= 12  # savepoint, lock, orders, lines, settings, ledger (4), update
    with clock.travel(AFTER_WINDOW):
        due = orders_due_for_settlement()
        assert sorted(due) == sorted(o.pk for o in orders2)
        assert len(orders_settle(order_ids=due)) == len(orders2)
        assert orders_settle(order_ids=due) == []  # a second run settles nothing
    batched = snapshot(roles2, orders2)

    assert set(batched) == set(per_event)
    for key in per_event:
        assert batched[key] == per_event[key], key
    statuses = {v[9] for k, v in per_event.items() if k[0] == "commission"}
    assert {CommissionStatus.HELD, CommissionStatus.AVAILABLE, CommissionStatus.REVERSED} <= statuses
    ledger_balanced()
