import pytest

from quanzi.core.errors import InvalidTransition
from quanzi.livesales import states


@pytest.mark.parametrize(("check", "current", "target"), [
    (states.check_live_price_transition, "ended", "active"),
    (states.check_host_commission_transition, "available", "pending"),
    (states.check_host_commission_transition, "reversed", "available"),
    (states.check_topup_transition, "paid", "created"),
    (states.check_topup_transition, "paid", "paid"),
])
def test_illegal_moves_are_refused(check, current, target):
    with pytest.raises(InvalidTransition):
        check(current, target)


def test_legal_moves_pass():
    states.check_live_price_transition("active", "ended")
    states.check_host_commission_transition("pending", "available")
    states.check_host_commission_transition("available", "reversed")
    states.check_topup_transition("created", "paid")
