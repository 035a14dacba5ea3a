"""Sweeps of the commission app (registered when apps.py imports handlers)."""

from quanzi.commission.services import tiers_evaluate
from quanzi.core.sweeps import sweeps


@sweeps.register(key="commission_tiers")
def evaluate_tiers() -> int:
    """Runs with every sweep round; acts at most once a day (tiers_evaluate keeps its own marker)."""
    return tiers_evaluate()
