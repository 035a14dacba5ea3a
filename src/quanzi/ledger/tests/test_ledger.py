"""The double-entry ledger: balanced, idempotent transactions; corrections are reversals."""

import pytest
from django.core.management import CommandError, call_command

from quanzi.core.errors import Conflict
from quanzi.ledger.constants import AccountKind
from quanzi.ledger.models import Account, Posting, Transaction
from quanzi.ledger.selectors import (
    balance,
    balances,
    transactions_for,
    trial_balance,
    unbalanced_transactions,
)
from quanzi.ledger.services import Entry, UnbalancedTransaction, ledger_post, ledger_reverse

pytestmark = pytest.mark.django_db

CAPTURE = [Entry("provider:sandbox:cash", 5900), Entry("platform:clearing", -5900)]


def test_a_posted_transaction_moves_money_between_accounts():
    txn = ledger_post(key="payment-capture:P1", kind="payment.capture", entries=CAPTURE, ref_type="payment",
                      ref_id="P1")

    assert balance(code="provider:sandbox:cash") == 5900
    assert balance(code="platform:clearing") == -5900
    assert txn.postings.count() == 2
    assert transactions_for(ref_type="payment", ref_id="P1") == [txn]


def test_the_same_key_twice_writes_one_transaction():
    first = ledger_post(key="k-1", kind="payment.capture", entries=CAPTURE)
    second = ledger_post(key="k-1", kind="payment.capture", entries=list(reversed(CAPTURE)))

    assert first.pk == second.pk
    assert Transaction.objects.count() == 1
    assert balance(code="provider:sandbox:cash") == 5900


def test_the_same_key_with_other_amounts_is_a_conflict_and_writes_nothing():
    ledger_post(key="k-2", kind="payment.capture", entries=CAPTURE)

    with pytest.raises(Conflict) as exc:
        ledger_post(key="k-2", kind="payment.capture",
                    entries=[Entry("provider:sandbox:cash", 6000), Entry("platform:clearing", -6000)])
    assert exc.value.code == "ledger_key_conflict"
    assert balance(code="provider:sandbox:cash") == 5900


def test_an_unbalanced_transaction_is_refused_and_writes_nothing():
    with pytest.raises(UnbalancedTransaction):
        ledger_post(key="k-3", kind="broken", entries=[Entry("provider:sandbox:cash", 100),
                                                       Entry("platform:clearing", -99)])
    assert Transaction.objects.count() == 0
    assert Posting.objects.count() == 0


def test_zero_entries_are_dropped_but_the_step_is_recorded():
    txn = ledger_post(key="order-settle:1", kind="order.settle",
                      entries=[Entry("merchant:1:pending", 0), Entry("revenue:take_rate", 0)])
    assert txn.postings.count() == 0
    assert ledger_post(key="order-settle:1", kind="order.settle", entries=[]).pk == txn.pk


def test_a_reversal_negates_every_posting_and_keeps_the_original():
    original = ledger_post(key="k-4", kind="payment.capture", entries=CAPTURE, ref_type="payment", ref_id="P4")

    reversal = ledger_reverse(txn=original, key="k-4:reversal")

    assert reversal.reverses_id == original.pk
    assert reversal.kind == "payment.capture.reversal"
    assert balance(code="provider:sandbox:cash") == 0
    assert balance(code="platform:clearing") == 0
    assert sorted(original.postings.values_list("amount", flat=True)) == [-5900, 5900]  # never edited
    assert ledger_reverse(txn=original, key="k-4:reversal").pk == reversal.pk  # idempotent too


def test_account_kinds_come_from_their_codes():
    ledger_post(key="k-5", kind="mixed", entries=[
        Entry("provider:sandbox:cash", 1000), Entry("merchant:9:pending", -900), Entry("revenue:take_rate", -100)])
    kinds = dict(Account.objects.values_list("code", "kind"))
    assert kinds == {"provider:sandbox:cash": AccountKind.ASSET, "merchant:9:pending": AccountKind.LIABILITY,
                     "revenue:take_rate": AccountKind.REVENUE}
    assert Account.objects.get(code="merchant:9:pending").credit_normal


def test_balances_and_trial_balance_sum_postings():
    ledger_post(key="a", kind="x", entries=CAPTURE)
    ledger_post(key="b", kind="x", entries=[Entry("platform:clearing", 5000), Entry("merchant:1:pending", -5000)])

    assert balances(codes=["platform:clearing", "merchant:1:pending", "never:used"]) == {
        "platform:clearing": -900, "merchant:1:pending": -5000, "never:used": 0}
    assert sum(bal for _account, bal in trial_balance()) == 0
    assert unbalanced_transactions() == []


def test_ledger_check_command_passes_on_balanced_books_and_fails_on_a_broken_transaction():
    ledger_post(key="a", kind="x", entries=CAPTURE)
    call_command("ledger_check")

    # Someone edits a posting behind the ledger's back: the check must notice.
    Posting.objects.filter(amount=5900).update(amount=5901)
    with pytest.raises(CommandError, match="does not|sums to"):
        call_command("ledger_check")
