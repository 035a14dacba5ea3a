"""Periodic work: claims whose merchant did not answer by the deadline go to the operator."""

from __future__ import annotations

from quanzi.core.sweeps import sweeps
from quanzi.guarantees.services import claim_lapse, claims_due_to_lapse


@sweeps.register(key="guarantees_lapse_claims")
def guarantees_lapse_claims() -> int:
    """Each due claim moves under its row lock, so concurrent sweeps (or an answer racing it) act once."""
    return sum(claim_lapse(claim_id=claim_id) for claim_id in claims_due_to_lapse())
