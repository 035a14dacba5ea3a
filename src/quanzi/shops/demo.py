"""Demo data of shops: what `seed_demo` sets the way the operator does it in the admin."""

from __future__ import annotations

from quanzi.shops.models import Shop


def shop_set_take_rate(*, shop: Shop, take_rate_bps: int | None) -> Shop:
    """The operator's per-shop take-rate override (set in the admin, which has no service for it)."""
    Shop.objects.filter(pk=shop.pk).update(take_rate_bps=take_rate_bps)
    shop.take_rate_bps = take_rate_bps
    return shop
