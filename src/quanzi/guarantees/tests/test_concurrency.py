"""Exactly once under concurrency, on PostgreSQL: real threads, one connection each, released together by a
barrier (core.testing.run_pool)."""

from __future__ import annotations

import pytest

from quanzi.core.errors import InvalidTransition
from quanzi.core.testing import run_pool
from quanzi.guarantees import services
from quanzi.guarantees.constants import MIN_DEPOSIT
from quanzi.ledger.selectors import unbalanced_transactions
from quanzi.ledger.testing import transaction_count

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _answered(gt_shop, file_claim, received, user=None):
    claim = file_claim(received(user=user), user=user)
    services.claim_answer(user=gt_shop.owner, number=claim.number, accept=False, note="正品")
    return claim


def test_a_claim_decided_by_many_operators_at_once_is_paid_once(gt_shop, guarantee, received, file_claim, operator,
                                                                make_user, shopper, wallet_of, deposit_of):
    guarantee(gt_shop, deposit=300_000)
    claim = _answered(gt_shop, file_claim, received)
    operators = [operator] + [make_user(is_staff=True) for _ in range(3)]

    def decide(i):
        return lambda: services.claim_decide(operator=operators[i % 4], number=claim.number,
                                             decision="upheld" if i % 3 else "rejected", note="决定")

    results = run_pool([decide(i) for i in range(12)], threads=12)
    ok = [r[1] for r in results if r[0] == "ok"]
    assert len(ok) == 1, results
    assert all(isinstance(r[1], InvalidTransition) for r in results if r[0] == "error")
    claim.refresh_from_db()
    paid = 68_000 if claim.status == "paid" else 0
    assert wallet_of(shopper) == paid == claim.amount
    assert deposit_of(gt_shop) == 300_000 - paid
    assert transaction_count(kind="guarantees.claim") == (1 if paid else 0)
    assert unbalanced_transactions() == []


def test_claims_of_one_shop_paid_at_once_never_overdraw_the_deposit(gt_shop, guarantee, received, file_claim,
                                                                    operator, make_shopper, deposit_of, wallet_of):
    from quanzi.guarantees import accounts as acct
    from quanzi.ledger.selectors import balance

    guarantee(gt_shop)  # ¥1,000: enough for one ¥680 claim, not two
    buyers = [make_shopper() for _ in range(6)]
    claims = [_answered(gt_shop, file_claim, received, user=b) for b in buyers]
    results = run_pool([lambda c=c: services.claim_decide(operator=operator, number=c.number, decision="upheld")
                        for c in claims], threads=6)
    assert all(r[0] == "ok" for r in results), results
    paid = [r[1] for r in results]
    assert sum(c.from_deposit for c in paid) == MIN_DEPOSIT["counterfeit"] and deposit_of(gt_shop) == 0
    assert sum(c.from_fund for c in paid) == 6 * 68_000 - MIN_DEPOSIT["counterfeit"] == balance(code=acct.GUARANTEE_FUND)
    assert [wallet_of(b) for b in buyers] == [68_000] * 6
    assert unbalanced_transactions() == []
