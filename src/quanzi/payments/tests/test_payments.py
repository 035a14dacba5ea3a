"""Payments through the sandbox provider: signed notifications, exactly-once capture, refunds."""

import datetime as dt

import pytest

from quanzi.core import clock
from quanzi.core.errors import BusinessRuleViolation, Conflict, NotFound, ValidationFailed
from quanzi.ledger.selectors import balance
from quanzi.ledger.testing import transaction_count, transaction_get
from quanzi.orders import testing as orders_testing
from quanzi.orders.checkout import order_payment_start
from quanzi.orders.constants import OrderStatus
from quanzi.orders.services import CheckoutItem, order_cancel
from quanzi.orders.tasks import orders_expire_unpaid
from quanzi.payments.constants import PaymentStatus, RefundStatus
from quanzi.payments.models import Payment, PaymentNotification, Refund, SandboxTrade
from quanzi.payments.providers.sandbox import (
    SandboxProvider,
    deliver_notification,
    notification_params,
    retry_due_notifications,
    sign,
    signed,
)
from quanzi.payments.services import (
    payment_capture,
    payment_handle_notification,
    payment_sync,
    payments_expire,
    payments_poll,
    refund_create,
    refund_submit,
    refunds_retry,
)

pytestmark = pytest.mark.django_db


def _trade(payment):
    return SandboxTrade.objects.get(out_trade_no=payment.number)


def _paid_at_provider(payment):
    """The shopper pays on the sandbox page; the notification has not reached us yet."""
    return SandboxProvider().pay(out_trade_no=payment.number)


def _order(order):
    return orders_testing.order_get(order_id=order.pk)


@pytest.fixture
def unpaid(place_order, sku):
    orders, payment = place_order([(sku, 2)])  # 2 × ¥59 = ¥118, free shipping
    return orders[0], payment


def test_a_genuine_notification_captures_the_payment_and_pays_the_order(unpaid, shop, ledger_balanced):
    order, payment = unpaid
    trade = _paid_at_provider(payment)

    answer = payment_handle_notification(provider="sandbox", data=notification_params(trade))

    assert answer == "success"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert payment.provider_trade_no == trade.trade_no
    assert _order(order).status == OrderStatus.PAID
    assert balance(code="provider:sandbox:cash") == 11800
    assert balance(code=f"merchant:{shop.pk}:pending") == -11800
    assert balance(code="platform:clearing") == 0
    assert PaymentNotification.objects.get().outcome == "captured"
    ledger_balanced()


def test_duplicate_notifications_capture_once(unpaid, sku, django_capture_on_commit_callbacks):
    order, payment = unpaid
    trade = _paid_at_provider(payment)

    with django_capture_on_commit_callbacks(execute=True):  # sold counts follow through the outbox
        answers = [payment_handle_notification(provider="sandbox", data=notification_params(trade)) for _ in range(5)]

    assert answers == ["success"] * 5
    assert transaction_count(kind="payment.capture") == 1
    assert transaction_get(key=f"payment-capture:{payment.number}") is not None
    assert list(PaymentNotification.objects.order_by("id").values_list("outcome", flat=True)) == [
        "captured", "duplicate", "duplicate", "duplicate", "duplicate"]
    assert _order(order).events.filter(kind="paid").count() == 1
    sku.product.refresh_from_db()
    assert sku.product.sold_count == 2


def test_a_notification_with_a_bad_signature_is_logged_and_changes_nothing(unpaid):
    order, payment = unpaid
    trade = _paid_at_provider(payment)
    params = notification_params(trade)
    params["sign"] = "0" * 64

    assert payment_handle_notification(provider="sandbox", data=params) == "failure"

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CREATED
    assert _order(order).status == OrderStatus.PENDING_PAYMENT
    note = PaymentNotification.objects.get()
    assert (note.signature_ok, note.outcome, note.payment_number) == (False, "rejected: bad signature", payment.number)
    assert transaction_count() == 0


