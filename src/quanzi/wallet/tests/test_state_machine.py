"""A hypothesis state machine over wallets: seeding, requests (good, failing and pending accounts,
amounts around the minimum, the balance and the daily limit), operator approvals and rejections,
payouts, the sweep, the fee and threshold settings, and time passing. After every step:

- no balance is negative (available, withdrawing, pending);
- the ledger balances;
- conservation per user: seeded == available + withdrawing + withdrawn;
- withdrawing == the amounts of the user's open (requested / approved) withdrawals;
- the bank account and the fee revenue hold exactly the nets and fees of paid withdrawals;
- no calendar day's counted withdrawals exceed the daily limit;
- every withdrawal moved only along the state table (`states.WITHDRAWAL`).

Each example runs inside a savepoint rolled back in `teardown`, so examples are independent.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import defaultdict

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from quanzi.core import clock
from quanzi.core.errors import DomainError
from quanzi.ledger.selectors import balance, unbalanced_transactions
from quanzi.wallet import accounts as acct
from quanzi.wallet import selectors, services
from quanzi.wallet.models import Withdrawal, WithdrawalStatus
from quanzi.wallet.states import COUNTS_TOWARDS_LIMIT, WITHDRAWAL
from quanzi.wallet.tests.conftest import ALIPAY_FAILS, ALIPAY_OK, ALIPAY_PENDING, seed_wallet

pytestmark = pytest.mark.django_db

USERS: list = []  # filled by the test (rolled back per example: only the users survive)
DAILY_LIMIT = 150_000
OPEN = (WithdrawalStatus.REQUESTED, WithdrawalStatus.APPROVED)
WITHDRAWAL_TRANSITIONS = WITHDRAWAL.transitions  # the table the withdrawals must follow
# Amounts around the interesting edges: the minimum, the approval threshold, the daily limit.
AMOUNTS = st.sampled_from([5_000, 20_000, 50_000, 50_001, 80_000, 999, 1_000, 150_001])
SEEN: dict[str, int] = defaultdict(int)  # outcomes over the whole run, so the test proves it explored


class Wallets(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.savepoint = transaction.savepoint()
        self.time = contextlib.ExitStack()
        self.seeded: dict[int, int] = defaultdict(int)

    def teardown(self):
        for status in Withdrawal.objects.values_list("status", flat=True):
            SEEN[status] += 1
        self.time.close()
        transaction.savepoint_rollback(self.savepoint)

    def _do(self, fn, **kwargs):
        """One use case as a request runs it: its own atomic block; a domain error is a refusal."""
        try:
            with transaction.atomic():
                return fn(**kwargs)
        except DomainError as exc:
            SEEN[exc.code] += 1
            return None

    def _pick(self, data, statuses=None):
        qs = Withdrawal.objects.order_by("id")
        if statuses:
            qs = qs.filter(status__in=statuses)
        ids = list(qs.values_list("pk", flat=True))
        return data.draw(st.sampled_from(ids)) if ids else None

    @initialize(start=st.lists(st.sampled_from([100_000, 300_000, 0, 30_000]), min_size=3, max_size=3))
    def configure(self, start):
        services.settings_update(daily_limit=DAILY_LIMIT, min_amount=1_000, approval_threshold=50_000)
        for user, amount in zip(USERS, start, strict=True):
            if amount:
                seed_wallet(user, amount)
                self.seeded[user.pk] += amount

    # ---------------------------------------------------------------- rules
    @rule(who=st.integers(0, 2), amount=st.integers(1, 120_000))
    def seed(self, who, amount):
        user = USERS[who]
        seed_wallet(user, amount)
        self.seeded[user.pk] += amount

    @rule(who=st.integers(0, 2), amount=st.one_of(AMOUNTS, st.integers(-10, 200_000)),
          account=st.sampled_from([ALIPAY_OK, ALIPAY_OK, ALIPAY_FAILS, ALIPAY_PENDING, "123"]))
    def request(self, who, amount, account):
        self._do(services.withdrawal_request, user=USERS[who], amount=amount, account_type="alipay",
                 account_number=account, account_name="张三")

    @rule(data=st.data())
    def approve(self, data):
        withdrawal_id = self._pick(data)
        if withdrawal_id:
            self._do(services.withdrawal_approve, withdrawal_id=withdrawal_id, note="ok")

    @rule(data=st.data())
    def reject(self, data):
        withdrawal_id = self._pick(data)
        if withdrawal_id:
            self._do(services.withdrawal_reject, withdrawal_id=withdrawal_id, note="no")

    @rule(data=st.data())
    def pay(self, data):
        withdrawal_id = self._pick(data, [WithdrawalStatus.APPROVED, WithdrawalStatus.REQUESTED])
        if withdrawal_id:
            self._do(services.withdrawal_pay, withdrawal_id=withdrawal_id)

    @rule(minutes=st.sampled_from([1, 2, 60, 60 * 20]))
    def time_passes_and_the_sweep_runs(self, minutes):
        self.time.enter_context(clock.travel(dt.timedelta(minutes=minutes)))
        from quanzi.wallet.tasks import wallet_payouts

        with transaction.atomic():
            wallet_payouts()

    @rule(fee_bps=st.sampled_from([0, 50, 100, 10_000]), fee_min=st.sampled_from([0, 200, 5_000]),
          threshold=st.sampled_from([0, 50_000, 10**9]))
    def operator_changes_settings(self, fee_bps, fee_min, threshold):
        services.settings_update(fee_bps=fee_bps, fee_min=fee_min, approval_threshold=threshold)

    # ---------------------------------------------------------------- invariants
    @invariant()
    def ledger_balances(self):
        assert unbalanced_transactions() == []

    @invariant()
    def balances_are_never_negative_and_money_is_conserved(self):
        for user in USERS:
            b = selectors.balances(user_id=user.pk)
            assert min(b.values()) >= 0, b
            assert b["available"] + b["withdrawing"] + b["withdrawn"] == self.seeded[user.pk], b
            open_sum = Withdrawal.objects.filter(user=user, status__in=OPEN).aggregate(s=Sum("amount"))["s"] or 0
            assert b["withdrawing"] == open_sum

    @invariant()
    def money_out_is_exactly_the_paid_withdrawals(self):
        paid = Withdrawal.objects.filter(status=WithdrawalStatus.PAID).aggregate(net=Sum("net"), fee=Sum("fee"))
        assert balance(code=acct.PAYOUT_CASH) == -(paid["net"] or 0)
        assert balance(code=acct.WITHDRAWAL_FEE_REVENUE) == -(paid["fee"] or 0)

    @invariant()
    def daily_limit_holds(self):
        per_day: dict[tuple, int] = defaultdict(int)
        for w in Withdrawal.objects.filter(status__in=COUNTS_TOWARDS_LIMIT):
            per_day[(w.user_id, services.day_start(w.created_at))] += w.amount
        assert all(total <= DAILY_LIMIT for total in per_day.values()), per_day

    @invariant()
    def transitions_follow_the_table(self):
        for w in Withdrawal.objects.prefetch_related("events"):
            path = [(e.from_status, e.to_status) for e in w.events.all()]
            assert path[0] == ("", WithdrawalStatus.REQUESTED)
            for (_prev, cur), (frm, nxt) in zip(path, path[1:], strict=False):
                assert frm == cur and nxt in WITHDRAWAL_TRANSITIONS[cur], path
            assert path[-1][1] == w.status


def test_wallet_state_machine(make_user):
    USERS[:] = [make_user() for _ in range(3)]
    try:
        run_state_machine_as_test(Wallets, settings=settings(
            # 90: the derandomized examples follow the machine's source and the services' answers; with 30,
            # and later with 60 (after the input rules changed which requests fail validation), some versions
            # missed "failed" or "rejected". 90 reaches both.
            max_examples=90, stateful_step_count=40, deadline=None, derandomize=True,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
    finally:
        USERS.clear()
    explored = {"paid", "failed", "rejected", "requested", "approved", "insufficient_balance",
                "withdrawal_below_minimum", "invalid_payout_account", "invalid_withdrawal_state"}
    assert explored <= set(SEEN), str(dict(SEEN))
