"""The flash-sale state tables: every status has a row, the tables are registered, refusals are 409s."""

import pytest

from quanzi.core.errors import InvalidTransition
from quanzi.core.states import state_machines
from quanzi.flashsale import states
from quanzi.flashsale.constants import ReservationStatus, SaleStatus


def test_every_status_is_in_its_table_and_the_tables_are_registered():
    assert set(states.SALE.states) == set(SaleStatus.values)
    assert set(states.RESERVATION.states) == set(ReservationStatus.values)
    for machine in (states.SALE, states.RESERVATION):
        assert state_machines.get(machine.name) is machine
    assert states.RESERVATION.final_states == {"paid", "expired", "released"}
    assert states.RETURNS_UNITS <= states.RESERVATION.final_states


def test_a_paid_reservation_never_gives_its_units_back():
    with pytest.raises(InvalidTransition) as refused:
        states.RESERVATION.check("paid", "expired")
    assert refused.value.code == "invalid_reservation_state"
    with pytest.raises(InvalidTransition) as refused:
        states.SALE.check("ended", "published")
    assert refused.value.code == "invalid_sale_state"
