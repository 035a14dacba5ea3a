"""Withdrawals through the services: limits, fees, the approval threshold, the payout provider's
three answers, and that every step leaves the ledger balanced and the user's balances right."""

from __future__ import annotations

import datetime as dt

import pytest

from quanzi.core import clock
from quanzi.core.errors import BusinessRuleViolation, Conflict, NotFound, ValidationFailed
from quanzi.core.sweeps import run_sweeps
from quanzi.ledger.selectors import balance, transactions_for
from quanzi.ledger.testing import transaction_count
from quanzi.wallet import accounts as acct
from quanzi.wallet import payouts, selectors, services
from quanzi.wallet.models import Withdrawal, WithdrawalStatus
from quanzi.wallet.tests.conftest import ALIPAY_FAILS, ALIPAY_OK, ALIPAY_PENDING, card_number

pytestmark = pytest.mark.django_db


def statuses(w):
    return [(e.from_status, e.to_status) for e in w.events.order_by("id")]


def test_balances_start_at_zero_and_follow_the_ledger(make_user, seed):
    user = make_user()
    assert selectors.balances(user_id=user.pk) == {"pending": 0, "available": 0, "withdrawing": 0, "withdrawn": 0}
    seed(user, 12_345)
    assert selectors.balances(user_id=user.pk)["available"] == 12_345


def test_small_withdrawal_is_approved_and_paid_at_once(make_user, seed, request_withdrawal, ledger_balanced,
                                                       django_capture_on_commit_callbacks):
    user = make_user()
    seed(user, 20_000)
    with django_capture_on_commit_callbacks(execute=True):
        w = request_withdrawal(user, 5_000)
    w.refresh_from_db()
    assert w.status == WithdrawalStatus.PAID and w.paid_at and w.provider == "sandbox"
    assert w.provider_reference.startswith("SBX")
    assert statuses(w) == [("", "requested"), ("requested", "approved"), ("approved", "paid")]
    assert selectors.balances(user_id=user.pk) == {"pending": 0, "available": 15_000, "withdrawing": 0, "withdrawn": 5_000}
    assert balance(code=acct.PAYOUT_CASH) == -5_000
    kinds = [t.kind for t in transactions_for(ref_type="withdrawal", ref_id=w.number)]
    assert sorted(kinds) == ["withdrawal.hold", "withdrawal.paid"]
    ledger_balanced()


def test_the_hold_moves_money_to_withdrawing_until_paid(make_user, seed, request_withdrawal, wallet_settings):
    wallet_settings(approval_threshold=1_000)
    user = make_user()
    seed(user, 100_000)
    w = request_withdrawal(user, 60_000)
    assert w.status == WithdrawalStatus.REQUESTED
    assert selectors.balances(user_id=user.pk) == {"pending": 0, "available": 40_000, "withdrawing": 60_000,
                                           "withdrawn": 0}


@pytest.mark.parametrize("amount", [999, 1, 0, -5])
def test_below_minimum_or_not_positive_is_refused_and_changes_nothing(make_user, seed, request_withdrawal, amount):
    user = make_user()
    seed(user, 50_000)
    with pytest.raises(ValidationFailed) as exc:
        request_withdrawal(user, amount)
    assert exc.value.code == ("withdrawal_below_minimum" if amount > 0 else "validation_error")
    assert not Withdrawal.objects.exists()
    assert selectors.balances(user_id=user.pk)["available"] == 50_000


@pytest.mark.parametrize("amount", ["100", 12.5, True, None, 10**15])
def test_amount_must_be_an_integer_number_of_fen(make_user, seed, request_withdrawal, amount):
    user = make_user()
    seed(user, 50_000)
    with pytest.raises(ValidationFailed) as exc:
        request_withdrawal(user, amount)
    assert exc.value.fields.keys() == {"amount"}


def test_more_than_available_is_refused(make_user, seed, request_withdrawal):
    user = make_user()
    seed(user, 3_000)
    with pytest.raises(BusinessRuleViolation) as exc:
        request_withdrawal(user, 3_001)
    assert exc.value.code == "insufficient_balance" and exc.value.fields == {"amount": "available 3000"}
    assert not Withdrawal.objects.exists()


