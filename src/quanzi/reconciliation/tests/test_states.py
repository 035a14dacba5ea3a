"""The run and mismatch state tables: every status is in them, and a resolved mismatch stays resolved."""

import pytest

from quanzi.core.errors import InvalidTransition
from quanzi.core.states import state_machines
from quanzi.reconciliation.constants import MismatchStatus as M
from quanzi.reconciliation.constants import RunStatus as R
from quanzi.reconciliation.states import MISMATCH, RUN


def test_every_status_is_in_its_table_and_the_tables_are_registered():
    assert set(RUN.states) == set(R.values) and state_machines.get("reconciliation_run") is RUN
    assert set(MISMATCH.states) == set(M.values) and state_machines.get("reconciliation_mismatch") is MISMATCH
    assert MISMATCH.final_states == {M.RESOLVED} and RUN.final_states == set()


def test_a_resolved_mismatch_cannot_be_resolved_again():
    with pytest.raises(InvalidTransition) as exc:
        MISMATCH.check(M.RESOLVED, M.RESOLVED)
    assert exc.value.code == "invalid_mismatch_state" and exc.value.status == 409
