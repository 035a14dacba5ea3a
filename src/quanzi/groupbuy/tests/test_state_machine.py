"""A hypothesis state machine over group buying: shoppers open groups and join them, pay (some twice,
some late), let unpaid orders time out, time passes and the expiry sweep runs, the merchant ends the
campaign. After every step:

- a group never holds more members than its size, its counters match its members, and it never
  has more paid members than its size;
- a succeeded group's paid members' orders are released (`paid`); a closed group leaves no member
  waiting once the sweep has run;
- every captured payment whose order did not go through is refunded exactly once, in full; no
  payment refunds more than it captured;
- units are conserved: SKU stock + the campaign pool + units held by live orders == the initial stock;
- the ledger balances.
"""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)

from quanzi.catalog.selectors import pool_units
from quanzi.core import clock
from quanzi.core.errors import DomainError
from quanzi.core.sweeps import run_sweeps
from quanzi.groupbuy import services
from quanzi.groupbuy.models import Group, GroupMember, GroupStatus, MemberStatus
from quanzi.ledger.selectors import unbalanced_transactions
from quanzi.orders.constants import OrderStatus
from quanzi.orders.services import order_cancel
from quanzi.orders.testing import order_get, orders, units_kept_in_orders
from quanzi.payments.constants import PaymentStatus
from quanzi.payments.services import payment_handle_notification
from quanzi.payments.testing import (
    payments,
    refunds,
    sandbox_notification,
    sandbox_paid_at_provider,
    submit_refunds,
)

pytestmark = pytest.mark.django_db
WORLD: dict = {}
LIVE = (OrderStatus.PENDING_PAYMENT, OrderStatus.AWAITING_RELEASE, OrderStatus.PAID)


