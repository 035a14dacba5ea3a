"""Alipay with the platform: an order paid by Alipay through the notify URL (captured exactly once and
answered `success`; forged, foreign, wrong, malformed or replayed notifications logged, changing nothing
and answered `failure`), switching methods, polling, closing and refunds — the adapter talking to the
double on 127.0.0.1 over real HTTP.
"""

# ruff: noqa: F811 - the double's fixtures are imported from alipay_double and used as arguments

from __future__ import annotations

import datetime as dt
import logging
import urllib.parse

import pytest
from django.test import Client as HttpClient

from quanzi.core import clock
from quanzi.ledger.testing import assert_books_balance, transaction_count
from quanzi.orders.constants import OrderStatus
from quanzi.orders.testing import order_get
from quanzi.payments.constants import PaymentStatus, RefundStatus
from quanzi.payments.providers import Client
from quanzi.payments.services import payment_start, payment_sync, payments_expire, refund_create
from quanzi.payments.testing import notifications, payment_get, refund_get, submit_refunds
from quanzi.payments.tests.alipay_double import alipay, alipay_cert, alipay_keys  # noqa: F401 - fixtures

NOTIFY = "/api/v1/payments/notify/alipay"


@pytest.fixture
def order_to_pay(place_order, sku):
    orders, payment = place_order([(sku, 2)])
    return orders[0], payment


def start(double, shopper, payment, method: str = "page"):
    """The shopper picks Alipay at the cashier and lands on Alipay's page (the trade exists there now)."""
    payment = payment_start(user=shopper, payment_number=payment.number, provider="alipay", method=method,
                            client=Client())
    double.open(payment.action["url"])
    return payment


def post(form: dict):
    return HttpClient().post(NOTIFY, urllib.parse.urlencode(form), content_type="application/x-www-form-urlencoded")


def captures(payment) -> int:
    return transaction_count(kind="payment.capture", ref_id=payment.number)


def outcomes(payment_number: str | None = None) -> list[str]:
    return [n.outcome for n in notifications(payment_number=payment_number)]


def test_payment_through_the_notify_url_is_captured_once_and_answered_success(alipay, shopper, order_to_pay):
    order, payment = order_to_pay
    payment = start(alipay, shopper, payment)
    alipay.pay(payment.number)
    form = alipay.notification(payment.number)

    first, replayed = post(form), post(form)  # Alipay resends until it reads `success`

    assert (first.status_code, first.content) == (200, b"success")
    assert (replayed.status_code, replayed.content) == (200, b"success")
    paid = payment_get(number=payment.number)
    assert paid.status == PaymentStatus.PAID and paid.provider == "alipay" and paid.method == "page"
    assert paid.provider_trade_no == alipay.trades[payment.number].trade_no
    assert paid.payer == alipay.trades[payment.number].buyer_id
    assert order_get(order_id=order.pk).status == OrderStatus.PAID
    assert captures(payment) == 1 and outcomes(payment.number) == ["captured", "duplicate"]
    assert_books_balance()


def test_certificate_mode_payment_is_captured(alipay_cert, shopper, order_to_pay):
    _order, payment = order_to_pay
    payment = start(alipay_cert, shopper, payment, method="wap")
    alipay_cert.pay(payment.number)

    assert post(alipay_cert.notification(payment.number)).content == b"success"
    assert payment_get(number=payment.number).status == PaymentStatus.PAID


@pytest.mark.parametrize(("change", "outcome"), [
    ({"after_signing": {"total_amount": "0.01"}}, "rejected: bad signature"),
    ({"stranger": True}, "rejected: bad signature"),
    ({"app_id": "2021999999999999"}, "rejected: wrong app_id"),
    ({"seller_id": "2088999999999999"}, "rejected: wrong seller_id"),
    ({"total_amount": "0.01"}, "rejected: amount_mismatch"),  # correctly signed, not what was asked
    ({"total_amount": "1e400"}, "rejected: malformed total_amount"),
    ({"out_trade_no": "P20260501NOSUCHPAYMENT"}, "rejected: payment_not_found"),
    ({"out_trade_no": "<script>"}, "rejected: malformed out_trade_no"),
])
def test_a_bad_notification_is_logged_changes_nothing_and_answers_failure(alipay, alipay_keys, shopper, order_to_pay,
                                                                           change, outcome, caplog):
    order, payment = order_to_pay
    payment = start(alipay, shopper, payment)
    alipay.pay(payment.number)
    if change.pop("stranger", False):
        change["key"] = alipay_keys.stranger_key

    with caplog.at_level(logging.WARNING, logger="quanzi.payments"):
        answer = post(alipay.notification(payment.number, **change))

    assert (answer.status_code, answer.content) == (200, b"failure")
    assert payment_get(number=payment.number).status == PaymentStatus.CREATED
    assert order_get(order_id=order.pk).status == OrderStatus.PENDING_PAYMENT
    assert captures(payment) == 0 and transaction_count(kind="payment.capture") == 0
    assert outcomes() == [outcome]
    assert outcome.removeprefix("rejected: ") in caplog.text


def test_a_wait_buyer_pay_notification_is_acknowledged_and_changes_nothing(alipay, shopper, order_to_pay):
    _order, payment = order_to_pay
    payment = start(alipay, shopper, payment)

    assert post(alipay.notification(payment.number)).content == b"success"  # WAIT_BUYER_PAY
    assert payment_get(number=payment.number).status == PaymentStatus.CREATED
    assert outcomes(payment.number) == ["ignored: not a success status"]


