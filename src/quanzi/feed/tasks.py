"""Periodic work of the feed."""

from quanzi.core.sweeps import sweeps

from . import selectors


@sweeps.register(key="feed_discovery_pool")
def refresh_discovery_pool() -> int:
    """Re-rank the shared discovery pool so readers never pay for the ranking."""
    return len(selectors.discovery_pool(refresh=True))
