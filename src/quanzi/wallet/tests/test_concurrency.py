"""Concurrency on PostgreSQL: real threads, one connection each, released together by a barrier.

Two withdrawals at once for one user may not both pass the balance or the daily-limit check (the
per-user `Wallet` row lock makes the second wait and then see the first one's hold); racing operator
decisions act once; two payout sweeps at once pay once.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from quanzi.core.errors import BusinessRuleViolation, Conflict
from quanzi.ledger.selectors import balance, unbalanced_transactions
from quanzi.ledger.testing import transaction_count
from quanzi.wallet import accounts as acct
from quanzi.wallet import selectors, services
from quanzi.wallet.models import Withdrawal, WithdrawalStatus
from quanzi.wallet.tests.conftest import ALIPAY_OK, ALIPAY_PENDING, seed_wallet

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(*calls):
    """Each callable in its own thread; returns ("ok", value) or ("error", exception) per call, in order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def worker(i, fn):
        try:
            barrier.wait(timeout=30)
            results[i] = ("ok", fn())
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            results[i] = ("error", exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    return results


def _request(user, amount):
    return lambda: services.withdrawal_request(user=user, amount=amount, account_type="alipay",
                                               account_number=ALIPAY_OK, account_name="张三")


def _errors(results):
    return [r[1] for r in results if r[0] == "error"]


def test_two_withdrawals_at_once_only_one_fits_the_balance(make_user):
    user = make_user()
    seed_wallet(user, 10_000)
    results = run_together(_request(user, 8_000), _request(user, 8_000))
    errors = _errors(results)
    assert len(errors) == 1 and isinstance(errors[0], BusinessRuleViolation), results
    assert errors[0].code == "insufficient_balance"
    assert Withdrawal.objects.filter(user=user).count() == 1
    b = selectors.balances(user_id=user.pk)
    assert b["available"] == 2_000 and b["withdrawing"] + b["withdrawn"] == 8_000
    assert unbalanced_transactions() == []


def test_first_withdrawal_of_a_new_wallet_races_safely(make_user):
    """No Wallet row exists yet: both requests insert it (ON CONFLICT DO NOTHING) and then queue on it."""
    user = make_user()
    seed_wallet(user, 5_000)
    results = run_together(*[_request(user, 3_000) for _ in range(4)])
    assert [r[0] for r in results].count("ok") == 1, results
    assert all(getattr(e, "code", "") == "insufficient_balance" for e in _errors(results))
    assert selectors.balances(user_id=user.pk)["available"] == 2_000


def test_two_withdrawals_at_once_only_one_fits_the_daily_limit(make_user):
    services.settings_update(daily_limit=10_000)
    user = make_user()
    seed_wallet(user, 100_000)
    results = run_together(_request(user, 6_000), _request(user, 6_000))
    errors = _errors(results)
    assert len(errors) == 1 and errors[0].code == "daily_limit_exceeded", results
    assert selectors.balances(user_id=user.pk)["available"] == 94_000


def test_approve_and_reject_at_once_decide_once(make_user):
    user = make_user()
    seed_wallet(user, 100_000)
    w = _request(user, 60_000)()
    assert w.status == WithdrawalStatus.REQUESTED
    results = run_together(lambda: services.withdrawal_approve(withdrawal_id=w.pk, note="ok"),
                           lambda: services.withdrawal_reject(withdrawal_id=w.pk, note="no"))
    errors = _errors(results)
    assert len(errors) == 1 and isinstance(errors[0], Conflict), results
    w.refresh_from_db()
    b = selectors.balances(user_id=user.pk)
    if w.status == WithdrawalStatus.REJECTED:
        assert b["available"] == 100_000 and b["withdrawn"] == 0
    else:  # approved, then paid after commit by the sandbox
        assert w.status == WithdrawalStatus.PAID and b["withdrawn"] == 60_000 and b["available"] == 40_000
    assert w.events.filter(to_status__in=["approved", "rejected"]).count() == 1
    assert unbalanced_transactions() == []


def test_two_payout_runs_at_once_pay_once(make_user):
    """The provider said "pending" on the first send; two sweeps then ask about it at the same time."""
    user = make_user()
    seed_wallet(user, 50_000)
    w = services.withdrawal_request(user=user, amount=20_000, account_type="alipay",
                                    account_number=ALIPAY_PENDING, account_name="张三")
    w.refresh_from_db()
    assert w.status == WithdrawalStatus.APPROVED and w.submitted_at is not None  # sent after commit: pending
    results = run_together(lambda: services.withdrawal_pay(withdrawal_id=w.pk),
                           lambda: services.withdrawal_pay(withdrawal_id=w.pk))
    assert _errors(results) == [], results
    assert transaction_count(kind="withdrawal.paid", ref_id=w.number) == 1
    assert balance(code=acct.PAYOUT_CASH) == -20_000
    assert selectors.balances(user_id=user.pk)["withdrawn"] == 20_000