def test_a_tampered_amount_breaks_the_signature(unpaid):
    order, payment = unpaid
    params = notification_params(_paid_at_provider(payment))
    params["total_amount"] = "0.01"

    assert payment_handle_notification(provider="sandbox", data=params) == "failure"
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.CREATED
    assert PaymentNotification.objects.get().signature_ok is False


@pytest.mark.parametrize("bad_sign", ["签名", "é" * 64, "\x00", "0" * 10000])
def test_garbage_signatures_are_rejected_not_crashed_on(unpaid, bad_sign):
    _order_, payment = unpaid
    params = {**notification_params(_paid_at_provider(payment)), "sign": bad_sign}
    assert payment_handle_notification(provider="sandbox", data=params) == "failure"
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.CREATED


def test_a_missing_signature_is_rejected(unpaid):
    _order_, payment = unpaid
    params = notification_params(_paid_at_provider(payment))
    del params["sign"]
    assert payment_handle_notification(provider="sandbox", data=params) == "failure"
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.CREATED


def test_a_correctly_signed_notification_with_another_amount_is_an_amount_mismatch(unpaid):
    order, payment = unpaid
    trade = _paid_at_provider(payment)
    params = signed({k: v for k, v in notification_params(trade).items() if k not in ("sign", "sign_type")}
                    | {"total_amount": "1.18"})

    assert payment_handle_notification(provider="sandbox", data=params) == "failure"

    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.CREATED
    assert _order(order).status == OrderStatus.PENDING_PAYMENT
    note = PaymentNotification.objects.get()
    assert (note.signature_ok, note.outcome) == (True, "rejected: amount_mismatch")
    assert transaction_count() == 0


def test_a_notification_for_an_unknown_payment_is_rejected(unpaid):
    params = signed({"out_trade_no": "P20990101NOPE", "trade_no": "SBX1", "total_amount": "1.00",
                     "trade_status": "TRADE_SUCCESS"})
    assert payment_handle_notification(provider="sandbox", data=params) == "failure"
    assert PaymentNotification.objects.get().outcome == "rejected: payment_not_found"


def test_a_wait_buyer_pay_notification_is_acknowledged_and_ignored(unpaid):
    order, payment = unpaid
    params = notification_params(_trade(payment), status="WAIT_BUYER_PAY")
    assert payment_handle_notification(provider="sandbox", data=params) == "success"
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.CREATED
    assert PaymentNotification.objects.get().outcome == "ignored: not a success status"


def test_a_stale_notification_after_the_capture_changes_nothing(unpaid):
    order, payment = unpaid
    trade = _paid_at_provider(payment)
    payment_handle_notification(provider="sandbox", data=notification_params(trade))
    stale = notification_params(trade, status="WAIT_BUYER_PAY")
    assert payment_handle_notification(provider="sandbox", data=stale) == "success"
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.PAID
    assert _order(order).status == OrderStatus.PAID


def test_capture_with_the_wrong_amount_is_refused(unpaid):
    _o, payment = unpaid
    with pytest.raises(BusinessRuleViolation) as exc:
        payment_capture(payment_number=payment.number, amount=payment.amount - 1)
    assert exc.value.code == "amount_mismatch"
    with pytest.raises(NotFound):
        payment_capture(payment_number="nope", amount=1)
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.CREATED


def test_sync_captures_when_the_provider_says_paid_and_the_notification_was_lost(unpaid):
    order, payment = unpaid
    assert payment_sync(payment_number=payment.number).status == PaymentStatus.CREATED  # not paid yet
    _paid_at_provider(payment)

    assert payment_sync(payment_number=payment.number).status == PaymentStatus.PAID
    assert payment_sync(payment_number=payment.number).status == PaymentStatus.PAID
    assert _order(order).status == OrderStatus.PAID
    assert transaction_count(kind="payment.capture") == 1


