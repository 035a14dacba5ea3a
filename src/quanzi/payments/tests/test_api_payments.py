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


@pytest.mark.parametrize("provider", ["alipay", "nonesuch"])  # alipay: known but not enabled here
def test_notify_for_a_provider_not_enabled_is_404_in_the_error_shape(unpaid, provider, expect_error):
    from django.test import Client

    params = notification_params(SandboxTrade.objects.get(out_trade_no=unpaid[1].number))
    response = Client().post(f"/api/v1/payments/notify/{provider}", params)

    expect_error(response, 404, "provider_not_enabled")
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


# ---------------------------------------------------------------- the notify endpoint under abuse

NOTIFY = "/api/v1/payments/notify/sandbox"
FORM = "application/x-www-form-urlencoded"


def test_a_form_of_1200_fields_is_400_in_the_error_shape_not_500(unpaid, expect_error):
    from urllib.parse import urlencode

    from django.test import Client

    response = Client().post(NOTIFY, urlencode({f"f{i}": "x" for i in range(1200)}), content_type=FORM)

    expect_error(response, 400, "too_many_fields")
    assert [n.outcome for n in PaymentNotification.objects.all()] == ["refused: too many fields"]
    assert_untouched(*unpaid)


def test_a_multipart_form_of_1200_fields_is_400_in_the_error_shape(unpaid, settings, expect_error):
    from django.test import Client

    settings.QUANZI = {**settings.QUANZI, "NOTIFY_MAX_BYTES": 1024 * 1024}
    response = Client().post(NOTIFY, {f"f{i}": "x" for i in range(1200)})  # multipart/form-data

    expect_error(response, 400, "malformed_form")
    assert_untouched(*unpaid)


def test_a_body_above_notify_max_bytes_is_413_in_the_error_shape_and_not_kept(unpaid, settings, expect_error):
    from django.test import Client

    settings.QUANZI = {**settings.QUANZI, "NOTIFY_MAX_BYTES": 1024}
    response = Client().post(NOTIFY, "a=" + "x" * 2000, content_type=FORM)

    expect_error(response, 413, "notification_too_large")
    assert PaymentNotification.objects.get().body == {"_bytes": "2002"}  # the size, never the content
    assert_untouched(*unpaid)


def test_what_is_kept_of_a_large_notification_is_bounded(unpaid, settings):
    from urllib.parse import urlencode

    from django.test import Client

    settings.QUANZI = {**settings.QUANZI, "NOTIFY_MAX_BYTES": 1024 * 1024}
    form = {f"field{i}": "\x00" + "长" * 299 for i in range(150)}  # 150 fields of 300 characters, ~140 KB

    response = Client().post(NOTIFY, urlencode(form), content_type=FORM)

    assert (response.status_code, response.content) == (200, b"failure")
    kept = PaymentNotification.objects.get().body
    assert len(kept) == 61 and kept["_fields"] == "150"  # 60 fields and how many there were
    assert all(len(value) <= 200 and "\x00" not in value for value in kept.values())
    assert_untouched(*unpaid)


def test_notifications_beyond_the_rate_are_429_in_the_error_shape(unpaid, settings, notify_sandbox, expect_error):
    from django.test import Client

    settings.QUANZI = {**settings.QUANZI, "NOTIFY_RATE_PER_MINUTE": 3}
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(3):
        assert client.post(NOTIFY, "junk=1", content_type=FORM).content == b"failure"

    error = expect_error(client.post(NOTIFY, "junk=1", content_type=FORM), 429, "rate_limited")

    assert int(error["fields"]["retry_after"]) <= 60
    other = Client(REMOTE_ADDR="203.0.113.10")  # the limit is per client address
    assert other.post(NOTIFY, "junk=1", content_type=FORM).status_code == 200
    assert PaymentNotification.objects.count() == 4  # the refused request was not kept


def test_rejected_notifications_beyond_the_keep_allowance_are_logged_not_stored(unpaid, caplog):
    from django.test import Client

    from quanzi.payments.api import NOTIFY_KEEP_REJECTED_PER_MINUTE

    client = Client(REMOTE_ADDR="203.0.113.9")
    with caplog.at_level("WARNING", logger="quanzi.payments"):
        for _ in range(NOTIFY_KEEP_REJECTED_PER_MINUTE + 5):
            client.post(NOTIFY, "junk=1", content_type=FORM)

    assert PaymentNotification.objects.count() == NOTIFY_KEEP_REJECTED_PER_MINUTE
    assert caplog.text.count("from sandbox: rejected") == NOTIFY_KEEP_REJECTED_PER_MINUTE + 5


def test_the_sweep_prunes_notifications_past_the_retention(unpaid, notify_sandbox, settings):
    import datetime as dt

    from quanzi.core import clock
    from quanzi.core.sweeps import sweeps
    from quanzi.payments.services import notifications_prune

    settings.QUANZI = {**settings.QUANZI, "NOTIFICATION_RETENTION_DAYS": 30}
    notify_sandbox(unpaid[1].number)  # genuine: kept 30 days
    notify_sandbox(params={"out_trade_no": unpaid[1].number, "sign": "x"})  # rejected: kept 3 days
    with clock.travel(dt.timedelta(days=4)):
        assert notifications_prune() == 1
        assert [n.outcome for n in PaymentNotification.objects.all()] == ["captured"]
    with clock.travel(dt.timedelta(days=31)):
        assert notifications_prune() == 1
    assert PaymentNotification.objects.count() == 0
    assert "payment_notifications_prune" in sweeps
