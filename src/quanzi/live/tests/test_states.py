"""The live room state table: every status has a row; an illegal move is 409 invalid_room_state."""

import pytest

from quanzi.core.errors import InvalidTransition
from quanzi.core.states import state_machines
from quanzi.live.constants import RoomStatus as R
from quanzi.live.states import ROOM


def test_every_room_status_is_in_the_table_and_the_table_is_registered():
    assert set(ROOM.states) == set(R.values)
    assert state_machines.get("live_room") is ROOM
    assert ROOM.final_states == {R.ENDED}


def test_an_ended_room_never_goes_live_again():
    with pytest.raises(InvalidTransition) as exc:
        ROOM.check(R.ENDED, R.LIVE)
    assert exc.value.code == "invalid_room_state" and exc.value.status == 409
    assert exc.value.message == "This room cannot change from ended to live."
