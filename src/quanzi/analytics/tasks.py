"""Analytics' sweep: the rollup job (core.sweeps; run every minute by the scheduler)."""

from __future__ import annotations

from quanzi.analytics.rollups import rollup_dirty_days
from quanzi.core.sweeps import sweeps


@sweeps.register(key="analytics_rollup")
def analytics_rollup() -> int:
    """Recompute the days that received events since the last run."""
    return rollup_dirty_days()
