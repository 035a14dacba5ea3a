"""An order's life: cancel or time out unpaid, ship, deliver, confirm (or auto-confirm), refund in full."""

import datetime as dt

import pytest

from quanzi.core import clock
from quanzi.core.errors import Conflict, NotFound
from quanzi.ledger.selectors import balance
from quanzi.orders.constants import OrderStatus
from quanzi.orders.models import Order
from quanzi.orders.services import (
    order_cancel,
    order_confirm_receipt,
    order_mark_delivered,
    order_mark_shipped,
    order_refund_all,
)
from quanzi.orders.tasks import orders_auto_confirm, orders_expire_unpaid
from quanzi.payments import testing as payments_testing
from quanzi.payments.constants import PaymentStatus

pytestmark = pytest.mark.django_db


def _stock(sku):
    sku.refresh_from_db()
    return sku.stock


def test_cancelling_an_unpaid_order_returns_its_stock_and_closes_the_payment(place_order, sku, shopper):
    orders, payment = place_order([(sku, 3)])
    assert _stock(sku) == 7

    order_cancel(order_id=orders[0].pk, reason="changed my mind", user=shopper)

    order = Order.objects.get(pk=orders[0].pk)
    assert order.status == OrderStatus.CANCELLED
    assert order.cancelled_at is not None and order.cancel_reason == "changed my mind"
    assert _stock(sku) == 10
    assert payments_testing.payment_get(payment_id=payment.pk).status == PaymentStatus.CLOSED
    assert payments_testing.sandbox_trade(payment_number=payment.number).status == "TRADE_CLOSED"
    assert list(order.events.values_list("kind", flat=True)) == ["created", "cancelled"]


def test_cancelling_twice_returns_stock_once(place_order, sku, shopper):
    orders, _payment = place_order([(sku, 3)])
    order_cancel(order_id=orders[0].pk, reason="x", user=shopper)
    with pytest.raises(Conflict) as exc:
        order_cancel(order_id=orders[0].pk, reason="x", user=shopper)
    assert exc.value.code == "invalid_order_state"
    assert _stock(sku) == 10


def test_another_user_cannot_cancel_my_order(place_order, sku, make_shopper):
    orders, _payment = place_order([(sku, 1)])
    with pytest.raises(NotFound):
        order_cancel(order_id=orders[0].pk, reason="x", user=make_shopper())
    assert Order.objects.get(pk=orders[0].pk).status == OrderStatus.PENDING_PAYMENT


def test_a_paid_order_cannot_be_cancelled(place_order, sku, shopper):
    orders, _payment = place_order([(sku, 1)], pay=True)
    with pytest.raises(Conflict):
        order_cancel(order_id=orders[0].pk, reason="x", user=shopper)
    assert Order.objects.get(pk=orders[0].pk).status == OrderStatus.PAID
    assert _stock(sku) == 9


def test_unpaid_orders_cancel_themselves_after_15_minutes_and_release_stock(place_order, sku, shopper):
    orders, payment = place_order([(sku, 4)])

    with clock.travel(dt.timedelta(minutes=14)):
        assert orders_expire_unpaid() == 0
    assert Order.objects.get(pk=orders[0].pk).status == OrderStatus.PENDING_PAYMENT

    with clock.travel(dt.timedelta(minutes=15, seconds=1)):
        assert orders_expire_unpaid() == 1
        assert orders_expire_unpaid() == 0  # the sweep is idempotent

    order = Order.objects.get(pk=orders[0].pk)
    assert order.status == OrderStatus.CANCELLED
    assert order.events.last().actor == "system"
    assert _stock(sku) == 10
    assert payments_testing.payment_get(payment_id=payment.pk).status == PaymentStatus.CLOSED


def test_the_payment_timeout_is_configurable(place_order, sku, settings):
    settings.QUANZI = {**settings.QUANZI, "PAYMENT_TIMEOUT_SECONDS": 60}
    orders, _payment = place_order([(sku, 1)])
    with clock.travel(dt.timedelta(seconds=61)):
        assert orders_expire_unpaid() == 1
    assert _stock(sku) == 10


def test_ship_deliver_confirm_moves_through_the_states_with_a_timeline(place_order, sku, shopper):
    orders, _payment = place_order([(sku, 1)], pay=True)
    order_id = orders[0].pk

    order_mark_shipped(order_id=order_id, carrier="sf", tracking_number="SF123")
    order_mark_delivered(order_id=order_id)
    order = Order.objects.get(pk=order_id)
    assert order.status == OrderStatus.DELIVERED
    assert order.return_window_closes_at - order.delivered_at == dt.timedelta(days=7)
    assert order.auto_confirm_at - order.delivered_at == dt.timedelta(days=10)

    order_confirm_receipt(order_id=order_id, user=shopper)
    order = Order.objects.get(pk=order_id)
    assert order.status == OrderStatus.COMPLETED
    assert list(order.events.values_list("kind", flat=True)) == ["created", "paid", "shipped", "delivered",
                                                                 "completed"]