def test_pending_earnings_are_not_withdrawable(make_user, request_withdrawal):
    """Money still in earnings_pending (return window open, or held for fraud review) cannot leave."""
    from quanzi.ledger.services import Entry, ledger_post

    user = make_user()
    ledger_post(key="t-pending", kind="test.seed", entries=[Entry("expense:test:x", 9_000),
                                                            Entry(acct.earnings_pending(user.pk), -9_000)])
    assert selectors.balances(user_id=user.pk)["pending"] == 9_000
    with pytest.raises(BusinessRuleViolation) as exc:
        request_withdrawal(user, 2_000)
    assert exc.value.code == "insufficient_balance"


def test_daily_limit_counts_today_in_shanghai_and_ignores_returned_money(
        make_user, seed, request_withdrawal, wallet_settings):
    wallet_settings(daily_limit=5_000, approval_threshold=0)
    user = make_user()
    seed(user, 100_000)
    first = request_withdrawal(user, 3_000)
    with pytest.raises(BusinessRuleViolation) as exc:
        request_withdrawal(user, 2_500)
    assert exc.value.code == "daily_limit_exceeded" and exc.value.fields == {"amount": "remaining today 2000"}
    assert selectors.withdrawal_limits(user_id=user.pk)["remaining_today"] == 2_000
    services.withdrawal_reject(withdrawal_id=first.pk, note="wrong name")
    assert request_withdrawal(user, 5_000).status == WithdrawalStatus.REQUESTED  # the rejected 3,000 is free again
    with pytest.raises(BusinessRuleViolation):
        request_withdrawal(user, 1_000)
    with clock.travel(dt.timedelta(days=1)):
        assert request_withdrawal(user, 5_000).amount == 5_000


def test_day_start_is_midnight_asia_shanghai():
    at = dt.datetime(2026, 3, 1, 16, 30, tzinfo=dt.UTC)  # 00:30 on 2 March in Shanghai
    start = services.day_start(at)
    assert start.astimezone(dt.UTC) == dt.datetime(2026, 3, 1, 16, 0, tzinfo=dt.UTC)
    assert services.day_start(dt.datetime(2026, 3, 1, 15, 59, tzinfo=dt.UTC)).day == 1


@pytest.mark.parametrize(("account_type", "number", "name", "field"), [
    ("alipay", "12345", "张三", "account_number"),
    ("alipay", "not an email@", "张三", "account_number"),
    ("bank", "4111111111111112", "张三", "account_number"),  # Luhn fails
    ("bank", "12345678", "张三", "account_number"),
    ("bank", card_number(), "", "account_name"),
    ("alipay", ALIPAY_OK, "x" * 41, "account_name"),
    ("wechat", ALIPAY_OK, "张三", "account_type"),
])
def test_bad_payout_accounts_are_refused_with_the_field(make_user, seed, request_withdrawal, account_type, number,
                                                        name, field):
    user = make_user()
    seed(user, 50_000)
    with pytest.raises(ValidationFailed) as exc:
        request_withdrawal(user, 2_000, number=number, account_type=account_type, name=name)
    assert exc.value.code == "invalid_payout_account" and field in exc.value.fields
    assert not Withdrawal.objects.exists()


def test_bank_card_and_email_accounts_are_normalised(make_user, seed, request_withdrawal):
    user = make_user()
    seed(user, 50_000)
    card = card_number()
    spaced = " ".join(card[i:i + 4] for i in range(0, len(card), 4))
    w = request_withdrawal(user, 2_000, number=spaced, account_type="bank", name="  张  三 ")
    assert (w.account_number, w.account_name, w.masked_account) == (card, "张 三", f"****{card[-4:]}")
    mail = request_withdrawal(user, 2_000, number="li.si@example.com")
    assert mail.masked_account == "l***@example.com"


def test_fee_is_rate_rounded_down_with_a_minimum(make_user, seed, request_withdrawal, wallet_settings,
                                                 ledger_balanced, django_capture_on_commit_callbacks):
    wallet_settings(fee_bps=100, fee_min=200, approval_threshold=10**9)
    user = make_user()
    seed(user, 100_000)
    with django_capture_on_commit_callbacks(execute=True):
        small = request_withdrawal(user, 10_000)  # 1 % = 100 < minimum 200
        large = request_withdrawal(user, 50_099)  # 1 % = 500.99 → 500
    assert (small.fee, small.net, large.fee, large.net) == (200, 9_800, 500, 49_599)
    assert balance(code=acct.WITHDRAWAL_FEE_REVENUE) == -700
    assert balance(code=acct.PAYOUT_CASH) == -(9_800 + 49_599)
    assert selectors.balances(user_id=user.pk)["withdrawn"] == 60_099
    ledger_balanced()


