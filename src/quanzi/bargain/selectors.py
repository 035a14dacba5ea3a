"""Read queries the bargain pages and API share."""

from __future__ import annotations

from django.db.models import Count, Q, Sum

from quanzi.bargain.models import (
    ACTIVE_STATUSES,
    Bargain,
    BargainCampaign,
    BargainHelp,
    BargainStatus,
    CampaignStatus,
)
from quanzi.catalog.selectors import sellable_q, shop_skus
from quanzi.core import clock


def bargain_detail(*, number: str) -> Bargain | None:
    return Bargain.objects.select_related("campaign__product", "campaign__sku", "starter", "order") \
        .filter(number=str(number)[:12]).first()


def bargain_by_id(*, bargain_id: int) -> Bargain | None:
    """A bargain with its product and starter (the poster behind a share link names the bargain by id)."""
    return Bargain.objects.select_related("campaign__product", "starter").filter(pk=bargain_id).first()


def helps_for(*, bargain: Bargain, limit: int = 100) -> list[BargainHelp]:
    return list(BargainHelp.objects.select_related("helper").filter(bargain=bargain)
                .order_by("-created_at", "-pk")[:limit])


def has_helped(*, bargain: Bargain, user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return BargainHelp.objects.filter(bargain=bargain, helper=user).exists()


def seconds_left(*, bargain: Bargain) -> int:
    if bargain.status not in ACTIVE_STATUSES:
        return 0
    return max(0, int((bargain.expires_at - clock.now()).total_seconds()))


def running_campaign_for_product(*, product_id: int) -> BargainCampaign | None:
    """One query: the running campaign of a product, if any (the product page's block)."""
    return BargainCampaign.objects.filter(BargainCampaign.running_q(), product_id=product_id) \
        .order_by("floor_price", "pk").first()


def campaign_public(*, campaign_id: int) -> BargainCampaign | None:
    return BargainCampaign.objects.select_related("product", "sku").filter(
        pk=campaign_id, status__in=[CampaignStatus.ACTIVE, CampaignStatus.ENDED]).first()


def active_bargain_of(*, user, campaign: BargainCampaign) -> Bargain | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Bargain.objects.filter(campaign=campaign, starter=user, status__in=ACTIVE_STATUSES).first()


def bargains_for_user(*, user, limit: int = 50) -> list[Bargain]:
    return list(Bargain.objects.select_related("campaign__product", "order").filter(starter=user)[:limit])


def campaign_for_shop(*, shop, campaign_id: int) -> BargainCampaign | None:
    return BargainCampaign.objects.select_related("product", "sku").filter(shop=shop, pk=campaign_id).first()


def _with_counts(qs):
    return qs.annotate(started=Count("bargains", distinct=True),
                       bought=Count("bargains", filter=Q(bargains__status=BargainStatus.BOUGHT), distinct=True))


def campaigns_for_shop(*, shop, limit: int = 100) -> list[BargainCampaign]:
    return list(_with_counts(BargainCampaign.objects.select_related("product", "sku").filter(shop=shop))[:limit])


def campaign_stats(*, campaign: BargainCampaign) -> dict:
    """Bargains started / at the floor / bought / expired, helps given, conversion (bps of started
    that were bought), and the total cut given away on bought bargains (fen)."""
    counts = Bargain.objects.filter(campaign=campaign).aggregate(
        started=Count("pk"), bought=Count("pk", filter=Q(status=BargainStatus.BOUGHT)),
        floor_reached=Count("pk", filter=Q(status=BargainStatus.FLOOR_REACHED)),
        open=Count("pk", filter=Q(status=BargainStatus.OPEN)),
        expired=Count("pk", filter=Q(status=BargainStatus.EXPIRED)),
        helps=Sum("helps_count"),
        discount=Sum("cut_total", filter=Q(status=BargainStatus.BOUGHT)))
    counts["helps"] = counts["helps"] or 0
    counts["discount"] = counts["discount"] or 0
    counts["conversion_bps"] = counts["bought"] * 10_000 // counts["started"] if counts["started"] else 0
    return counts


def skus_for_shop(*, shop) -> list:
    """The merchant's active SKUs of products on the shelf, for the campaign form."""
    return shop_skus(shop_id=shop.pk, on_shelf_only=True)


def bargains_for_campaign(*, campaign: BargainCampaign, limit: int = 50) -> list[Bargain]:
    return list(Bargain.objects.select_related("starter").filter(campaign=campaign)[:limit])


def running_campaigns(*, limit: int = 40) -> list[BargainCampaign]:
    """The bargains a shopper can start now (the /bargain/ page), lowest floor first, with their product."""
    return list(BargainCampaign.objects.filter(BargainCampaign.running_q(), sellable_q(prefix="product"))
                .select_related("product").order_by("floor_price", "pk")[:limit])
