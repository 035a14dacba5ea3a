"""The payout table (core.states) covers every status and refuses a second decision."""

import pytest
from django.utils import translation

from quanzi.core.errors import InvalidTransition
from quanzi.settlement.constants import PayoutStatus
from quanzi.settlement.states import PAYOUT


def test_every_status_has_a_row_and_decided_payouts_are_final():
    assert set(PAYOUT.states) == set(PayoutStatus.values)
    assert PAYOUT.final_states == {PayoutStatus.PAID, PayoutStatus.REJECTED}


def test_a_second_decision_is_refused_with_the_same_code_and_message():
    with translation.override("en"), pytest.raises(InvalidTransition) as refused:
        PAYOUT.check(PayoutStatus.PAID, PayoutStatus.REJECTED)
    assert (refused.value.code, refused.value.message) == ("invalid_payout_state", "This payout was already decided.")