def test_the_poll_sweep_finds_a_payment_whose_notification_was_lost(unpaid):
    order, payment = unpaid
    _paid_at_provider(payment)
    assert payments_poll() == 0  # not due yet: the first query waits a minute
    with clock.travel(dt.timedelta(seconds=61)):
        assert payments_poll() == 1
    assert _order(order).status == OrderStatus.PAID


def test_the_sandbox_retries_until_the_platform_answers_success(unpaid, monkeypatch):
    from quanzi.payments.providers import sandbox

    order, payment = unpaid
    trade = _paid_at_provider(payment)

    def down(url, params):
        raise ConnectionError("platform is restarting")

    monkeypatch.setattr(sandbox, "_post", down)
    assert deliver_notification(trade.pk) is False
    trade.refresh_from_db()
    assert (trade.notify_attempts, trade.notified) == (1, False)
    assert trade.next_notify_at > clock.now()
    assert _order(order).status == OrderStatus.PENDING_PAYMENT

    monkeypatch.undo()
    assert retry_due_notifications() == 0  # not due yet
    with clock.travel(dt.timedelta(seconds=16)):
        assert retry_due_notifications() == 1
    trade.refresh_from_db()
    assert (trade.notify_attempts, trade.notified) == (2, True)
    assert _order(order).status == OrderStatus.PAID


def test_signatures_cover_every_field_but_the_signature():
    params = {"b": "2", "a": "1", "empty": ""}
    assert sign(params) == sign({"a": "1", "b": "2"})  # empty values do not count, order does not matter
    assert sign(params) != sign({"a": "1", "b": "3"})
    assert signed(params)["sign_type"] == "HMAC-SHA256"


# ---------------------------------------------------------------- cancelled meanwhile


def test_money_arriving_after_the_order_was_cancelled_is_refunded_automatically(
        unpaid, sku, shopper, submit_refunds, ledger_balanced):
    order, payment = unpaid
    trade = _paid_at_provider(payment)  # paid at the provider …
    order_cancel(order_id=order.pk, reason="changed my mind", user=shopper)  # … while the order is cancelled
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.CLOSED

    assert payment_handle_notification(provider="sandbox", data=notification_params(trade)) == "success"
    submit_refunds()

    order = _order(order)
    assert order.status == OrderStatus.CANCELLED
    assert order.events.filter(kind="late_payment_refunded").count() == 1
    refund = Refund.objects.get()
    assert refund.key == f"unpayable:{payment.number}:{order.number}"
    assert (refund.amount, refund.status) == (11800, RefundStatus.SUCCEEDED)
    sku.refresh_from_db()
    assert sku.stock == 10
    assert balance(code="provider:sandbox:cash") == 0
    assert balance(code="platform:clearing") == 0
    ledger_balanced()
    # a duplicate of the late notification refunds nothing more
    payment_handle_notification(provider="sandbox", data=notification_params(trade))
    assert Refund.objects.count() == 1


def test_money_arriving_after_the_timeout_sweep_is_refunded(unpaid, submit_refunds, ledger_balanced):
    order, payment = unpaid
    _paid_at_provider(payment)
    with clock.travel(dt.timedelta(minutes=16)):
        orders_expire_unpaid()
        payment_sync(payment_number=payment.number)
    submit_refunds()
    assert _order(order).status == OrderStatus.CANCELLED
    assert Refund.objects.get().amount == 11800
    assert balance(code="platform:clearing") == 0
    ledger_balanced()


def test_the_expire_sweep_polls_one_last_time_before_closing(unpaid):
    order, payment = unpaid
    _paid_at_provider(payment)
    with clock.travel(dt.timedelta(minutes=16)):
        assert payments_expire() == 1
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.PAID
    assert _order(order).status == OrderStatus.PAID  # the money arrived before the order was cancelled


