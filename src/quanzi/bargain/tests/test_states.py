"""The bargain state tables: every status has a row, the tables are registered, refusals are 409s."""

import pytest

from quanzi.bargain import states
from quanzi.bargain.constants import BargainStatus, CampaignStatus
from quanzi.core.errors import InvalidTransition
from quanzi.core.states import state_machines


def test_every_status_is_in_its_table_and_the_tables_are_registered():
    assert set(states.CAMPAIGN.states) == set(CampaignStatus.values)
    assert set(states.BARGAIN.states) == set(BargainStatus.values)
    for machine in (states.CAMPAIGN, states.BARGAIN):
        assert state_machines.get(machine.name) is machine
    assert states.BARGAIN.final_states == {"expired"}


def test_a_bought_bargain_only_goes_back_when_its_order_is_cancelled_unpaid():
    assert states.BARGAIN.can("bought", "open") and states.BARGAIN.can("bought", "expired")
    with pytest.raises(InvalidTransition) as refused:
        states.BARGAIN.check("expired", "bought")
    assert refused.value.code == "invalid_bargain_state"
