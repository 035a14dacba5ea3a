"""The group-buy state tables: every status has a row, the tables are registered, refusals are 409s."""

import pytest
from django.utils import translation

from quanzi.core.errors import InvalidTransition
from quanzi.core.states import state_machines
from quanzi.groupbuy import states
from quanzi.groupbuy.constants import CampaignStatus, GroupStatus, MemberStatus


@pytest.mark.parametrize(("machine", "choices", "final"), [
    (states.CAMPAIGN, CampaignStatus, {"ended"}),
    (states.GROUP, GroupStatus, {"succeeded", "failed"}),
    (states.MEMBER, MemberStatus, {"refunded"}),
])
def test_every_status_is_in_its_table_and_the_table_is_registered(machine, choices, final):
    assert set(machine.states) == set(choices.values)
    assert state_machines.get(machine.name) is machine
    assert machine.final_states == final


def test_a_refused_move_keeps_its_code_and_names_the_statuses_people_see():
    with translation.override("en"), pytest.raises(InvalidTransition) as refused:
        states.CAMPAIGN.check("ended", "active")
    assert refused.value.code == "invalid_campaign_state" and refused.value.status == 409
    assert refused.value.message == "This cannot change from Ended to Active."
    assert refused.value.fields == {"status": "ended"}
    with pytest.raises(InvalidTransition) as refused:
        states.MEMBER.check("refunded", "paid")
    assert refused.value.code == "invalid_member_state"
