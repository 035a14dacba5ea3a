"""Test helpers of bargains: read-outs for other apps' tests, the demo's tests and bench/ (never imported
by application code)."""

from __future__ import annotations

from quanzi.bargain.models import BargainCampaign

# ---- public interface used by demo, bench/ and the project's tests

def campaigns() -> list[BargainCampaign]:
    """Every bargain campaign, in id order."""
    return list(BargainCampaign.objects.order_by("pk"))
