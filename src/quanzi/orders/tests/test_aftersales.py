"""After-sales: refund only before shipping, 7-day return and refund, partial refunds per line,
merchant review, escalation to the operator, and the timeouts that keep requests moving."""

import datetime as dt

import pytest

from quanzi.core import clock
from quanzi.core.errors import BusinessRuleViolation, Conflict, DomainError, NotFound, ValidationFailed
from quanzi.ledger.selectors import balance
from quanzi.orders.aftersales import (
    aftersale_approve,
    aftersale_cancel,
    aftersale_confirm_return,
    aftersale_decide,
    aftersale_escalate,
    aftersale_reject,
    aftersale_request,
    aftersale_ship_return,
    aftersale_sweep_timeouts,
)
from quanzi.orders.constants import AfterSaleStatus, OrderStatus
from quanzi.orders.models import Order
from quanzi.orders.services import order_mark_delivered, order_mark_shipped, order_refund_all
from quanzi.payments import testing as payments_testing
from quanzi.payments.constants import RefundStatus

pytestmark = pytest.mark.django_db
A = AfterSaleStatus


@pytest.fixture
def goods(make_product, shop):
    tee = make_product(shop=shop, title="T恤", price=2900, stock=10).skus.get()
    socks = make_product(shop=shop, title="袜子", price=1500, stock=10).skus.get()
    return tee, socks


@pytest.fixture
def paid_order(place_order, goods):
    """T恤 ¥29 × 1 + 袜子 ¥15 × 2 = ¥59 + ¥8 shipping = ¥67, paid."""
    tee, socks = goods
    orders, _payment = place_order([(tee, 1), (socks, 2)], pay=True)
    order = orders[0]
    assert (order.items_total, order.shipping_fee, order.total) == (5900, 800, 6700)
    return order


@pytest.fixture
def delivered_order(paid_order):
    order_mark_shipped(order_id=paid_order.pk, carrier="sf", tracking_number="SF1")
    order_mark_delivered(order_id=paid_order.pk)
    return Order.objects.get(pk=paid_order.pk)


def _line(order, title):
    return order.lines.get(title=title)


def _request(order, title, *, kind="refund_only", quantity=1, reason="changed_mind", amount=None):
    return aftersale_request(user=order.user, order_id=order.pk, line_id=_line(order, title).pk, kind=kind,
                             quantity=quantity, reason=reason, amount=amount)


def _stock(sku):
    sku.refresh_from_db()
    return sku.stock


def _pending(shop):
    return -balance(code=f"merchant:{shop.pk}:pending")


# ---------------------------------------------------------------- refund only (before shipping)


def test_refund_only_before_shipping_refunds_the_line_restocks_and_pulls_from_the_merchant(
        paid_order, goods, shop, submit_refunds, ledger_balanced):
    _tee, socks = goods
    assert _pending(shop) == 6700

    after_sale = _request(paid_order, "袜子", quantity=1)
    assert (after_sale.status, after_sale.amount, after_sale.restock) == (A.REQUESTED, 1500, True)
    aftersale_approve(shop=shop, after_sale_id=after_sale.pk)
    submit_refunds()

    after_sale.refresh_from_db()
    assert after_sale.status == A.REFUNDED
    order = Order.objects.get(pk=paid_order.pk)
    assert order.status == OrderStatus.PAID  # the rest still ships
    assert order.refunded_total == 1500
    line = _line(order, "袜子")
    assert (line.refunded_quantity, line.refunded_amount) == (1, 1500)
    assert _stock(socks) == 9  # 10 − 2 + 1
    assert _pending(shop) == 6700 - 1500
    refund = payments_testing.refund_get(key=f"aftersale:{after_sale.pk}")
    assert (refund.amount, refund.status) == (1500, RefundStatus.SUCCEEDED)
    assert balance(code="provider:sandbox:cash") == 6700 - 1500
    assert balance(code="platform:clearing") == 0
    ledger_balanced()


