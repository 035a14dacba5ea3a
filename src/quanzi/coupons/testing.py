"""Test and demo helpers: a coupon template in one call with sensible defaults."""

from __future__ import annotations

import datetime as dt

from quanzi.core import clock


def make_template(*, shop=None, **overrides):
    """A live template: a shop's (`shop`) or the platform's; ¥10 off, 100 units, one per shopper, 30 days."""
    from quanzi.coupons.services import template_create

    data = {"name": "¥10 off", "kind": "fixed", "amount_off": 1000, "total_count": 100, "per_user_limit": 1,
            "starts_at": clock.now() - dt.timedelta(minutes=1), "ends_at": clock.now() + dt.timedelta(days=30)}
    data.update(overrides)
    return template_create(issuer="shop" if shop is not None else "platform", shop=shop, data=data)


def give(user, template, how: str = "centre"):
    """Claim one unit of `template` for `user` (through the real claim)."""
    from quanzi.coupons.services import coupon_claim

    return coupon_claim(user=user, template_id=template.pk, how=how, channel=template.channel)


def template_counts(*, template_id: int) -> dict:
    """What a template issued, as the template says and as the rows say (the claim bench's exactness check)."""
    from quanzi.coupons.models import Coupon, CouponTemplate

    template = CouponTemplate.objects.get(pk=template_id)
    rows = Coupon.objects.filter(template_id=template_id)
    return {"issued": template.issued_count, "total": template.total_count, "written": rows.count(),
            "holders": rows.values("user").distinct().count()}
