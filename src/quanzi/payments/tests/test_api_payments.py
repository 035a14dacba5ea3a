"""Payments over HTTP: the provider's notification endpoint trusts only correctly signed messages
for the right amount, captures exactly once however often it is told, and unpayable orders stay
unpaid."""

import pytest

from quanzi.ledger.selectors import balance
from quanzi.ledger.testing import transaction_count
from quanzi.orders import testing as orders_testing
from quanzi.orders.constants import OrderStatus
from quanzi.payments.constants import PaymentStatus
from quanzi.payments.models import Payment, PaymentNotification, SandboxTrade
from quanzi.payments.providers.sandbox import SandboxProvider, notification_params, signed

pytestmark = pytest.mark.django_db

JSON = "application/json"


@pytest.fixture
def unpaid(place_order, sku):
    """An unpaid order whose shopper has paid on the sandbox cashier (the notification not yet sent)."""
    orders, payment = place_order([(sku, 2)])
    SandboxProvider().pay(out_trade_no=payment.number)
    return orders[0], payment


def captures(payment):
    return transaction_count(kind="payment.capture", ref_id=payment.number)


def assert_untouched(order, payment):
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert payment.status == PaymentStatus.CREATED
    assert captures(payment) == 0
    assert balance(code="platform:clearing") == 0


def test_a_valid_notification_captures_and_marks_the_order_paid(unpaid, notify_sandbox, ledger_balanced):
    order, payment = unpaid

    assert notify_sandbox(payment.number) == "success"

    order.refresh_from_db()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert order.status == OrderStatus.PAID
    assert captures(payment) == 1
    assert PaymentNotification.objects.get().outcome == "captured"
    ledger_balanced()


def test_a_replayed_notification_answers_success_and_captures_once(unpaid, notify_sandbox, shop, ledger_balanced):
    order, payment = unpaid
    trade = SandboxTrade.objects.get(out_trade_no=payment.number)
    params = notification_params(trade)

    answers = [notify_sandbox(params=params) for _ in range(3)]
    answers.append(notify_sandbox(payment.number))  # a fresh notify_id for the same trade

    assert answers == ["success"] * 4
    assert captures(payment) == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert len(orders_testing.order_events(order_id=order.pk, kind="paid")) == 1
    assert balance(code=f"merchant:{shop.pk}:pending") == -order.total
    assert list(PaymentNotification.objects.order_by("id").values_list("outcome", flat=True)) == \
        ["captured", "duplicate", "duplicate", "duplicate"]
    ledger_balanced()


@pytest.mark.parametrize("tamper", [
    lambda p: {**p, "sign": "0" * 64},
    lambda p: {**p, "sign": ""},
    lambda p: {k: v for k, v in p.items() if k != "sign"},
    lambda p: {**p, "total_amount": "0.01"},
    lambda p: {**p, "trade_status": "TRADE_SUCCESS", "notify_id": "forged", "sign": p["sign"][::-1]},
    lambda p: {**p, "extra": "injected"},
], ids=["zero-sign", "empty-sign", "no-sign", "amount-changed", "reversed-sign", "extra-field"])
def test_a_tampered_notification_answers_failure_and_changes_nothing(unpaid, notify_sandbox, tamper):
    order, payment = unpaid
    params = notification_params(SandboxTrade.objects.get(out_trade_no=payment.number))

    assert notify_sandbox(params=tamper(params)) == "failure"

    assert_untouched(order, payment)
    note = PaymentNotification.objects.get()
    assert note.signature_ok is False
    assert note.outcome.startswith("rejected")


def test_a_notification_signed_with_another_secret_is_rejected(unpaid, notify_sandbox, settings):
    order, payment = unpaid
    trade = SandboxTrade.objects.get(out_trade_no=payment.number)
    settings.QUANZI = {**settings.QUANZI, "SANDBOX_PAY_SECRET": "attacker-secret"}
    forged = notification_params(trade)
    settings.QUANZI = {**settings.QUANZI, "SANDBOX_PAY_SECRET": "sandbox-pay-secret-dev"}

    assert notify_sandbox(params=forged) == "failure"

    assert_untouched(order, payment)


def test_a_correctly_signed_notification_for_the_wrong_amount_is_rejected(unpaid, notify_sandbox):
    order, payment = unpaid
    params = notification_params(SandboxTrade.objects.get(out_trade_no=payment.number))
    forged = signed({k: v for k, v in params.items() if k not in ("sign", "sign_type")} | {"total_amount": "0.01"})

    assert notify_sandbox(params=forged) == "failure"

    assert_untouched(order, payment)
    assert PaymentNotification.objects.get().outcome == "rejected: amount_mismatch"


def test_a_notification_for_an_unknown_payment_is_rejected(unpaid, notify_sandbox):
    order, payment = unpaid
    params = notification_params(SandboxTrade.objects.get(out_trade_no=payment.number))
    forged = signed({k: v for k, v in params.items() if k not in ("sign", "sign_type")} | {"out_trade_no": "PNOPE"})

    assert notify_sandbox(params=forged) == "failure"

    assert_untouched(order, payment)


def test_a_wait_buyer_pay_notification_is_acknowledged_but_captures_nothing(place_order, sku, notify_sandbox):
    orders, payment = place_order([(sku, 1)])

    assert notify_sandbox(payment.number, status="WAIT_BUYER_PAY") == "success"

    assert_untouched(orders[0], payment)


