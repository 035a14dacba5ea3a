"""The money rules and the claim state machine, without a database (hypothesis)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from quanzi.core.errors import InvalidTransition
from quanzi.guarantees import rules
from quanzi.guarantees.constants import MIN_DEPOSIT, SHIP_COMPENSATION, ClaimStatus
from quanzi.guarantees.states import CLAIM

fen = st.integers(min_value=0, max_value=10**12)


@given(paid=fen, refunded=fen)
def test_a_counterfeit_pays_ten_times_what_was_paid_never_more_than_the_deposit(paid, refunded):
    cap = rules.claim_cap(kind="counterfeit", line_paid=paid, refunded=refunded)
    assert cap == min(10 * max(0, paid - refunded), MIN_DEPOSIT["counterfeit"])
    assert 0 <= cap <= MIN_DEPOSIT["counterfeit"]


@given(paid=fen, refunded=fen)
def test_a_refused_return_pays_back_what_is_not_refunded_yet(paid, refunded):
    assert rules.claim_cap(kind="returns_7day", line_paid=paid, refunded=refunded) == max(0, paid - refunded)


def test_a_late_parcel_pays_the_fixed_compensation_unless_refunded_in_full():
    assert rules.claim_cap(kind="ship_on_time", line_paid=6800) == SHIP_COMPENSATION
    assert rules.claim_cap(kind="ship_on_time", line_paid=6800, refunded=6800) == 0


@given(amount=fen, held=st.integers(min_value=-10**12, max_value=10**12))
def test_the_deposit_pays_first_and_the_fund_the_rest_and_they_add_up(amount, held):
    from_deposit, from_fund = rules.split_payout(amount=amount, deposit_balance=held)
    assert from_deposit + from_fund == amount
    assert 0 <= from_deposit <= max(held, 0) and from_fund >= 0
    assert from_fund == 0 or from_deposit == max(held, 0)  # the fund only pays what the deposit cannot


@given(st.lists(st.sampled_from(ClaimStatus.values), max_size=12))
def test_any_walk_through_the_claim_machine_pays_only_after_an_answer_or_lapse_and_an_upheld_decision(targets):
    state, path = ClaimStatus.FILED, [ClaimStatus.FILED]
    for target in targets:
        try:
            CLAIM.check(state, target)
        except InvalidTransition as exc:
            assert exc.status == 409 and exc.code == "invalid_claim_state"
            continue
        state = target
        path.append(state)
    if ClaimStatus.PAID in path:
        assert path[-2:] == [ClaimStatus.UPHELD, ClaimStatus.PAID]
        assert path[1] in (ClaimStatus.ACCEPTED, ClaimStatus.CONTESTED, ClaimStatus.LAPSED)
    assert len(path) <= 4  # filed → answer → decision → paid, and nothing leaves a final state
    assert CLAIM.final_states == {ClaimStatus.PAID, ClaimStatus.REJECTED}