def test_refunding_everything_before_shipping_refunds_the_shipping_fee_and_closes_the_order(
        paid_order, goods, shop, submit_refunds, ledger_balanced):
    tee, socks = goods
    aftersale_approve(shop=shop, after_sale_id=_request(paid_order, "袜子", quantity=2).pk)
    order = Order.objects.get(pk=paid_order.pk)
    assert (order.status, order.refunded_total) == (OrderStatus.PAID, 3000)

    last = _request(order, "T恤")
    aftersale_approve(shop=shop, after_sale_id=last.pk)
    submit_refunds()

    order = Order.objects.get(pk=paid_order.pk)
    assert order.status == OrderStatus.CLOSED
    assert order.refunded_total == order.total == 6700
    assert payments_testing.refund_get(key=f"aftersale:{last.pk}").amount == 2900 + 800  # the last one carries shipping
    assert (_stock(tee), _stock(socks)) == (10, 10)
    assert _pending(shop) == 0
    assert balance(code="provider:sandbox:cash") == 0
    ledger_balanced()


def test_an_open_refund_request_blocks_shipping(paid_order):
    _request(paid_order, "袜子")
    with pytest.raises(Conflict) as exc:
        order_mark_shipped(order_id=paid_order.pk, carrier="sf", tracking_number="SF9")
    assert exc.value.code == "refund_pending"
    assert Order.objects.get(pk=paid_order.pk).status == OrderStatus.PAID


def test_refund_only_is_not_for_shipped_orders(paid_order):
    order_mark_shipped(order_id=paid_order.pk, carrier="sf", tracking_number="SF1")
    with pytest.raises(BusinessRuleViolation) as exc:
        _request(paid_order, "袜子")
    assert exc.value.code == "not_refundable"


def test_an_unpaid_order_has_no_after_sales(place_order, goods):
    tee, _socks = goods
    orders, _payment = place_order([(tee, 1)])
    with pytest.raises(BusinessRuleViolation):
        _request(orders[0], "T恤")
    with pytest.raises(BusinessRuleViolation) as exc:
        _request(orders[0], "T恤", kind="return_refund")
    assert exc.value.code == "not_returnable"


# ---------------------------------------------------------------- partial refunds and limits


def test_a_partial_amount_for_one_line(paid_order, shop):
    after_sale = _request(paid_order, "T恤", amount=1000, reason="damaged")
    aftersale_approve(shop=shop, after_sale_id=after_sale.pk)
    order = Order.objects.get(pk=paid_order.pk)
    assert order.refunded_total == 1000
    assert _line(order, "T恤").refundable_amount == 1900
    assert _pending(shop) == 5700


def test_refunding_more_than_was_paid_for_the_line_is_refused(paid_order):
    with pytest.raises(BusinessRuleViolation) as exc:
        _request(paid_order, "T恤", amount=2901)
    assert exc.value.code == "refund_exceeds_paid"
    assert exc.value.fields == {"amount": "max 2900"}
    with pytest.raises(BusinessRuleViolation) as exc:
        _request(paid_order, "袜子", quantity=1, amount=1501)  # one of two pairs: at most half the line
    assert exc.value.code == "refund_exceeds_paid"
    assert not paid_order.after_sales.exists()


@pytest.mark.parametrize("amount", [0, -100, True])
def test_a_refund_amount_must_be_positive_fen(paid_order, amount):
    with pytest.raises(BusinessRuleViolation) as exc:
        _request(paid_order, "T恤", amount=amount)
    assert exc.value.code == "refund_exceeds_paid"


def test_returning_more_than_was_bought_is_refused(paid_order, shop):
    with pytest.raises(BusinessRuleViolation) as exc:
        _request(paid_order, "袜子", quantity=3)
    assert exc.value.code == "quantity_limit"
    aftersale_approve(shop=shop, after_sale_id=_request(paid_order, "袜子", quantity=2).pk)
    with pytest.raises(BusinessRuleViolation):
        _request(paid_order, "袜子", quantity=1)  # both pairs are already refunded


@pytest.mark.parametrize("field,value", [("quantity", 0), ("reason", "because"), ("kind", "exchange")])
def test_invalid_requests_are_refused(paid_order, field, value):
    kwargs = {"kind": "refund_only", "quantity": 1, "reason": "quality", field: value}
    with pytest.raises(ValidationFailed):
        aftersale_request(user=paid_order.user, order_id=paid_order.pk,
                          line_id=_line(paid_order, "T恤").pk, **kwargs)