def test_a_fee_that_eats_the_amount_is_refused(make_user, seed, request_withdrawal, wallet_settings):
    wallet_settings(fee_min=5_000)
    user = make_user()
    seed(user, 50_000)
    with pytest.raises(ValidationFailed) as exc:
        request_withdrawal(user, 5_000)
    assert exc.value.code == "withdrawal_below_fee"


def test_above_threshold_waits_for_the_operator_then_pays(make_user, seed, request_withdrawal, ledger_balanced,
                                                          django_capture_on_commit_callbacks):
    user, operator = make_user(), make_user(is_staff=True)
    seed(user, 100_000)
    w = request_withdrawal(user, 60_000)  # default threshold ¥500
    assert w.status == WithdrawalStatus.REQUESTED and not services.payouts_due()
    with django_capture_on_commit_callbacks(execute=True):
        services.withdrawal_approve(withdrawal_id=w.pk, actor=operator, note="checked")
    w.refresh_from_db()
    assert w.status == WithdrawalStatus.PAID and w.operator_note == "checked"
    approved = w.events.get(to_status="approved")
    assert (approved.actor, approved.note) == (operator, "checked")
    assert selectors.balances(user_id=user.pk)["withdrawn"] == 60_000
    ledger_balanced()


def test_deciding_twice_is_a_conflict(make_user, seed, request_withdrawal):
    user = make_user()
    seed(user, 200_000)
    w = request_withdrawal(user, 60_000)
    services.withdrawal_approve(withdrawal_id=w.pk)
    for decide in (lambda: services.withdrawal_approve(withdrawal_id=w.pk),
                   lambda: services.withdrawal_reject(withdrawal_id=w.pk, note="no")):
        with pytest.raises(Conflict) as exc:
            decide()
        assert exc.value.code == "invalid_withdrawal_state" and exc.value.status == 409
    other = request_withdrawal(user, 60_000)
    services.withdrawal_reject(withdrawal_id=other.pk, note="name mismatch")
    with pytest.raises(Conflict):
        services.withdrawal_reject(withdrawal_id=other.pk, note="again")
    with pytest.raises(Conflict):
        services.withdrawal_approve(withdrawal_id=other.pk)


def test_reject_returns_the_money_and_needs_a_note(make_user, seed, request_withdrawal, ledger_balanced):
    user, operator = make_user(), make_user(is_staff=True)
    seed(user, 100_000)
    w = request_withdrawal(user, 70_000)
    with pytest.raises(ValidationFailed) as exc:
        services.withdrawal_reject(withdrawal_id=w.pk, actor=operator, note="  ")
    assert exc.value.code == "note_required"
    services.withdrawal_reject(withdrawal_id=w.pk, actor=operator, note="holder name does not match")
    w.refresh_from_db()
    assert w.status == WithdrawalStatus.REJECTED and w.operator_note == "holder name does not match"
    assert selectors.balances(user_id=user.pk) == {"pending": 0, "available": 100_000, "withdrawing": 0, "withdrawn": 0}
    assert w.events.get(to_status="rejected").actor == operator
    ledger_balanced()


def test_failed_transfer_returns_the_money(make_user, seed, request_withdrawal, ledger_balanced,
                                           django_capture_on_commit_callbacks):
    user = make_user()
    seed(user, 10_000)
    with django_capture_on_commit_callbacks(execute=True):
        w = request_withdrawal(user, 4_000, number=ALIPAY_FAILS)
    w.refresh_from_db()
    assert w.status == WithdrawalStatus.FAILED and "frozen" in w.failure_reason and w.failed_at
    assert selectors.balances(user_id=user.pk) == {"pending": 0, "available": 10_000, "withdrawing": 0, "withdrawn": 0}
    assert balance(code=acct.PAYOUT_CASH) == 0
    ledger_balanced()


def test_pending_transfer_is_checked_again_by_the_sweep(make_user, seed, request_withdrawal, ledger_balanced,
                                                        django_capture_on_commit_callbacks):
    user = make_user()
    seed(user, 10_000)
    with django_capture_on_commit_callbacks(execute=True):
        w = request_withdrawal(user, 4_000, number=ALIPAY_PENDING)
    w.refresh_from_db()
    assert w.status == WithdrawalStatus.APPROVED and w.submitted_at and w.next_check_at > clock.now()
    assert run_sweeps(["wallet_payouts"]) == {"wallet_payouts": 0}  # not due yet
    with clock.travel(dt.timedelta(minutes=2)):
        assert run_sweeps(["wallet_payouts"]) == {"wallet_payouts": 1}
    w.refresh_from_db()
    assert w.status == WithdrawalStatus.PAID and selectors.balances(user_id=user.pk)["withdrawn"] == 4_000
    ledger_balanced()