def test_the_expire_sweep_closes_payments_nobody_paid(unpaid):
    _order_, payment = unpaid
    with clock.travel(dt.timedelta(minutes=16)):
        assert payments_expire() == 1
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.CLOSED
    assert _trade(payment).status == "TRADE_CLOSED"


def test_a_closed_trade_cannot_be_paid_at_the_sandbox(unpaid, shopper, pay):
    order, payment = unpaid
    order_cancel(order_id=order.pk, reason="x", user=shopper)
    pay(payment.number)
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.CLOSED
    assert transaction_count() == 0


# ---------------------------------------------------------------- paying again


@pytest.fixture
def two_shop_checkout(shopper, address, make_shop, make_product):
    from quanzi.orders.checkout import checkout_and_pay

    a = make_product(shop=make_shop(), title="A", price=5900).skus.get()
    b = make_product(shop=make_shop(), title="B", price=3900).skus.get()
    orders, payment = checkout_and_pay(user=shopper, address_id=address.pk,
                                       items=[CheckoutItem(a.pk, 1), CheckoutItem(b.pk, 1)])
    return orders, payment


def test_paying_again_reuses_the_open_payment(two_shop_checkout, shopper):
    orders, payment = two_shop_checkout
    assert order_payment_start(user=shopper, order_number=orders[0].number).pk == payment.pk


def test_after_one_order_is_cancelled_the_other_gets_a_new_payment_for_itself(
        two_shop_checkout, shopper, pay, ledger_balanced):
    (first, second), old = two_shop_checkout
    order_cancel(order_id=first.pk, reason="one shop is enough", user=shopper)

    new = order_payment_start(user=shopper, order_number=second.number)

    assert new.pk != old.pk
    assert new.amount == second.total == 3900 + 800
    assert new.items == [{"ref": second.number, "amount": second.total}]
    assert Payment.objects.get(pk=old.pk).status == PaymentStatus.CLOSED
    assert _order(second).payment_number == new.number
    pay(new.number)
    assert _order(second).status == OrderStatus.PAID
    assert _order(first).status == OrderStatus.CANCELLED
    ledger_balanced()


def test_the_old_combined_payment_arriving_late_is_refunded_not_applied(
        two_shop_checkout, shopper, pay, submit_refunds, ledger_balanced):
    (first, second), old = two_shop_checkout
    old_trade = _paid_at_provider(old)  # the shopper paid the combined payment in another tab
    order_cancel(order_id=first.pk, reason="x", user=shopper)
    new = order_payment_start(user=shopper, order_number=second.number)
    pay(new.number)

    payment_handle_notification(provider="sandbox", data=notification_params(old_trade))
    submit_refunds()

    assert _order(second).status == OrderStatus.PAID
    assert _order(second).payment_number == new.number
    refunds = dict(Refund.objects.values_list("key", "amount"))
    assert refunds == {f"unpayable:{old.number}:{first.number}": first.total,
                       f"unpayable:{old.number}:{second.number}": second.total}
    assert balance(code="platform:clearing") == 0
    assert balance(code="provider:sandbox:cash") == second.total
    ledger_balanced()


def test_late_money_for_a_two_shop_payment_pays_the_order_still_waiting_and_refunds_the_cancelled_one(
        two_shop_checkout, shopper, submit_refunds, ledger_balanced):
    (first, second), payment = two_shop_checkout
    trade = _paid_at_provider(payment)
    order_cancel(order_id=first.pk, reason="one shop is enough", user=shopper)  # closes the shared payment

    payment_handle_notification(provider="sandbox", data=notification_params(trade))
    submit_refunds()

    assert _order(first).status == OrderStatus.CANCELLED
    assert _order(second).status == OrderStatus.PAID
    assert list(Refund.objects.values_list("key", "amount")) == [
        (f"unpayable:{payment.number}:{first.number}", first.total)]
    assert balance(code="provider:sandbox:cash") == second.total
    assert balance(code="platform:clearing") == 0
    ledger_balanced()