def test_one_open_request_per_line(paid_order):
    _request(paid_order, "袜子")
    with pytest.raises(Conflict) as exc:
        _request(paid_order, "袜子")
    assert exc.value.code == "aftersale_open"
    _request(paid_order, "T恤")  # another line is fine


def test_strangers_cannot_ask_or_decide(paid_order, make_shopper, make_shop):
    with pytest.raises(NotFound):
        aftersale_request(user=make_shopper(), order_id=paid_order.pk, line_id=_line(paid_order, "T恤").pk,
                          kind="refund_only", quantity=1, reason="quality")
    after_sale = _request(paid_order, "T恤")
    with pytest.raises(NotFound):
        aftersale_approve(shop=make_shop(), after_sale_id=after_sale.pk)
    with pytest.raises(NotFound):
        aftersale_escalate(user=make_shopper(), after_sale_id=after_sale.pk)
    after_sale.refresh_from_db()
    assert after_sale.status == A.REQUESTED


def test_the_shopper_can_withdraw_a_request(paid_order, shop):
    after_sale = _request(paid_order, "T恤")
    aftersale_cancel(user=paid_order.user, after_sale_id=after_sale.pk)
    after_sale.refresh_from_db()
    assert after_sale.status == A.CANCELLED
    with pytest.raises(Conflict):
        aftersale_approve(shop=shop, after_sale_id=after_sale.pk)
    assert Order.objects.get(pk=paid_order.pk).refunded_total == 0


# ---------------------------------------------------------------- return and refund (7 days)


def test_return_and_refund_inside_7_days(delivered_order, goods, shop, submit_refunds, ledger_balanced):
    tee, _socks = goods
    with clock.travel(dt.timedelta(days=6)):
        after_sale = _request(delivered_order, "T恤", kind="return_refund", reason="no_reason")
        assert after_sale.restock is False
        aftersale_approve(shop=shop, after_sale_id=after_sale.pk)
        after_sale.refresh_from_db()
        assert after_sale.status == A.APPROVED_AWAITING_RETURN
        aftersale_ship_return(user=delivered_order.user, after_sale_id=after_sale.pk, carrier="sf",
                              tracking_number="SF-BACK-1")
        after_sale.refresh_from_db()
        assert (after_sale.status, after_sale.return_tracking) == (A.RETURN_SHIPPED, "SF-BACK-1")
        aftersale_confirm_return(shop=shop, after_sale_id=after_sale.pk)
    submit_refunds()

    after_sale.refresh_from_db()
    assert after_sale.status == A.REFUNDED
    order = Order.objects.get(pk=delivered_order.pk)
    assert order.status == OrderStatus.DELIVERED
    assert order.refunded_total == 2900  # shipping is not refunded after delivery
    assert _stock(tee) == 9  # returned goods are inspected by the merchant, not put back automatically
    assert _pending(shop) == 6700 - 2900
    ledger_balanced()


def test_returning_everything_after_delivery_closes_the_order_without_refunding_shipping(delivered_order, shop):
    for title, qty in (("T恤", 1), ("袜子", 2)):
        after_sale = _request(delivered_order, title, kind="return_refund", quantity=qty, reason="quality")
        aftersale_approve(shop=shop, after_sale_id=after_sale.pk)
        aftersale_ship_return(user=delivered_order.user, after_sale_id=after_sale.pk, carrier="sf",
                              tracking_number=f"SF-{title}")
        aftersale_confirm_return(shop=shop, after_sale_id=after_sale.pk)
    order = Order.objects.get(pk=delivered_order.pk)
    assert order.status == OrderStatus.CLOSED
    assert order.refunded_total == 5900
    assert _pending(shop) == 800  # the merchant keeps the shipping fee


def test_returns_close_7_days_after_delivery(delivered_order):
    with clock.travel(dt.timedelta(days=7, minutes=1)):
        with pytest.raises(BusinessRuleViolation) as exc:
            _request(delivered_order, "T恤", kind="return_refund", reason="quality")
    assert exc.value.code == "return_window_closed"