def test_an_unpaid_order_cannot_be_shipped(place_order, sku):
    orders, _payment = place_order([(sku, 1)])
    with pytest.raises(Conflict) as exc:
        order_mark_shipped(order_id=orders[0].pk, carrier="sf", tracking_number="SF1")
    assert exc.value.code == "invalid_order_state"
    assert Order.objects.get(pk=orders[0].pk).status == OrderStatus.PENDING_PAYMENT


def test_confirming_a_shipped_order_delivers_it_first(place_order, sku, shopper):
    orders, _payment = place_order([(sku, 1)], pay=True)
    order_mark_shipped(order_id=orders[0].pk, carrier="sf", tracking_number="SF1")
    order_confirm_receipt(order_id=orders[0].pk, user=shopper)
    order = Order.objects.get(pk=orders[0].pk)
    assert order.status == OrderStatus.COMPLETED
    assert order.delivered_at is not None and order.return_window_closes_at is not None


def test_a_paid_unshipped_order_cannot_be_confirmed_and_another_user_cannot_confirm(place_order, sku, make_shopper):
    orders, _payment = place_order([(sku, 1)], pay=True)
    with pytest.raises(Conflict):
        order_confirm_receipt(order_id=orders[0].pk, user=orders[0].user)
    order_mark_shipped(order_id=orders[0].pk, carrier="sf", tracking_number="SF1")
    with pytest.raises(NotFound):
        order_confirm_receipt(order_id=orders[0].pk, user=make_shopper())
    assert Order.objects.get(pk=orders[0].pk).status == OrderStatus.SHIPPED


def test_delivered_orders_auto_confirm_after_10_days(place_order, sku):
    orders, _payment = place_order([(sku, 1)], pay=True)
    order_mark_shipped(order_id=orders[0].pk, carrier="sf", tracking_number="SF1")
    order_mark_delivered(order_id=orders[0].pk)

    with clock.travel(dt.timedelta(days=9, hours=23)):
        assert orders_auto_confirm() == 0
    with clock.travel(dt.timedelta(days=10, minutes=1)):
        assert orders_auto_confirm() == 1
        assert orders_auto_confirm() == 0

    order = Order.objects.get(pk=orders[0].pk)
    assert order.status == OrderStatus.COMPLETED
    assert order.events.last().actor == "system"


def test_an_open_return_request_stops_auto_confirm(place_order, sku, shopper):
    from quanzi.orders.aftersales import aftersale_request

    orders, _payment = place_order([(sku, 1)], pay=True)
    order_mark_shipped(order_id=orders[0].pk, carrier="sf", tracking_number="SF1")
    order_mark_delivered(order_id=orders[0].pk)
    aftersale_request(user=shopper, order_id=orders[0].pk, line_id=orders[0].lines.get().pk, kind="return_refund",
                      quantity=1, reason="quality")
    with clock.travel(dt.timedelta(days=10, minutes=1)):
        assert orders_auto_confirm() == 0
    assert Order.objects.get(pk=orders[0].pk).status == OrderStatus.DELIVERED


def test_delivery_is_idempotent(place_order, sku):
    orders, _payment = place_order([(sku, 1)], pay=True)
    order_mark_shipped(order_id=orders[0].pk, carrier="sf", tracking_number="SF1")
    first = order_mark_delivered(order_id=orders[0].pk).delivered_at
    with clock.travel(dt.timedelta(days=2)):
        order_mark_delivered(order_id=orders[0].pk)
    order = Order.objects.get(pk=orders[0].pk)
    assert order.delivered_at == first
    assert order.events.filter(kind="delivered").count() == 1


def test_refund_all_refunds_every_fen_closes_the_order_and_pulls_the_money_back(
        place_order, sku, shop, submit_refunds, ledger_balanced):
    orders, payment = place_order([(sku, 2)], pay=True)
    order = orders[0]
    assert order.total == 2 * 5900 + 0  # ¥118: free shipping

    order_refund_all(order_id=order.pk, reason="group failed")
    submit_refunds()

    order.refresh_from_db()
    assert order.status == OrderStatus.CLOSED
    assert order.refunded_total == order.total
    refund = payments_testing.refund_get(key=f"order-full:{order.pk}")
    assert (refund.amount, refund.status) == (11800, "succeeded")
    assert balance(code=f"merchant:{shop.pk}:pending") == 0
    assert balance(code="platform:clearing") == 0
    assert balance(code="provider:sandbox:cash") == 0
    ledger_balanced()
    # idempotent: a second call changes nothing
    order_refund_all(order_id=order.pk, reason="again")
    assert len(payments_testing.refunds()) == 1


def test_refund_all_of_an_unshipped_order_returns_its_stock(place_order, sku):
    orders, _payment = place_order([(sku, 2)], pay=True)
    assert _stock(sku) == 8
    order_refund_all(order_id=orders[0].pk, reason="group failed")
    assert _stock(sku) == 10


def test_refund_all_is_only_for_paid_unshipped_orders(place_order, sku):
    orders, _payment = place_order([(sku, 1)])
    with pytest.raises(Conflict):
        order_refund_all(order_id=orders[0].pk, reason="x")
