"""Test helpers of guarantees, for tests outside the app (tests/e2e, bench/), which may not read its models
directly (quanzi.core.boundaries)."""

from __future__ import annotations

from quanzi.guarantees.models import Claim


def claims(*, shop_id: int | None = None) -> list[Claim]:
    qs = Claim.objects.order_by("pk")
    return list(qs.filter(shop_id=shop_id) if shop_id is not None else qs)