def test_a_paid_cancelled_or_expired_order_cannot_be_paid_again(two_shop_checkout, shopper, make_shopper):
    (first, second), payment = two_shop_checkout
    order_cancel(order_id=first.pk, reason="x", user=shopper)
    with pytest.raises(Conflict) as exc:
        order_payment_start(user=shopper, order_number=first.number)
    assert exc.value.code == "order_not_payable"
    with pytest.raises(NotFound):
        order_payment_start(user=make_shopper(), order_number=second.number)
    with clock.travel(dt.timedelta(minutes=16)):
        with pytest.raises(Conflict):
            order_payment_start(user=shopper, order_number=second.number)


# ---------------------------------------------------------------- refunds


@pytest.fixture
def paid(place_order, sku):
    orders, payment = place_order([(sku, 2)], pay=True)
    return orders[0], Payment.objects.get(pk=payment.pk)


def test_a_refund_is_made_once_per_key(paid, submit_refunds, ledger_balanced):
    _order_, payment = paid
    first = refund_create(payment_number=payment.number, amount=1000, key="test:1")
    again = refund_create(payment_number=payment.number, amount=1000, key="test:1")
    assert first.pk == again.pk
    with pytest.raises(Conflict) as exc:
        refund_create(payment_number=payment.number, amount=999, key="test:1")
    assert exc.value.code == "refund_key_conflict"
    submit_refunds()
    refund_submit(refund_id=first.pk)  # resubmitting a succeeded refund does nothing
    assert transaction_count(kind="payment.refund") == 1
    assert balance(code="provider:sandbox:cash") == 11800 - 1000
    assert len(_trade(payment).refunds.all()) == 1


def test_refunds_can_never_exceed_the_payment(paid):
    _order_, payment = paid
    refund_create(payment_number=payment.number, amount=11000, key="test:a")
    with pytest.raises(BusinessRuleViolation) as exc:
        refund_create(payment_number=payment.number, amount=801, key="test:b")
    assert exc.value.code == "refund_exceeds_paid"
    refund_create(payment_number=payment.number, amount=800, key="test:c")
    assert sum(Refund.objects.values_list("amount", flat=True)) == 11800


@pytest.mark.parametrize("amount", [0, -1, 1.5, True])
def test_a_refund_is_a_positive_whole_number_of_fen(paid, amount):
    _order_, payment = paid
    with pytest.raises(ValidationFailed):
        refund_create(payment_number=payment.number, amount=amount, key="test:x")


def test_an_unpaid_payment_cannot_be_refunded(unpaid):
    _order_, payment = unpaid
    with pytest.raises(Conflict) as exc:
        refund_create(payment_number=payment.number, amount=100, key="test:y")
    assert exc.value.code == "payment_not_captured"


def test_refunds_are_submitted_after_commit(paid, django_capture_on_commit_callbacks):
    _order_, payment = paid
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        refund = refund_create(payment_number=payment.number, amount=500, key="test:commit")
    assert len(callbacks) == 1
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED
    assert refund.attempts == 1


def test_a_failed_refund_is_retried_by_the_sweep(paid, monkeypatch):
    _order_, payment = paid
    refund = refund_create(payment_number=payment.number, amount=500, key="test:retry")
    from quanzi.payments.providers import RefundResult

    monkeypatch.setattr(SandboxProvider, "refund", lambda self, **kw: RefundResult(ok=False, error="bank is down"))
    assert refund_submit(refund_id=refund.pk).status == RefundStatus.FAILED
    assert balance(code="provider:sandbox:cash") == 11800  # no money moved
    monkeypatch.undo()

    assert refunds_retry() == 0  # retried after a minute, not at once
    with clock.travel(dt.timedelta(minutes=2)):
        assert refunds_retry() == 1
    refund.refresh_from_db()
    assert (refund.status, refund.attempts) == (RefundStatus.SUCCEEDED, 2)
    assert balance(code="provider:sandbox:cash") == 11300