def test_returns_open_only_once_delivered(paid_order):
    order_mark_shipped(order_id=paid_order.pk, carrier="sf", tracking_number="SF1")
    with pytest.raises(BusinessRuleViolation) as exc:
        _request(paid_order, "T恤", kind="return_refund", reason="quality")
    assert exc.value.code == "not_returnable"


def test_goods_exempt_from_7_day_returns_refuse_no_reason_but_not_a_defect(place_order, make_product, shop):
    custom = make_product(shop=shop, title="定制刻字 Engraved", returnable_7day=False).skus.get()
    orders, _payment = place_order([(custom, 1)], pay=True)
    order_mark_shipped(order_id=orders[0].pk, carrier="sf", tracking_number="SF1")
    order_mark_delivered(order_id=orders[0].pk)
    order = Order.objects.get(pk=orders[0].pk)
    assert order.lines.get().returnable_7day is False

    for reason in ("no_reason", "changed_mind"):
        with pytest.raises(BusinessRuleViolation) as exc:
            _request(order, "定制刻字 Engraved", kind="return_refund", reason=reason)
        assert exc.value.code == "not_returnable"
    assert _request(order, "定制刻字 Engraved", kind="return_refund", reason="damaged").status == A.REQUESTED


# ---------------------------------------------------------------- reject, escalate, decide


def test_merchant_rejects_with_a_reason_then_the_operator_decides_for_the_shopper(paid_order, shop, submit_refunds):
    after_sale = _request(paid_order, "T恤", reason="quality")
    with pytest.raises(ValidationFailed):
        aftersale_reject(shop=shop, after_sale_id=after_sale.pk, note="  ")
    aftersale_reject(shop=shop, after_sale_id=after_sale.pk, note="拆封了 opened")
    after_sale.refresh_from_db()
    assert (after_sale.status, after_sale.merchant_note) == (A.REJECTED, "拆封了 opened")

    aftersale_escalate(user=paid_order.user, after_sale_id=after_sale.pk, note="it arrived broken")
    with pytest.raises(ValidationFailed):
        aftersale_decide(after_sale_id=after_sale.pk, refund=True, note="")
    aftersale_decide(after_sale_id=after_sale.pk, refund=True, note="photos show damage")
    submit_refunds()

    after_sale.refresh_from_db()
    assert (after_sale.status, after_sale.operator_note) == (A.REFUNDED, "photos show damage")
    assert Order.objects.get(pk=paid_order.pk).refunded_total == 2900
    assert payments_testing.refund_get().amount == 2900
    kinds = list(paid_order.events.values_list("kind", flat=True))
    assert kinds[-4:] == ["aftersale_requested", "aftersale_rejected", "escalated", "refunded"]


def test_the_operator_can_decide_against_the_shopper(paid_order, shop):
    after_sale = _request(paid_order, "T恤", reason="quality")
    aftersale_reject(shop=shop, after_sale_id=after_sale.pk, note="no")
    aftersale_escalate(user=paid_order.user, after_sale_id=after_sale.pk)
    aftersale_decide(after_sale_id=after_sale.pk, refund=False, note="used item")
    after_sale.refresh_from_db()
    assert after_sale.status == A.CLOSED
    assert Order.objects.get(pk=paid_order.pk).refunded_total == 0
    assert not payments_testing.refunds()
    with pytest.raises(Conflict):
        aftersale_decide(after_sale_id=after_sale.pk, refund=True, note="changed my mind")


def test_only_a_rejected_request_can_be_escalated_and_only_escalated_ones_decided(paid_order):
    after_sale = _request(paid_order, "T恤")
    with pytest.raises(Conflict):
        aftersale_escalate(user=paid_order.user, after_sale_id=after_sale.pk)
    with pytest.raises(Conflict):
        aftersale_decide(after_sale_id=after_sale.pk, refund=True, note="x")


def test_approving_twice_refunds_once(paid_order, shop):
    after_sale = _request(paid_order, "T恤")
    aftersale_approve(shop=shop, after_sale_id=after_sale.pk)
    with pytest.raises(Conflict):
        aftersale_approve(shop=shop, after_sale_id=after_sale.pk)
    assert len(payments_testing.refunds()) == 1
    assert Order.objects.get(pk=paid_order.pk).refunded_total == 2900


