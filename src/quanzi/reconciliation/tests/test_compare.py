"""The comparison as plain Python (no database): a bill made from Quanzi's own records finds nothing,
and one change to either side is found as exactly one mismatch of the right kind."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quanzi.payments.providers import StatementLine
from quanzi.reconciliation.compare import (
    MalformedStatement,
    QPayment,
    QRefund,
    QuanziDay,
    capture_key,
    compare,
    read_bill,
    refund_key,
)
from quanzi.reconciliation.constants import MismatchKind as K
from quanzi.reconciliation.services import TZ

START = dt.datetime(2026, 5, 1, tzinfo=TZ)
amounts = st.lists(st.integers(min_value=1, max_value=10**9), min_size=1, max_size=12)


def day_of(payment_amounts: list[int], refund_amounts: list[int]):
    payments = [QPayment(number=f"P{i}", trade=f"P{i}", provider="x", amount=a, status="paid",
                         at=START + dt.timedelta(hours=1, minutes=i)) for i, a in enumerate(payment_amounts)]
    refunds = [QRefund(number=f"R{i}", payment_number=f"P{i % len(payments)}", provider="x", amount=a,
                       status="succeeded", at=START + dt.timedelta(hours=2, minutes=i))
               for i, a in enumerate(refund_amounts)]
    quanzi = QuanziDay(provider="x", payments_in_day=payments, second_trades_in_day=[], refunds_in_day=refunds,
                       payments_named={q.number: q for q in payments}, second_trades_named={},
                       refunds_named={q.number: q for q in refunds}, margin_end=START + dt.timedelta(minutes=30))
    lines = [StatementLine(kind="payment", payment_number=q.number, provider_trade_no=f"T{q.number}", amount=q.amount)
             for q in payments]
    lines += [StatementLine(kind="refund", payment_number=q.payment_number, provider_trade_no="T", amount=q.amount,
                            refund_number=q.number) for q in refunds]
    ledger = {capture_key(q.number): q.amount for q in payments} | {refund_key(q.number): -q.amount for q in refunds}
    return quanzi, lines, ledger


@given(amounts, st.lists(st.integers(min_value=1, max_value=10**6), max_size=5))
def test_a_bill_made_of_our_own_records_finds_nothing(payment_amounts, refund_amounts):
    quanzi, lines, ledger = day_of(payment_amounts, refund_amounts)
    outcome = compare(read_bill(lines), quanzi, None, ledger)
    assert outcome.found == []
    assert outcome.quanzi_payment_total == sum(payment_amounts) and outcome.quanzi_refunds == len(refund_amounts)


@given(amounts, st.data())
def test_one_change_is_one_mismatch_of_the_right_kind(payment_amounts, data):
    quanzi, lines, ledger = day_of(payment_amounts, [])
    i = data.draw(st.integers(min_value=0, max_value=len(lines) - 1))
    change = data.draw(st.sampled_from(["drop line", "other amount", "extra line", "drop ledger", "ledger amount"]))
    number, expected = lines[i].payment_number, None
    if change == "drop line":
        lines.pop(i)
        expected = K.MISSING_AT_PROVIDER
    elif change == "other amount":
        lines[i] = StatementLine(kind="payment", payment_number=number, provider_trade_no="T", amount=lines[i].amount + 1)
        expected = K.AMOUNT_DIFFERS
    elif change == "extra line":
        number = "PSTRANGER"
        lines.append(StatementLine(kind="payment", payment_number=number, provider_trade_no="T", amount=5))
        expected = K.MISSING_IN_QUANZI
    elif change == "drop ledger":
        ledger.pop(capture_key(number))
        expected = K.LEDGER_DIFFERS
    else:
        ledger[capture_key(number)] += 1
        expected = K.LEDGER_DIFFERS
    outcome = compare(read_bill(lines), quanzi, None, ledger)
    assert [(f.kind, f.trade_number) for f in outcome.found] == [(expected, number)]


@pytest.mark.parametrize("line", [
    StatementLine(kind="payment", payment_number="P1", provider_trade_no="T", amount=-1),
    StatementLine(kind="payment", payment_number="P1", provider_trade_no="T", amount=True),
    StatementLine(kind="payment", payment_number="P1", provider_trade_no="T", amount=10**400),
    StatementLine(kind="payment", payment_number="P1", provider_trade_no="T", amount=1, fee=0.5),  # type: ignore[arg-type]
    StatementLine(kind="chargeback", payment_number="P1", provider_trade_no="T", amount=1),
    StatementLine(kind="payment", payment_number="P1\x00", provider_trade_no="T", amount=1),
    StatementLine(kind="payment", payment_number="P1", provider_trade_no="T\ud800", amount=1),
    StatementLine(kind="refund", payment_number="P1", provider_trade_no="T", amount=1, refund_number="R\x00"),
])
def test_lines_that_cannot_be_right_are_refused(line):
    with pytest.raises(MalformedStatement):
        read_bill([line])


def test_a_line_without_our_number_is_kept_under_the_providers():
    bill = read_bill([StatementLine(kind="payment", payment_number="", provider_trade_no="4200001", amount=100),
                      StatementLine(kind="refund", payment_number="", provider_trade_no="4200001", amount=50,
                                    provider_refund_no="5000001")])
    assert list(bill.payments) == ["?4200001"] and list(bill.refunds) == ["?5000001"]
