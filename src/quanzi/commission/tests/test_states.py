"""The commission state table: every status has a row, and the operator's decisions follow it."""

import pytest

from quanzi.commission.constants import CommissionStatus as S
from quanzi.commission.states import COMMISSION
from quanzi.core.states import state_machines


def test_every_commission_status_is_in_the_table_and_the_table_is_registered():
    assert set(COMMISSION.states) == set(S.values)
    assert state_machines.get("commission") is COMMISSION
    assert COMMISSION.final_states == {S.REVERSED, S.VOIDED}


@pytest.mark.parametrize(("current", "target", "allowed"), [
    (S.HELD, S.PENDING, True),        # the operator releases a held commission
    (S.PENDING, S.PENDING, False),    # … but there is nothing to release on a pending one
    (S.PENDING, S.VOIDED, True),
    (S.HELD, S.VOIDED, True),
    (S.AVAILABLE, S.VOIDED, False),   # withdrawable money is never voided, only reversed by a refund
    (S.AVAILABLE, S.REVERSED, True),
    (S.VOIDED, S.AVAILABLE, False),
])
def test_the_operator_decisions_follow_the_table(current, target, allowed):
    assert COMMISSION.can(current, target) is allowed