class _Broken:
    code = "broken"

    def transfer(self, number, account, amount):
        raise ConnectionError("provider down")

    def query(self, number):
        raise ConnectionError("provider down")


def test_provider_outage_keeps_the_withdrawal_for_the_sweep(make_user, seed, request_withdrawal):
    user = make_user()
    seed(user, 10_000)
    w = request_withdrawal(user, 4_000)  # approved; the after-commit send never ran (test transaction)
    assert services.payouts_due() == [w.pk]
    services.withdrawal_pay(withdrawal_id=w.pk, provider=_Broken())
    w.refresh_from_db()
    assert w.status == WithdrawalStatus.APPROVED and selectors.balances(user_id=user.pk)["withdrawing"] == 4_000
    with clock.travel(dt.timedelta(minutes=2)):
        run_sweeps(["wallet_payouts"])
    w.refresh_from_db()
    assert w.status == WithdrawalStatus.PAID


def test_after_commit_send_failure_is_only_logged(make_user, seed, request_withdrawal, monkeypatch, caplog):
    user = make_user()
    seed(user, 10_000)
    w = request_withdrawal(user, 4_000)
    monkeypatch.setattr(services, "withdrawal_pay", lambda **kw: (_ for _ in ()).throw(RuntimeError("boom")))
    services.pay_after_commit(w.pk)
    assert "sweep will retry" in caplog.text
    w.refresh_from_db()
    assert w.status == WithdrawalStatus.APPROVED


def test_paying_is_idempotent_and_needs_approval(make_user, seed, request_withdrawal, wallet_settings):
    wallet_settings(approval_threshold=0)
    user = make_user()
    seed(user, 10_000)
    w = request_withdrawal(user, 4_000)
    with pytest.raises(Conflict):
        services.withdrawal_pay(withdrawal_id=w.pk)
    services.withdrawal_approve(withdrawal_id=w.pk)
    services.withdrawal_pay(withdrawal_id=w.pk)
    services.withdrawal_pay(withdrawal_id=w.pk)
    assert transaction_count(kind="withdrawal.paid") == 1
    with pytest.raises(NotFound):
        services.withdrawal_pay(withdrawal_id=10**9)


def test_another_users_withdrawal_is_not_found(make_user, seed, request_withdrawal):
    owner, other = make_user(), make_user()
    seed(owner, 10_000)
    w = request_withdrawal(owner, 2_000)
    assert selectors.withdrawal_for(user=owner, number=w.number) == w
    with pytest.raises(NotFound):
        selectors.withdrawal_for(user=other, number=w.number)


def test_sandbox_provider_is_deterministic():
    sandbox = payouts.get_payout_provider("sandbox")
    assert sandbox.transfer("TX1", {"number": ALIPAY_OK}, 100).status == payouts.OK
    assert sandbox.transfer("TX1", {"number": ALIPAY_OK}, 100) == sandbox.transfer("TX1", {"number": "x"}, 100)
    assert sandbox.transfer("TX2", {"number": ALIPAY_FAILS}, 100).status == payouts.FAILED
    assert sandbox.transfer("TX3", {"number": ALIPAY_PENDING}, 100).status == payouts.PENDING
    assert sandbox.query("TX3").status == payouts.OK
    assert sandbox.transfer("TX4", {"number": ALIPAY_OK}, 0).status == payouts.FAILED
    with pytest.raises(LookupError):
        payouts.get_payout_provider("nope")
    with pytest.raises(ValueError):
        payouts.PayoutResult("maybe")


def test_settings_refuse_nonsense(db, wallet_settings):
    with pytest.raises(ValidationFailed):
        wallet_settings(min_amount=0)
    with pytest.raises(ValidationFailed):
        wallet_settings(fee_bps=10_001)
    with pytest.raises(ValidationFailed):
        wallet_settings(daily_limit=-1)
    with pytest.raises(ValidationFailed):
        wallet_settings(colour=1)
    assert wallet_settings(min_amount=500).min_amount == 500
    assert selectors.withdrawal_settings().min_amount == 500
