"""A payment provider whose bill the test writes, and Quanzi's side seeded through the payments services
at chosen times (the clock travels), so each test states both sides of a day exactly."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from quanzi.core import clock
from quanzi.payments.providers import (
    PayAction,
    ProviderError,
    QueryResult,
    RefundResult,
    StatementLine,
    payment_providers,
)
from quanzi.payments.services import payment_capture, payment_create, refund_create
from quanzi.payments.testing import refund_get, submit_refunds
from quanzi.reconciliation import selectors, services
from quanzi.reconciliation.services import TZ, local_today

CODE = "testbill"
_seq = itertools.count(1)


class BillProvider:
    """Takes payments and refunds without a word, and gives the bill the test wrote for each day."""

    code = CODE
    label = "Test bill"
    methods = ("page",)

    def __init__(self):
        self.bills: dict[dt.date, list[StatementLine]] = {}
        self.asked: list[dt.date] = []
        self.error: Exception | None = None

    def create(self, **kwargs):
        return PayAction(kind="redirect", url="/testbill/")

    def pay_url(self, **kwargs) -> str:
        return "/testbill/"

    def verify_notification(self, *args, **kwargs):
        raise NotImplementedError

    def notification_answer(self, *, ok):
        raise NotImplementedError

    def query(self, **kwargs) -> QueryResult:
        return QueryResult(status="unknown")

    def close(self, **kwargs) -> None:
        return None

    def refund(self, *, refund_number, **kwargs) -> RefundResult:
        return RefundResult(ok=True, provider_refund_no=f"TR{refund_number}")

    def refund_query(self, *, refund_number, **kwargs) -> RefundResult:
        return RefundResult(ok=True, provider_refund_no=f"TR{refund_number}")

    def statement(self, *, day: dt.date) -> list[StatementLine]:
        self.asked.append(day)
        if self.error is not None:
            raise self.error
        return list(self.bills.get(day, []))

    # ---- what the test writes
    def bill_payment(self, day: dt.date, number: str, amount: int, *, at: dt.datetime | None = None,
                     fee: int = 0, trade_no: str = "") -> None:
        self.bills.setdefault(day, []).append(StatementLine(
            kind="payment", payment_number=number, provider_trade_no=trade_no or f"T{number}", amount=amount,
            at=at or local(day, 12), fee=fee))

    def bill_refund(self, day: dt.date, payment_number: str, refund_number: str, amount: int, *,
                    at: dt.datetime | None = None, fee: int = 0) -> None:
        self.bills.setdefault(day, []).append(StatementLine(
            kind="refund", payment_number=payment_number, provider_trade_no=f"T{payment_number}", amount=amount,
            at=at or local(day, 15), refund_number=refund_number, provider_refund_no=f"TR{refund_number}", fee=fee))


def local(day: dt.date, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute, second), tzinfo=TZ)


def at_time(moment: dt.datetime):
    """The clock travels to `moment` (past or future) inside the block."""
    return clock.travel(moment - timezone.now())


@pytest.fixture
def provider(settings):
    """The test's provider, registered and enabled next to the sandbox (the sweep asks both for a bill)."""
    billing = BillProvider()
    payment_providers.register(billing)
    settings.QUANZI = {**settings.QUANZI, "PAYMENT_PROVIDERS": f"sandbox,{CODE}"}
    yield billing
    payment_providers.unregister(CODE)


@pytest.fixture
def day():
    """A finished day, far enough back that its neighbours are finished too."""
    return local_today() - dt.timedelta(days=5)


@pytest.fixture
def payer(make_user):
    return make_user(nickname="payer")


def open_payment(payer, amount: int) -> str:
    """A payment Quanzi registered with the provider and never captured."""
    return payment_create(user=payer, purpose="reconciliation-test", items=[{"ref": f"x{next(_seq)}", "amount": amount}],
                          subject="reconciliation test", provider=CODE).number


def captured(payer, amount: int, at: dt.datetime) -> str:
    """A payment Quanzi captured at `at` (its ledger transaction booked then). Returns its number."""
    with at_time(at - dt.timedelta(minutes=1)):
        number = open_payment(payer, amount)
    with at_time(at):
        payment_capture(payment_number=number, amount=amount, trade_no=f"T{number}")
    return number


def refunded(payment_number: str, amount: int, at: dt.datetime) -> str:
    """A refund of the payment that succeeded at `at`. Returns the refund's number."""
    key = f"test:{next(_seq)}"
    with at_time(at):
        refund_create(payment_number=payment_number, amount=amount, key=key, reason="test")
        submit_refunds()
    return refund_get(key=key).number


def failing(message: str = "bill not ready") -> ProviderError:
    return ProviderError(message)


# ---- the operator's pages

@pytest.fixture
def operator(make_user):
    return make_user(is_staff=True, nickname="operator")


@pytest.fixture
def admin_client(client, operator):
    client.force_login(operator)
    return client


@pytest.fixture
def mismatched_day(provider, day, payer):
    """A day with two mismatches: a payment the provider does not bill, and an amount difference."""
    only_ours = captured(payer, 3300, local(day, 10))
    differs = captured(payer, 5000, local(day, 11))
    provider.bill_payment(day, differs, 4900, fee=30)
    run = services.reconcile(provider=CODE, day=day)
    return run, {m.payment_number: m for m in selectors.mismatches_of(run_id=run.pk)}, only_ours, differs
