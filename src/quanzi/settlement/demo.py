"""Demo data of settlement: the platform's default take rate (the operator sets it in the admin)."""

from __future__ import annotations

from quanzi.settlement.models import TakeRatePolicy


def take_rate_policy_ensure(*, default_bps: int) -> None:
    """Set the platform's default take rate unless the operator already has."""
    if not TakeRatePolicy.objects.exists():
        TakeRatePolicy.objects.create(default_bps=default_bps)
