"""A hypothesis state machine over orders, payments, refunds, after-sales, shipping and settlement.

Shoppers place orders (random SKUs and quantities; small stock so `out_of_stock` happens), pay,
get duplicate/late/lost notifications, cancel, let orders time out, ship, deliver, confirm, ask for
refunds and returns (approved, rejected, escalated, decided, timed out), the operator refunds whole
orders, and time passes so that sweeps settle. After every step the books must hold:

- the ledger balances (every transaction sums to 0, all postings sum to 0);
- no stock is negative, and free stock + units held by live orders == the initial stock
  (units refunded before shipping go back; returns after delivery do not);
- no order refunds more than it took, no payment refunds more than it captured;
- conservation: what the provider holds == captured − refunded == what merchants are owed
  (pending + available) + the platform's revenue, with clearing back at zero;
- sold counts equal the paid quantities;
- every order only ever moved along ORDER_TRANSITIONS.

Each example runs inside a savepoint that is rolled back in `teardown`, so examples are independent
on SQLite and PostgreSQL alike; after-commit refund submission is run by hand after every step.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections import defaultdict

import pytest
from django.db import transaction
from django.db.models import F, Q, Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from quanzi.catalog import testing as catalog_testing
from quanzi.core import clock
from quanzi.core.errors import DomainError
from quanzi.core.testing import run_outbox_hooks
from quanzi.ledger import testing as ledger_testing
from quanzi.ledger.selectors import trial_balance
from quanzi.orders import aftersales as asv
from quanzi.orders.checkout import checkout_and_pay, order_payment_start
from quanzi.orders.constants import AfterSaleStatus, OrderStatus
from quanzi.orders.models import AfterSale, Order, OrderLine
from quanzi.orders.services import CheckoutItem, order_cancel, order_confirm_receipt, order_refund_all
from quanzi.orders.states import ORDER_TRANSITIONS
from quanzi.orders.tasks import orders_auto_confirm, orders_expire_unpaid
from quanzi.payments import testing as payments_testing
from quanzi.payments.constants import PaymentStatus, RefundStatus
from quanzi.payments.providers.sandbox import SandboxProvider, deliver_notification, notification_params
from quanzi.payments.services import (
    payment_handle_notification,
    payment_sync,
    payments_expire,
    payments_poll,
)
from quanzi.settlement import testing as settlement_testing
from quanzi.settlement.tasks import settle_due_orders
from quanzi.shipping.services import carrier_signature, shipment_create, tracking_webhook

pytestmark = pytest.mark.django_db


def _reachable() -> dict[str, set[str]]:
    """status → every status reachable from it in zero or more transitions."""
    closure = {s: {s} for s in ORDER_TRANSITIONS}
    changed = True
    while changed:
        changed = False
        for seen in closure.values():
            more = set().union(*(ORDER_TRANSITIONS[t] for t in seen)) - seen
            if more:
                seen |= more
                changed = True
    return closure


REACHABLE = _reachable()
WORLD: dict = {}  # filled by the test: shops, skus, shoppers, initial stock (rolled back per example)


class Commerce(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.savepoint = transaction.savepoint()
        self.time = contextlib.ExitStack()
        self.orders: list[int] = []
        self.payments: list[str] = []
        self.after_sales: list[int] = []
        self.seen_status: dict[int, str] = {}
        self.tracking = 0

    def teardown(self):
        self.time.close()
        transaction.savepoint_rollback(self.savepoint)

    # ---------------------------------------------------------------- helpers

    def _choose(self, ids, i):
        """Pick one of `ids` (a list or a values_list), or None when there is nothing to act on."""
        ids = sorted(ids)
        return ids[i % len(ids)] if ids else None

    def _order(self, i, *statuses) -> Order | None:
        qs = Order.objects.filter(pk__in=self.orders)
        if statuses:
            qs = qs.filter(status__in=statuses)
        pk = self._choose(qs.values_list("pk", flat=True), i)
        return None if pk is None else Order.objects.select_related("shop", "user").get(pk=pk)

    def _payment(self, i, status=None) -> str | None:
        found = payments_testing.payments(numbers=self.payments, status=status or None)
        return self._choose([p.number for p in found], i)

    def _after_sale(self, k, *statuses) -> AfterSale | None:
        qs = AfterSale.objects.filter(pk__in=self.after_sales)
        if statuses:
            qs = qs.filter(status__in=statuses)
        pk = self._choose(qs.values_list("pk", flat=True), k)
        return None if pk is None else AfterSale.objects.select_related("order__shop", "order__user").get(pk=pk)

    def _after_commit(self):
        """What a commit would have run: outbox deliveries (sold counts), refunds submitted to the provider."""
        run_outbox_hooks()
        payments_testing.submit_refunds()

    def _try(self, fn, *args, **kwargs):
        """Run one use case like a request would: its own atomic block; a domain error is a refusal."""
        try:
            with transaction.atomic():
                result = fn(*args, **kwargs)
        except DomainError:
            result = None
        self._after_commit()
        return result

    def _travel(self, delta: dt.timedelta):
        self.time.enter_context(clock.travel(delta))

    # ---------------------------------------------------------------- shopper: buy and pay

    @initialize(buyer=st.integers(0, 1), sku=st.integers(0, 2))
    def first_order(self, buyer, sku):
        self.place_order(buyer, [(sku, 1)])

    def place_order(self, buyer, lines):
        user = WORLD["shoppers"][buyer]
        items = [CheckoutItem(WORLD["skus"][i].pk, q) for i, q in lines]
        placed = self._try(checkout_and_pay, user=user, address_id=user.addresses.get().pk, items=items,
                           clear_cart=False)
        if placed:
            orders, payment = placed
            self.orders.extend(o.pk for o in orders)
            self.payments.append(payment.number)

    def _shopper_pays(self, number: str, *, notification_arrives: bool):
        SandboxProvider().pay(out_trade_no=number)
        if notification_arrives:
            deliver_notification(payments_testing.sandbox_trade(payment_number=number).pk)
            self._after_commit()

    def pay_and_notify(self, i):
        number = self._payment(i, PaymentStatus.CREATED)
        if number:
            self._shopper_pays(number, notification_arrives=True)

    def pay_but_the_notification_is_lost(self, i):
        number = self._payment(i, PaymentStatus.CREATED)
        if number:
            self._shopper_pays(number, notification_arrives=False)

    def duplicate_late_or_stale_notification(self, i, status):
        paid = payments_testing.sandbox_trades(payment_numbers=self.payments, status="TRADE_SUCCESS")
        number = self._choose([t.out_trade_no for t in paid], i)
        if number:
            trade = payments_testing.sandbox_trade(payment_number=number)
            assert payment_handle_notification(provider="sandbox",
                                               data=notification_params(trade, status=status)) == "success"
            self._after_commit()

    def shopper_returns_and_the_platform_polls(self, i):
        number = self._payment(i)
        if number:
            self._try(payment_sync, payment_number=number)

    def pay_again(self, i):
        order = self._order(i, OrderStatus.PENDING_PAYMENT)
        if order:
            payment = self._try(order_payment_start, user=order.user, order_number=order.number)
            if payment is not None and payment.number not in self.payments:
                self.payments.append(payment.number)

    def cancel(self, i, any_order):
        order = self._order(i) if any_order else self._order(i, OrderStatus.PENDING_PAYMENT)
        if order:
            self._try(order_cancel, order_id=order.pk, reason="changed my mind", user=order.user)

    # ---------------------------------------------------------------- merchant and carrier

    def ship(self, i, any_order):
        order = self._order(i) if any_order else self._order(i, OrderStatus.PAID)
        if order:
            self.tracking += 1
            self._try(shipment_create, shop=order.shop, order_number=order.number, carrier="sandbox",
                      tracking_number=f"QZSM{self.tracking:06d}")

    def carrier_delivers(self, i):
        from quanzi.shipping.testing import shipments

        order = self._order(i, OrderStatus.SHIPPED, OrderStatus.CLOSED)
        shipment = order and next(iter(shipments(order_id=order.pk)), None)
        if shipment:
            body = json.dumps({"event_id": f"{shipment.tracking_number}-d", "status": "delivered",
                               "tracking_number": shipment.tracking_number, "description": "签收"}).encode()
            self._try(tracking_webhook, carrier="sandbox", body=body, signature=carrier_signature(body))

    def confirm_receipt(self, i):
        order = self._order(i, OrderStatus.SHIPPED, OrderStatus.DELIVERED)
        if order:
            self._try(order_confirm_receipt, order_id=order.pk, user=order.user)

    def operator_refunds_everything(self, i):
        """The operator (or a failed group buy) refunds a paid, unshipped order in full."""
        order = self._order(i, OrderStatus.PAID, OrderStatus.AWAITING_RELEASE)
        if order:
            self._try(order_refund_all, order_id=order.pk, reason="operator decision")

    # ---------------------------------------------------------------- after-sales

    def ask_for_a_refund(self, i, j, qty, kind, reason, part):
        order = self._order(i, OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.COMPLETED)
        if order is None:
            return
        lines = list(order.lines.all())
        line = lines[j % len(lines)]
        remaining = line.quantity - line.refunded_quantity
        quantity = qty if qty == 3 else max(1, min(qty, remaining))  # 3 often asks for more than is left
        amount = None if part is None else max(1, line.refundable_amount * part // 100)
        after_sale = self._try(asv.aftersale_request, user=order.user, order_id=order.pk, line_id=line.pk, kind=kind,
                               quantity=quantity, reason=reason, amount=amount)
        if after_sale is not None:
            self.after_sales.append(after_sale.pk)

    def merchant_approves(self, k):
        a = self._after_sale(k, AfterSaleStatus.REQUESTED)
        if a:
            self._try(asv.aftersale_approve, shop=a.order.shop, after_sale_id=a.pk)

    def merchant_rejects(self, k):
        a = self._after_sale(k, AfterSaleStatus.REQUESTED, AfterSaleStatus.RETURN_SHIPPED)
        if a:
            self._try(asv.aftersale_reject, shop=a.order.shop, after_sale_id=a.pk, note="no")

    def shopper_sends_goods_back(self, k):
        a = self._after_sale(k, AfterSaleStatus.APPROVED_AWAITING_RETURN)
        if a:
            self._try(asv.aftersale_ship_return, user=a.order.user, after_sale_id=a.pk, carrier="sf",
                      tracking_number="B1")

    def merchant_receives_the_return(self, k):
        a = self._after_sale(k, AfterSaleStatus.RETURN_SHIPPED)
        if a:
            self._try(asv.aftersale_confirm_return, shop=a.order.shop, after_sale_id=a.pk)

    def shopper_escalates(self, k):
        a = self._after_sale(k, AfterSaleStatus.REJECTED)
        if a:
            self._try(asv.aftersale_escalate, user=a.order.user, after_sale_id=a.pk, note="please help")

    def operator_decides(self, k, refund):
        a = self._after_sale(k, AfterSaleStatus.ESCALATED)
        if a:
            self._try(asv.aftersale_decide, after_sale_id=a.pk, refund=refund, note="decided")

    def shopper_withdraws(self, k):
        a = self._after_sale(k)
        if a:
            self._try(asv.aftersale_cancel, user=a.order.user, after_sale_id=a.pk)

    # ---------------------------------------------------------------- time and sweeps

    @rule(step=st.sampled_from([dt.timedelta(minutes=16), dt.timedelta(hours=49), dt.timedelta(days=8),
                                dt.timedelta(days=11)]))
    def time_passes(self, step):
        self._travel(step)
        payments_poll()
        orders_expire_unpaid()
        payments_expire()
        asv.aftersale_sweep_timeouts()
        orders_auto_confirm()
        self._after_commit()
        settle_due_orders()

    # ---------------------------------------------------------------- the rules: a few, each with many moves
    # (few rules, because hypothesis' swarm testing switches whole rules off per example)

    @rule(buyer=st.integers(0, 1),
          lines=st.lists(st.tuples(st.integers(0, 2), st.integers(1, 3)), min_size=1, max_size=3),
          then=st.sampled_from(["nothing", "pay", "pay", "pay_but_the_notification_is_lost"]))
    def shopper_buys(self, buyer, lines, then):
        before = len(self.payments)
        self.place_order(buyer, lines)
        if then != "nothing" and len(self.payments) > before:
            self._shopper_pays(self.payments[-1], notification_arrives=then == "pay")

    @rule(action=st.sampled_from(["pay_and_notify", "pay_but_the_notification_is_lost",
                                  "shopper_returns_and_the_platform_polls", "pay_again", "resend", "resend_stale"]),
          i=st.integers(0, 1000))
    def payment_happens(self, action, i):
        if action.startswith("resend"):
            self.duplicate_late_or_stale_notification(i, "WAIT_BUYER_PAY" if action == "resend_stale" else None)
        else:
            getattr(self, action)(i)

    @rule(action=st.sampled_from(["cancel", "cancel_any", "ship", "ship", "ship_any", "deliver", "deliver",
                                  "confirm", "refund_everything"]),
          i=st.integers(0, 1000))
    def order_moves(self, action, i):
        if action == "refund_everything":
            self.operator_refunds_everything(i)
        elif action.startswith("cancel"):
            self.cancel(i, action == "cancel_any")
        elif action.startswith("ship"):
            self.ship(i, action == "ship_any")
        elif action == "deliver":
            self.carrier_delivers(i)
        else:
            self.confirm_receipt(i)

    @rule(i=st.integers(0, 1000), j=st.integers(0, 10), qty=st.integers(1, 3),
          kind=st.sampled_from(["refund_only", "return_refund"]),
          reason=st.sampled_from(["no_reason", "quality"]), part=st.sampled_from([None, None, 1, 50, 100]))
    def shopper_asks_for_a_refund(self, i, j, qty, kind, reason, part):
        self.ask_for_a_refund(i, j, qty, kind, reason, part)

    @rule(action=st.sampled_from(["merchant_approves", "merchant_approves", "merchant_rejects",
                                  "shopper_sends_goods_back", "merchant_receives_the_return", "shopper_escalates",
                                  "operator_decides", "shopper_withdraws"]),
          k=st.integers(0, 1000), refund=st.booleans())
    def after_sale_moves(self, action, k, refund):
        if action == "operator_decides":
            self.operator_decides(k, refund)
        else:
            getattr(self, action)(k)

    # ---------------------------------------------------------------- invariants

    @invariant()
    def ledger_balances(self):
        ledger_testing.assert_books_balance()

    @invariant()
    def stock_is_never_negative_and_is_conserved(self):
        """free stock + units held by live orders == initial stock. Units refunded before the parcel
        left go back to stock (refund only, or a full refund of an unshipped order); returns after
        delivery do not (the merchant inspects and restocks by hand)."""
        assert not catalog_testing.negative_stock_exists()
        live = OrderLine.objects.exclude(order__status=OrderStatus.CANCELLED)
        unshipped = dict(live.filter(order__shipped_at__isnull=True).values("sku_id")
                         .annotate(q=Sum(F("quantity") - F("refunded_quantity"))).values_list("sku_id", "q"))
        shipped = dict(live.filter(order__shipped_at__isnull=False).values("sku_id")
                       .annotate(q=Sum("quantity")).values_list("sku_id", "q"))
        restocked = dict(AfterSale.objects.filter(status=AfterSaleStatus.REFUNDED, restock=True,
                                                  order__shipped_at__isnull=False)
                         .values("line__sku_id").annotate(q=Sum("quantity")).values_list("line__sku_id", "q"))
        for sku in [catalog_testing.sku_get(sku_id=s.pk) for s in WORLD["skus"]]:
            held = unshipped.get(sku.pk, 0) + shipped.get(sku.pk, 0) - restocked.get(sku.pk, 0)
            assert sku.stock + held == WORLD["stock"][sku.pk], (sku.pk, sku.stock, held)

    @invariant()
    def refunds_never_exceed_what_was_paid(self):
        assert not Order.objects.filter(refunded_total__gt=F("total")).exists()
        assert not OrderLine.objects.filter(Q(refunded_amount__gt=F("line_total")) |
                                            Q(refunded_quantity__gt=F("quantity"))).exists()
        refunded_by_order = defaultdict(int)
        for refund in payments_testing.refunds(exclude_key_prefix="unpayable:"):
            refunded_by_order[refund.reference] += refund.amount
        for order in Order.objects.all():
            assert order.refunded_total == refunded_by_order.get(order.number, 0), order.number
            lines = order.lines.aggregate(a=Sum("refunded_amount"))["a"] or 0
            assert lines <= order.refunded_total <= lines + order.shipping_fee
            if order.refunded_total:
                assert order.paid_at is not None
        for payment in payments_testing.payments():
            refunded = sum(r.amount for r in payments_testing.refunds(payment_number=payment.number))
            assert refunded <= payment.amount
            assert refunded == 0 or payment.status == PaymentStatus.PAID

    @invariant()
    def money_is_conserved(self):
        assert all(r.status == RefundStatus.SUCCEEDED for r in payments_testing.refunds())
        books = defaultdict(int)
        for account, bal in trial_balance():
            books[account.code] = bal
        captured = sum(p.amount for p in payments_testing.payments(status=PaymentStatus.PAID))
        refunded = sum(r.amount for r in payments_testing.refunds())
        assert books["platform:clearing"] == 0
        assert books["provider:sandbox:cash"] == captured - refunded
        merchants = sum(bal for code, bal in books.items() if code.startswith("merchant:"))
        assert -merchants - books["revenue:take_rate"] == captured - refunded
        # every captured fen went either to an order or straight back as an unpayable refund
        paid_orders = Order.objects.filter(paid_at__isnull=False).aggregate(s=Sum("total"))["s"] or 0
        unpayable = sum(r.amount for r in payments_testing.refunds(key_prefix="unpayable:"))
        assert captured == paid_orders + unpayable
        settlements = settlement_testing.settlements()
        assert -books["revenue:take_rate"] == sum(s.fee for s in settlements)
        for shop in WORLD["shops"]:
            owed = sum(o.total - o.refunded_total for o in
                       Order.objects.filter(shop=shop, paid_at__isnull=False, settled_at__isnull=True))
            assert -books[f"merchant:{shop.pk}:pending"] == owed
            net = sum(s.net for s in settlements if s.shop_id == shop.pk)
            assert -books[f"merchant:{shop.pk}:available"] == net

    @invariant()
    def captures_and_allocations_happen_once(self):
        paid_numbers = {p.number for p in payments_testing.payments(status=PaymentStatus.PAID)}
        captures = [t.ref_id for t in ledger_testing.transactions(kind="payment.capture")]
        assert sorted(captures) == sorted(paid_numbers)
        allocated = [t.ref_id for t in ledger_testing.transactions(kind="order.allocate")]
        paid_orders = {str(pk) for pk in Order.objects.filter(paid_at__isnull=False).values_list("pk", flat=True)}
        assert sorted(allocated) == sorted(paid_orders)
        assert not Order.objects.filter(status=OrderStatus.CANCELLED, paid_at__isnull=False).exists()

    @invariant()
    def sold_counts_are_paid_quantities(self):
        sold = dict(OrderLine.objects.filter(order__paid_at__isnull=False).values("product_id")
                    .annotate(q=Sum("quantity")).values_list("product_id", "q"))
        for product_id, count in catalog_testing.products_sold_counts(shop_ids=[s.pk for s in WORLD["shops"]]).items():
            assert count == sold.get(product_id, 0)

    @invariant()
    def orders_only_move_along_the_transition_table(self):
        for pk, status in Order.objects.filter(pk__in=self.orders).values_list("pk", "status"):
            assert status in ORDER_TRANSITIONS
            before = self.seen_status.get(pk, OrderStatus.PENDING_PAYMENT)
            assert status in REACHABLE[before], (pk, before, status)
            self.seen_status[pk] = status
            if status == OrderStatus.CLOSED:
                assert not OrderLine.objects.filter(order_id=pk, refunded_quantity__lt=F("quantity")).exists()


def test_orders_payments_and_refunds_keep_the_books_straight(make_shop, make_product, make_shopper):
    shop_a, shop_b = make_shop(), make_shop(take_rate_bps=250)
    skus = [make_product(shop=shop_a, title="T恤", price=2900, stock=6).skus.get(),
            make_product(shop=shop_a, title="定制杯", price=6900, stock=4, returnable_7day=False).skus.get(),
            make_product(shop=shop_b, title="大衣", price=12000, stock=3).skus.get()]
    WORLD.update(shops=[shop_a, shop_b], skus=skus, shoppers=[make_shopper(), make_shopper()],
                 stock={s.pk: s.stock for s in skus})
    try:
        run_state_machine_as_test(Commerce, settings=settings(
            max_examples=20, stateful_step_count=40, deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
    finally:
        WORLD.clear()

