"""Test helpers of shops. Never imported by application code; other apps' tests, the root conftest,
bench/ and tests/e2e create shops with these instead of the shops models."""

from __future__ import annotations

import itertools

from quanzi.shops.constants import ShopStatus
from quanzi.shops.models import Shop

_seq = itertools.count(50_001)  # far from the root conftest's own counter, so both can be used in one test


def make_shop(*, owner, name: str = "", approved: bool = True, status: str | None = None,
              take_rate_bps: int | None = None) -> Shop:
    """A shop of `owner`, approved unless told otherwise (`approved=False` leaves it under review;
    `status` sets any status), with a valid-looking licence number."""
    n = next(_seq)
    if status is None:
        status = ShopStatus.APPROVED if approved else ShopStatus.APPLIED
    return Shop.objects.create(owner=owner, name=name or f"Shop {n}", licence_number=f"91310000MA{n:08d}",
                               contact_name="Wang", contact_phone="13800000000", take_rate_bps=take_rate_bps,
                               status=status)


def shop_get(*, shop_id: int) -> Shop:
    """The shop, fresh from the database."""
    return Shop.objects.get(pk=shop_id)
