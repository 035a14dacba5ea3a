"""The withdrawal state table and its error: the status in the message, 409 invalid_withdrawal_state."""

import pytest

from quanzi.core.errors import InvalidTransition
from quanzi.core.states import state_machines
from quanzi.wallet.constants import WithdrawalStatus as S
from quanzi.wallet.states import WITHDRAWAL, check_transition


def test_every_withdrawal_status_is_in_the_table_and_the_table_is_registered():
    assert set(WITHDRAWAL.states) == set(S.values)
    assert state_machines.get("withdrawal") is WITHDRAWAL
    assert WITHDRAWAL.final_states == {S.PAID, S.FAILED, S.REJECTED}


def test_an_illegal_move_names_the_status_and_is_a_409():
    with pytest.raises(InvalidTransition) as exc:
        check_transition(S.PAID, S.REJECTED)
    assert exc.value.code == "invalid_withdrawal_state" and exc.value.status == 409
    assert "Paid" in exc.value.message and exc.value.fields == {"status": "paid"}
