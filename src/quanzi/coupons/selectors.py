"""Reads of coupons: the coupon centre, a shop's or product's coupons to claim, the shopper's coupons, the
merchant's and platform's templates with what they brought, and the checkout's coupon list."""

from __future__ import annotations

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When

from quanzi.core import clock
from quanzi.coupons.constants import Channel, CouponStatus, Issuer, Scope, TemplateStatus
from quanzi.coupons.models import Coupon, CouponTemplate

CENTRE_PAGE = 40
MINE_LIMIT = 100


def _claimable() -> QuerySet[CouponTemplate]:
    now = clock.now()
    return (CouponTemplate.objects.select_related("shop", "share_reward")
            .filter(status=TemplateStatus.LIVE, channel=Channel.PUBLIC, starts_at__lte=now, ends_at__gt=now))


def claimable_templates(*, issuer: str | None = None, shop_id: int | None = None, product=None,
                        limit: int = CENTRE_PAGE) -> list[CouponTemplate]:
    """Coupons a shopper can claim now — those with units left first, then the ones that end soonest: the
    coupon centre (all), a shop page (the shop's own and the platform's that cover the shop), a product page
    (the ones covering the product). One query; scopes kept in JSON are checked on the fetched rows."""
    qs = _claimable()
    if issuer:
        qs = qs.filter(issuer=issuer)
    if product is not None:
        shop_id = product.shop_id
    if shop_id is not None:
        qs = qs.filter(Q(shop_id=shop_id) | Q(issuer=Issuer.PLATFORM))
        if product is None:
            qs = qs.filter(scope__in=[Scope.ALL, Scope.SHOPS])
    qs = qs.annotate(sold_out=Case(When(issued_count__gte=F("total_count"), then=Value(1)), default=Value(0),
                                   output_field=IntegerField()))
    narrowed = shop_id is not None
    rows = list(qs.order_by("sold_out", "ends_at", "-id")[: limit * 3 if narrowed else limit])
    if product is not None:
        rows = [t for t in rows if covers_product(t, product)]
    elif shop_id is not None:
        rows = [t for t in rows if t.scope != Scope.SHOPS or shop_id in set(t.scope_ids or ())]
    return rows[:limit]


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
        qs = qs.filter(status__in=[CouponStatus.USED, CouponStatus.HELD]).order_by(
            F("used_at").desc(nulls_first=True), "-id")  # held (not used yet) first, on every database
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


def template_stats(template: CouponTemplate, *, held: int | None = None) -> dict:
    """Issued, used, held by unpaid orders, what it cost (discounts on paid orders) and the GMV it came with."""
    if held is None:
        held = Coupon.objects.filter(template=template, status=CouponStatus.HELD).count()
    return {"issued": template.issued_count, "left": template.left, "used": template.used_count, "held": held,
            "cost": template.used_amount, "gmv": template.gmv,
            "use_rate_bps": template.used_count * 10000 // template.issued_count if template.issued_count else 0}


def templates_with_stats(templates: list[CouponTemplate]) -> list[tuple[CouponTemplate, dict]]:
    """`template_stats` for a page of templates in one query (the console's and the operator's lists)."""
    held = dict(Coupon.objects.filter(template__in=templates, status=CouponStatus.HELD).values("template_id")
                .annotate(n=Count("id")).values_list("template_id", "n"))
    return [(t, template_stats(t, held=held.get(t.pk, 0))) for t in templates]


# ---------------------------------------------------------------- share-a-coupon

def share_by_code(*, code: str):
    from quanzi.coupons.models import CouponShare

    return (CouponShare.objects.select_related("template", "template__shop", "template__share_reward", "sharer")
            .filter(code=str(code or "")[:12]).first())


def shares_of_user(*, user) -> list:
    """The shopper's shared links with what they brought: friends who claimed, rewards waiting and granted."""
    from quanzi.coupons.constants import ShareRewardStatus
    from quanzi.coupons.models import CouponShare

    return list(CouponShare.objects.select_related("template", "template__shop", "template__share_reward")
                .filter(sharer=user)
                .annotate(waiting=Count("rewards", filter=Q(rewards__status=ShareRewardStatus.WAITING)),
                          granted=Count("rewards", filter=Q(rewards__status=ShareRewardStatus.GRANTED)))
                .order_by("-id")[:MINE_LIMIT])


def reward_templates(*, issuer: str, shop=None) -> list[CouponTemplate]:
    """The issuer's live reward coupons, for the "reward for sharing" choice of the create form."""
    return list(CouponTemplate.objects.filter(issuer=issuer, shop=shop, channel=Channel.REWARD,
                                              status=TemplateStatus.LIVE).order_by("-id")[:50])
