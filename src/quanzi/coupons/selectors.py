"""Reads of coupons: the coupon centre, a shop's or product's coupons to claim, the shopper's coupons, the
merchant's and platform's templates with what they brought, and the checkout's coupon list."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from quanzi.core import clock
from quanzi.coupons.constants import Channel, CouponStatus, Issuer, Scope, TemplateStatus
from quanzi.coupons.models import Coupon, CouponTemplate

CENTRE_PAGE = 40
MINE_LIMIT = 100


def _claimable() -> QuerySet[CouponTemplate]:
    now = clock.now()
    return (CouponTemplate.objects.select_related("shop")
            .filter(status=TemplateStatus.LIVE, channel=Channel.PUBLIC, starts_at__lte=now, ends_at__gt=now))


def claimable_templates(*, issuer: str | None = None, shop_id: int | None = None, product=None,
                        limit: int = CENTRE_PAGE) -> list[CouponTemplate]:
    """Coupons a shopper can claim now, units left first, then the ones that end soonest: the coupon centre
    (all), a shop page (the shop's own and platform coupons for it), a product page (those covering it)."""
    qs = _claimable()
    if issuer:
        qs = qs.filter(issuer=issuer)
    if shop_id is not None:
        qs = qs.filter(Q(shop_id=shop_id) | Q(issuer=Issuer.PLATFORM, scope=Scope.ALL))
    rows = list(qs.order_by("ends_at", "-id")[: limit * 3 if product is not None else limit])
    if product is not None:
        rows = [t for t in rows if covers_product(t, product)][:limit]
    return sorted(rows, key=lambda t: t.issued_count >= t.total_count)


def covers_product(template: CouponTemplate, product) -> bool:
    ids = set(template.scope_ids or ())
    if template.issuer == Issuer.SHOP and template.shop_id != product.shop_id:
        return False
    return {Scope.ALL: True, Scope.SHOPS: product.shop_id in ids, Scope.CATEGORIES: product.category_id in ids,
            Scope.PRODUCTS: product.pk in ids}.get(template.scope, False)


def claimed_counts(*, user, template_ids) -> dict[int, int]:
    """How many of each template the shopper holds (any state): the “Claimed” mark on the claim buttons."""
    if not getattr(user, "is_authenticated", False):
        return {}
    out: dict[int, int] = {}
    for template_id in Coupon.objects.filter(user=user, template_id__in=list(template_ids)).values_list(
            "template_id", flat=True):
        out[template_id] = out.get(template_id, 0) + 1
    return out


def usable_coupons(*, user, now=None) -> list[Coupon]:
    """The shopper's coupons that checkout may use now (available, in their validity), with their terms."""
    now = now or clock.now()
    return list(Coupon.objects.select_related("template", "template__shop")
                .filter(user=user, status=CouponStatus.AVAILABLE, valid_until__gt=now)
                .order_by("valid_until", "id")[:MINE_LIMIT])


def coupons_of_user(*, user, ids) -> dict[int, Coupon]:
    return {c.pk: c for c in Coupon.objects.select_related("template").filter(user=user, pk__in=list(ids))}


def my_coupons(*, user, tab: str = "available") -> list[Coupon]:
    """The “My coupons” tabs: available (incl. not yet started), used (incl. held by an unpaid order), expired."""
    now = clock.now()
    qs = Coupon.objects.select_related("template", "template__shop").filter(user=user)
    if tab == "used":
        qs = qs.filter(status__in=[CouponStatus.USED, CouponStatus.HELD]).order_by("-used_at", "-id")
    elif tab == "expired":
        qs = qs.filter(status=CouponStatus.AVAILABLE, valid_until__lte=now).order_by("-valid_until")
    else:
        qs = qs.filter(status=CouponStatus.AVAILABLE, valid_until__gt=now).order_by("valid_until", "id")
    return list(qs[:MINE_LIMIT])


def my_coupon_count(*, user) -> int:
    return Coupon.objects.filter(user=user, status=CouponStatus.AVAILABLE, valid_until__gt=clock.now()).count()


def templates_of_shop(*, shop) -> list[CouponTemplate]:
    return list(CouponTemplate.objects.filter(shop=shop).order_by("-id")[:200])


def template_of_shop(*, shop, template_id: int) -> CouponTemplate | None:
    return CouponTemplate.objects.filter(shop=shop, pk=template_id).first()


def platform_templates() -> list[CouponTemplate]:
    return list(CouponTemplate.objects.filter(issuer=Issuer.PLATFORM).order_by("-id")[:200])


def template_stats(template: CouponTemplate) -> dict:
    """Issued, used, held by unpaid orders, what it cost (discounts on paid orders) and the GMV it came with."""
    held = Coupon.objects.filter(template=template, status=CouponStatus.HELD).count()
    return {"issued": template.issued_count, "left": template.left, "used": template.used_count, "held": held,
            "cost": template.used_amount, "gmv": template.gmv,
            "use_rate_bps": template.used_count * 10000 // template.issued_count if template.issued_count else 0}
