"""The order and after-sale tables (core.states) cover every status and refuse with the codes the
API has always answered."""

import pytest
from django.utils import translation

from quanzi.core.errors import InvalidTransition
from quanzi.core.states import state_machines
from quanzi.orders.constants import OPEN_AFTERSALE, AfterSaleStatus, OrderStatus
from quanzi.orders.states import AFTERSALE, ORDER


@pytest.mark.parametrize(("machine", "choices"), [(ORDER, OrderStatus), (AFTERSALE, AfterSaleStatus)])
def test_every_status_has_a_row_and_the_machine_is_registered(machine, choices):
    assert set(machine.states) == set(choices.values)
    assert state_machines.get(machine.name) is machine


def test_final_states_are_the_closed_ones():
    assert ORDER.final_states == {OrderStatus.CANCELLED, OrderStatus.CLOSED}
    assert AFTERSALE.final_states == {AfterSaleStatus.REFUNDED, AfterSaleStatus.CLOSED, AfterSaleStatus.CANCELLED}
    assert not OPEN_AFTERSALE & AFTERSALE.final_states


def test_a_refused_move_answers_the_same_code_and_message_as_before():
    with translation.override("en"), pytest.raises(InvalidTransition) as refused:
        ORDER.check(OrderStatus.CANCELLED, OrderStatus.PAID)
    assert (refused.value.code, refused.value.status) == ("invalid_order_state", 409)
    assert refused.value.message == "This order is cancelled and cannot become paid."
    assert refused.value.fields == {"status": "cancelled"}
    with translation.override("en"), pytest.raises(InvalidTransition) as refused:
        AFTERSALE.check(AfterSaleStatus.REFUNDED, AfterSaleStatus.CLOSED)
    assert refused.value.code == "invalid_aftersale_state"
    assert refused.value.message == "This request is refunded and cannot become closed."
