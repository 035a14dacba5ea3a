"""The daily reconciliation job (a sweep: docs/reconciliation.md)."""

from __future__ import annotations

from quanzi.core.sweeps import sweeps
from quanzi.reconciliation.services import reconcile_due


@sweeps.register(key="reconciliation")
def reconcile_yesterday() -> int:
    """From QUANZI_RECONCILE_HOUR (10:00 Asia/Shanghai), compare yesterday's bill of each payment provider
    with Quanzi's payments, refunds and ledger, once per provider and day; a provider that could not give
    its bill is asked again after a backoff (5 min doubling to 1 h, for 7 days).

    See docs/reconciliation.md."""
    return reconcile_due()