# ---------------------------------------------------------------- timeouts


def test_a_merchant_silent_for_48_hours_is_taken_as_approval(paid_order, goods, shop):
    _tee, socks = goods
    after_sale = _request(paid_order, "袜子", quantity=2)
    with clock.travel(dt.timedelta(hours=47)):
        assert aftersale_sweep_timeouts() == 0
    with clock.travel(dt.timedelta(hours=48, minutes=1)):
        assert aftersale_sweep_timeouts() == 1
        assert aftersale_sweep_timeouts() == 0
    after_sale.refresh_from_db()
    assert after_sale.status == A.REFUNDED
    assert _stock(socks) == 10
    assert Order.objects.get(pk=paid_order.pk).refunded_total == 3000


def test_return_timeouts_approve_then_close_if_never_sent_back(delivered_order):
    after_sale = _request(delivered_order, "T恤", kind="return_refund", reason="quality")
    with clock.travel(dt.timedelta(hours=49)):
        aftersale_sweep_timeouts()
        after_sale.refresh_from_db()
        assert after_sale.status == A.APPROVED_AWAITING_RETURN
    with clock.travel(dt.timedelta(hours=49) + dt.timedelta(days=7, minutes=1)):
        assert aftersale_sweep_timeouts() == 1
    after_sale.refresh_from_db()
    assert after_sale.status == A.CLOSED
    assert Order.objects.get(pk=delivered_order.pk).refunded_total == 0


def test_a_return_the_merchant_never_confirms_is_refunded_after_7_days(delivered_order, shop):
    after_sale = _request(delivered_order, "T恤", kind="return_refund", reason="quality")
    aftersale_approve(shop=shop, after_sale_id=after_sale.pk)
    aftersale_ship_return(user=delivered_order.user, after_sale_id=after_sale.pk, carrier="sf", tracking_number="B1")
    with clock.travel(dt.timedelta(days=7, minutes=1)):
        assert aftersale_sweep_timeouts() == 1
    after_sale.refresh_from_db()
    assert after_sale.status == A.REFUNDED
    assert Order.objects.get(pk=delivered_order.pk).refunded_total == 2900


# ---------------------------------------------------------------- interplay with a full refund


def test_an_open_request_cannot_pay_out_again_after_the_order_was_refunded_in_full(paid_order, shop):
    after_sale = _request(paid_order, "袜子", quantity=1)
    order_refund_all(order_id=paid_order.pk, reason="operator refunded everything")

    with pytest.raises(DomainError):
        aftersale_approve(shop=shop, after_sale_id=after_sale.pk)
    order = Order.objects.get(pk=paid_order.pk)
    assert order.refunded_total == order.total == 6700
    assert sum(r.amount for r in payments_testing.refunds()) == 6700


# ---------------------------------------------------------------- a rejected request must not freeze the order


def test_after_rejecting_a_refund_request_the_merchant_can_ship(paid_order, shop):
    after_sale = _request(paid_order, "T恤", reason="changed_mind")
    aftersale_reject(shop=shop, after_sale_id=after_sale.pk, note="已打包，马上发货 already packed")

    order_mark_shipped(order_id=paid_order.pk, carrier="sf", tracking_number="SF1")

    assert Order.objects.get(pk=paid_order.pk).status == OrderStatus.SHIPPED


def test_a_rejected_request_the_shopper_abandons_does_not_hold_the_merchants_money_forever(delivered_order, shop):
    from quanzi.orders.tasks import orders_auto_confirm
    from quanzi.settlement.tasks import settle_due_orders

    after_sale = _request(delivered_order, "T恤", kind="return_refund", reason="quality")
    aftersale_reject(shop=shop, after_sale_id=after_sale.pk, note="no defect on the photos")
    with clock.travel(dt.timedelta(days=30)):
        aftersale_sweep_timeouts()
        orders_auto_confirm()
        settle_due_orders()

    assert Order.objects.get(pk=delivered_order.pk).settled_at is not None
