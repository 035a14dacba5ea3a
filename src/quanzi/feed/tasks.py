"""Periodic work of the feed."""

from quanzi.core.sweeps import register_sweep

from . import selectors


@register_sweep("feed_discovery_pool")
def refresh_discovery_pool() -> int:
    """Re-rank the shared discovery pool so readers never pay for the ranking."""
    return len(selectors.discovery_pool(refresh=True))