def test_a_genuine_notification_arrives_after_a_forged_one_and_still_captures(alipay, alipay_keys, shopper,
                                                                               order_to_pay):
    _order, payment = order_to_pay
    payment = start(alipay, shopper, payment)
    alipay.pay(payment.number)

    assert post(alipay.notification(payment.number, key=alipay_keys.stranger_key)).content == b"failure"
    assert post(alipay.notification(payment.number)).content == b"success"
    assert captures(payment) == 1


def test_switching_from_page_to_wap_closes_the_first_trade_and_the_second_is_captured(alipay, shopper, order_to_pay):
    _order, payment = order_to_pay
    start(alipay, shopper, payment, "page")
    switched = start(alipay, shopper, payment, "wap")
    second = f"{payment.number}_2"

    assert switched.trade_number == second and alipay.trades[payment.number].status == "TRADE_CLOSED"
    alipay.pay(second)
    assert post(alipay.notification(second)).content == b"success"
    paid = payment_get(number=payment.number)
    assert paid.status == PaymentStatus.PAID and paid.trade_number == second and paid.method == "wap"


def test_a_lost_notification_is_made_up_for_by_the_query(alipay, shopper, order_to_pay):
    _order, payment = order_to_pay
    payment = start(alipay, shopper, payment)
    assert payment_sync(payment_number=payment.number).status == PaymentStatus.CREATED  # not paid yet
    alipay.pay(payment.number)

    assert payment_sync(payment_number=payment.number).status == PaymentStatus.PAID
    assert post(alipay.notification(payment.number)).content == b"success"  # late: a duplicate
    assert captures(payment) == 1 and outcomes(payment.number) == ["duplicate"]


def test_an_unsigned_query_answer_captures_nothing(alipay, shopper, order_to_pay):
    _order, payment = order_to_pay
    payment = start(alipay, shopper, payment)
    alipay.pay(payment.number)
    alipay.fail_next("unsigned")

    assert payment_sync(payment_number=payment.number).status == PaymentStatus.CREATED
    assert captures(payment) == 0


def test_an_expired_payment_is_closed_at_alipay_too(alipay, shopper, order_to_pay):
    _order, payment = order_to_pay
    payment = start(alipay, shopper, payment)

    with clock.travel(payment.expires_at - clock.now() + dt.timedelta(seconds=1)):
        assert payments_expire() == 1
    assert payment_get(number=payment.number).status == PaymentStatus.CLOSED
    assert alipay.trades[payment.number].status == "TRADE_CLOSED"


def test_a_refund_is_made_at_alipay_once_and_booked(alipay, shopper, order_to_pay):
    _order, payment = order_to_pay
    payment = start(alipay, shopper, payment)
    alipay.pay(payment.number)
    post(alipay.notification(payment.number))

    refund_create(payment_number=payment.number, amount=100, key="test:alipay-refund", reason="退货")
    submit_refunds()
    submit_refunds()

    refund = refund_get(key="test:alipay-refund")
    assert refund.status == RefundStatus.SUCCEEDED
    assert alipay.trades[payment.number].refunds == {refund.number: 100}
    assert transaction_count(kind="payment.refund", ref_id=refund.number) == 1
    assert_books_balance()


def test_a_refund_alipay_refuses_is_failed_and_books_nothing(alipay, shopper, order_to_pay):
    _order, payment = order_to_pay
    payment = start(alipay, shopper, payment)
    alipay.pay(payment.number)
    post(alipay.notification(payment.number))
    alipay.fail_next("error:40004:ACQ.SELLER_BALANCE_NOT_ENOUGH")

    refund_create(payment_number=payment.number, amount=100, key="test:alipay-refund")
    submit_refunds()

    refund = refund_get(key="test:alipay-refund")
    assert refund.status == RefundStatus.FAILED and "ACQ.SELLER_BALANCE_NOT_ENOUGH" in refund.last_error
    assert transaction_count(kind="payment.refund") == 0


def test_a_refund_notification_completes_a_pending_refund_once(alipay, shopper, order_to_pay):
    _order, payment = order_to_pay
    payment = start(alipay, shopper, payment)
    alipay.pay(payment.number)
    post(alipay.notification(payment.number))
    refund = refund_create(payment_number=payment.number, amount=100, key="test:alipay-refund")  # not sent yet
    form = alipay.notification(payment.number, out_biz_no=refund.number, refund_fee="1.00",
                               gmt_refund="2026-05-01 12:30:00.123")

    assert post(form).content == b"success" and post(form).content == b"success"

    assert refund_get(key="test:alipay-refund").status == RefundStatus.SUCCEEDED
    assert transaction_count(kind="payment.refund", ref_id=refund.number) == 1
    assert outcomes(payment.number)[-2:] == ["refunded", "duplicate"]


def test_a_refund_notification_for_an_unknown_refund_answers_failure(alipay, shopper, order_to_pay):
    _order, payment = order_to_pay
    payment = start(alipay, shopper, payment)
    alipay.pay(payment.number)
    post(alipay.notification(payment.number))

    form = alipay.notification(payment.number, out_biz_no="R20260501NOSUCH001", refund_fee="1.00",
                               gmt_refund="2026-05-01 12:30:00.123")

    assert post(form).content == b"failure"
    assert outcomes(payment.number)[-1] == "rejected: refund_not_found"
