"""The payment, refund and payout tables (core.states) cover every status."""

from quanzi.payments.constants import PaymentStatus, RefundStatus
from quanzi.payments.states import PAYMENT, REFUND


def test_every_status_has_a_row():
    assert set(PAYMENT.states) == set(PaymentStatus.values)
    assert set(REFUND.states) == set(RefundStatus.values)


def test_a_closed_payment_can_still_be_captured_but_a_paid_one_never_again():
    assert PAYMENT.can(PaymentStatus.CLOSED, PaymentStatus.PAID)
    assert not PAYMENT.can(PaymentStatus.PAID, PaymentStatus.PAID)
    assert not PAYMENT.can(PaymentStatus.PAID, PaymentStatus.CLOSED)
    assert REFUND.final_states == {RefundStatus.SUCCEEDED}