class GroupBuying(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.savepoint = transaction.savepoint()
        self.time = contextlib.ExitStack()
        self.orders: list[int] = []
        self.swept = False

    def teardown(self):
        self.time.close()
        transaction.savepoint_rollback(self.savepoint)

    def _pick(self, ids, i):
        ids = sorted(ids)
        return ids[i % len(ids)] if ids else None

    def _after(self):
        submit_refunds()

    def _try(self, fn):
        try:
            result = fn()
        except DomainError:
            self.swept = False
            return None
        self.swept = False
        if result is not None:
            self.orders.append(result[1].pk)
        return result

    @rule(u=st.integers(0, 5), q=st.integers(1, 2))
    def open_group(self, u, q):
        user = WORLD["shoppers"][u]
        self._try(lambda: services.group_open(user=user, campaign_id=WORLD["campaign"].pk, sku_id=WORLD["sku"].pk,
                                              quantity=q, address_id=user.addresses.get().pk))
        self._after()

    @rule(u=st.integers(0, 5), g=st.integers(0, 20))
    def join(self, u, g):
        pk = self._pick(Group.objects.filter(campaign=WORLD["campaign"]).values_list("pk", flat=True), g)
        if pk is None:  # (by id, not by the random number: the same steps pick the same group every run)
            return
        number = Group.objects.get(pk=pk).number
        user = WORLD["shoppers"][u]
        self._try(lambda: services.group_join(user=user, number=number, sku_id=WORLD["sku"].pk,
                                              address_id=user.addresses.get().pk))
        self._after()

    @rule(o=st.integers(0, 50), times=st.integers(1, 2), late=st.booleans())
    def pay(self, o, times, late):
        """The shopper pays an unpaid order, or (late) any order, even one that timed out: the money
        arrives anyway. Maybe the notification comes twice."""
        candidates = orders(order_ids=self.orders, status=None if late else OrderStatus.PENDING_PAYMENT)
        pk = self._pick([c.pk for c in candidates], o)
        if pk is None:
            return
        number = order_get(order_id=pk).payment_number
        sandbox_paid_at_provider(payment_number=number)
        params = sandbox_notification(number)
        for _ in range(times):
            assert payment_handle_notification(provider="sandbox", data=params) == "success"
        self.swept = False
        self._after()

    @rule(o=st.integers(0, 50))
    def unpaid_order_times_out(self, o):
        pk = self._pick([c.pk for c in orders(order_ids=self.orders, status=OrderStatus.PENDING_PAYMENT)], o)
        if pk is not None:
            order_cancel(order_id=pk, reason="timeout", actor="system")
            self.swept = False
        self._after()

    @rule(hours=st.sampled_from([1, 6, 13]))
    def time_passes_and_the_sweep_runs(self, hours):
        self.time.enter_context(clock.travel(dt.timedelta(hours=hours)))
        assert run_sweeps(["groupbuy_expire"])["groupbuy_expire"] >= 0
        run_sweeps(["groupbuy_expire"])
        self._after()
        self.swept = True

    @rule()
    def merchant_ends_the_campaign(self):
        if len(self.orders) < 6:  # not too early, or most runs would test an ended campaign
            return
        with contextlib.suppress(DomainError):
            services.campaign_end(campaign_id=WORLD["campaign"].pk)
        self.swept = False
        self._after()

    # ---------------------------------------------------------------- invariants

    @invariant()
    def groups_never_overfill_and_counters_match(self):
        for group in Group.objects.filter(campaign=WORLD["campaign"]):
            holding = group.members.filter(status__in=[MemberStatus.PENDING, MemberStatus.PAID]).count()
            assert group.joined_count <= group.size and group.paid_count <= group.size
            if group.status == GroupStatus.OPEN:
                assert group.joined_count == holding
                assert group.paid_count == group.members.filter(status=MemberStatus.PAID).count()
            if group.status == GroupStatus.SUCCEEDED:
                paid = group.members.filter(status=MemberStatus.PAID).values_list("order_id", flat=True)
                for order in orders(order_ids=paid):
                    assert order.status == OrderStatus.PAID
            if group.status != GroupStatus.OPEN and self.swept:
                assert not group.members.filter(status=MemberStatus.PENDING).exists()
                if group.status == GroupStatus.FAILED:
                    assert not group.members.filter(status=MemberStatus.PAID).exists()

    @invariant()
    def every_unused_payment_is_refunded_exactly_once(self):
        for payment in payments(status=PaymentStatus.PAID):
            made = [r.amount for r in refunds(payment_number=payment.number)]
            assert sum(made) <= payment.amount
            order = order_get(payment_number=payment.number)
            if order.status in (OrderStatus.CLOSED, OrderStatus.CANCELLED):
                assert made == [payment.amount], (order.status, made)
            else:
                assert made == []

    @invariant()
    def units_are_conserved(self):
        sku = WORLD["sku"]
        sku.refresh_from_db()
        pool = pool_units(pools=[WORLD["campaign"].stock_pool])[WORLD["campaign"].stock_pool]
        held = units_kept_in_orders(statuses=LIVE, sku_ids=[sku.pk])
        assert sku.stock >= 0 and pool >= 0
        assert sku.stock + pool + held == WORLD["stock"]

    @invariant()
    def books_balance(self):
        assert unbalanced_transactions() == []
        assert not GroupMember.objects.filter(status=MemberStatus.PAID, paid=False).exists()


def test_group_buying_keeps_every_promise(shop, make_product, make_shopper):
    product = make_product(shop=shop, stock=30)
    sku = product.skus.get()
    now = clock.now()
    campaign = services.campaign_create(shop=shop, product_id=product.pk, group_size=2, fill_seconds=12 * 3600,
                                        skus=[{"sku_id": sku.pk, "group_price": 3900, "stock": 12}],
                                        per_user_limit=3, starts_at=now, ends_at=now + dt.timedelta(days=60))
    services.campaign_activate(campaign_id=campaign.pk)
    WORLD.update(campaign=campaign, sku=sku, shoppers=[make_shopper() for _ in range(6)], stock=30)
    try:
        run_state_machine_as_test(GroupBuying, settings=settings(
            max_examples=25, stateful_step_count=30, deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
    finally:
        WORLD.clear()
