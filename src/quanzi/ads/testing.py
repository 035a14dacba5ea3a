"""Test helpers of sponsored listings, for tests outside the app (tests/e2e, bench/), which may not read
its models directly (quanzi.core.boundaries)."""

from __future__ import annotations

from quanzi.ads.models import AdCampaign, AdClick


def campaigns(*, shop_id: int | None = None) -> list[AdCampaign]:
    qs = AdCampaign.objects.order_by("pk")
    return list(qs.filter(shop_id=shop_id) if shop_id is not None else qs)


def clicks(*, campaign_id: int | None = None) -> list[AdClick]:
    qs = AdClick.objects.order_by("pk")
    return list(qs.filter(campaign_id=campaign_id) if campaign_id is not None else qs)


def impressions_make(*, campaign_id: int, count: int, price: int, device_prefix: str = "bench") -> list[int]:
    """`count` impressions of the campaign's first ad at `price`, one per device `<prefix><i>`, in one INSERT
    (bench/ads.py: clicks need impressions, and serving each one would measure serving, not billing).
    Returns their ids in device order."""
    from quanzi.ads.models import AdImpression, AdProduct
    from quanzi.core import clock

    ad = AdProduct.objects.filter(campaign_id=campaign_id).order_by("pk").first()
    rows = AdImpression.objects.bulk_create([
        AdImpression(campaign_id=campaign_id, ad=ad, placement="search", query="bench", device=f"{device_prefix}{i}",
                     price=price, created_at=clock.now()) for i in range(count)])
    return [r.pk for r in rows]
