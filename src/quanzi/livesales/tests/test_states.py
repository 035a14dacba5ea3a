import pytest
from django.utils import translation

from quanzi.core.errors import InvalidTransition
from quanzi.livesales import states


@pytest.mark.parametrize(("machine", "current", "target"), [
    (states.LIVE_PRICE, "ended", "active"),
    (states.HOST_COMMISSION, "available", "pending"),
    (states.HOST_COMMISSION, "reversed", "available"),
    (states.TOPUP, "paid", "created"),
    (states.TOPUP, "paid", "paid"),
])
def test_illegal_moves_are_refused(machine, current, target):
    with pytest.raises(InvalidTransition) as refused:
        machine.check(current, target)
    assert refused.value.code == "invalid_state" and refused.value.fields == {"status": current}


def test_legal_moves_pass():
    states.LIVE_PRICE.check("active", "ended")
    states.HOST_COMMISSION.check("pending", "available")
    states.HOST_COMMISSION.check("available", "reversed")
    states.TOPUP.check("created", "paid")


def test_the_refusal_reads_in_the_page_language_with_the_statuses_shown_to_people():
    with translation.override("en"), pytest.raises(InvalidTransition) as refused:
        states.LIVE_PRICE.check("ended", "active")
    assert refused.value.message == "A live price cannot go from Ended to On now."
    with translation.override("zh-hans"), pytest.raises(InvalidTransition) as refused:
        states.TOPUP.check("paid", "created")
    assert refused.value.message == "充值不能从“已到账”变为“待支付”。"
