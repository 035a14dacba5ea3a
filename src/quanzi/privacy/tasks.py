"""Sweeps of the privacy app (registered on import from apps.ready())."""

from quanzi.core.sweeps import sweeps
from quanzi.privacy import services


@sweeps.register(key="privacy_exports")
def privacy_exports() -> int:
    """Build exports whose build did not run when requested, and forget documents past their download window
    (QUANZI privacy EXPORT_TTL_DAYS, 7 days)."""
    return services.exports_build_pending() + services.exports_expire()


@sweeps.register(key="privacy_deletions")
def privacy_deletions() -> int:
    """Re-check account deletions waiting on money or open orders (hourly each); complete those now free."""
    return services.deletions_recheck()