@pytest.mark.parametrize("body,content_type", [
    ("", "application/x-www-form-urlencoded"),
    ("garbage=%%%&&==", "application/x-www-form-urlencoded"),
    ('{"out_trade_no": "x"}', "application/json"),
    ("\x00\x01\x02", "application/octet-stream"),
])
def test_junk_at_the_notify_endpoint_answers_failure_not_500(unpaid, body, content_type):
    from django.test import Client

    response = Client().post("/api/v1/payments/notify/sandbox", body, content_type=content_type)

    assert response.status_code == 200
    assert response.content == b"failure"
    assert_untouched(*unpaid)


def test_notify_for_an_unknown_provider_is_404_failure(unpaid):
    from django.test import Client

    params = notification_params(SandboxTrade.objects.get(out_trade_no=unpaid[1].number))
    response = Client().post("/api/v1/payments/notify/alipay", params)

    assert response.status_code == 404
    assert response.content == b"failure"
    assert_untouched(*unpaid)


# ---------------------------------------------------------------- shopper-side payment API

def test_sync_captures_a_paid_trade_once(api, shopper, unpaid, notify_sandbox):
    order, payment = unpaid
    client = api(shopper)

    first = client.post(f"/api/v1/payments/{payment.number}/sync", {}, content_type=JSON)
    second = client.post(f"/api/v1/payments/{payment.number}/sync", {}, content_type=JSON)

    assert first.status_code == second.status_code == 200
    assert first.json()["status"] == second.json()["status"] == "paid"
    assert notify_sandbox(payment.number) == "success"
    assert captures(payment) == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID


def test_sync_of_an_unpaid_trade_changes_nothing(api, shopper, place_order, sku):
    orders, payment = place_order([(sku, 1)])

    response = api(shopper).post(f"/api/v1/payments/{payment.number}/sync", {}, content_type=JSON)

    assert response.status_code == 200
    assert response.json()["status"] == "created"
    assert_untouched(orders[0], payment)


def test_payment_detail_is_the_shoppers_own(api, shopper, place_order, sku):
    orders, payment = place_order([(sku, 1)])

    body = api(shopper).get(f"/api/v1/payments/{payment.number}").json()

    assert body["number"] == payment.number
    assert body["amount"] == {"amount": orders[0].total, "currency": "CNY"}
    assert body["items"] == [{"ref": orders[0].number, "amount": orders[0].total}]


def test_paying_a_cancelled_order_is_409_order_not_payable(api, shopper, place_order, sku, expect_error):
    orders, _payment = place_order([(sku, 1)])
    client = api(shopper)
    assert client.post(f"/api/v1/orders/{orders[0].number}/cancel", {}, content_type=JSON).status_code == 200

    response = client.post(f"/api/v1/orders/{orders[0].number}/pay", {}, content_type=JSON)

    expect_error(response, 409, "order_not_payable")


def test_paying_a_paid_order_again_is_409(api, shopper, place_order, sku, expect_error):
    orders, _payment = place_order([(sku, 1)], pay=True)

    expect_error(api(shopper).post(f"/api/v1/orders/{orders[0].number}/pay", {}, content_type=JSON),
                 409, "order_not_payable")
    assert Payment.objects.count() == 1


def test_paying_after_the_deadline_is_409(api, shopper, place_order, sku, expect_error):
    import datetime as dt

    from quanzi.core import clock

    orders, _payment = place_order([(sku, 1)])

    with clock.travel(dt.timedelta(hours=1)):
        response = api(shopper).post(f"/api/v1/orders/{orders[0].number}/pay", {}, content_type=JSON)

    expect_error(response, 409, "order_not_payable")


def test_money_arriving_for_a_cancelled_order_is_refunded_not_kept(api, shopper, place_order, sku, notify_sandbox,
                                                                   submit_refunds, ledger_balanced):
    """The shopper paid on the cashier just as the order was cancelled: the late notification still
    answers success (so the provider stops), the order stays cancelled, and the money goes back."""
    from quanzi.payments.constants import RefundStatus
    from quanzi.payments.models import Refund

    orders, payment = place_order([(sku, 1)])
    SandboxProvider().pay(out_trade_no=payment.number)
    assert api(shopper).post(f"/api/v1/orders/{orders[0].number}/cancel", {}, content_type=JSON).status_code == 200

    assert notify_sandbox(payment.number) == "success"
    submit_refunds()

    orders[0].refresh_from_db()
    assert orders[0].status == OrderStatus.CANCELLED
    refund = Refund.objects.get()
    assert refund.amount == payment.amount
    assert refund.status == RefundStatus.SUCCEEDED
    assert balance(code="platform:clearing") == 0
    ledger_balanced()


def test_resuming_payment_reuses_the_open_payment(api, shopper, place_order, sku):
    orders, payment = place_order([(sku, 1)])

    response = api(shopper).post(f"/api/v1/orders/{orders[0].number}/pay", {}, content_type=JSON)

    assert response.status_code == 200
    assert response.json()["payment_number"] == payment.number
    assert response.json()["amount"]["amount"] == orders[0].total
    [order] = orders_testing.orders()
    assert order.payment_number == payment.number
