"""Read queries the group-buy pages and API share."""

from __future__ import annotations

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Min, Q, Sum

from quanzi.catalog.selectors import sellable_q, shop_skus
from quanzi.core import clock
from quanzi.groupbuy.models import (
    Group,
    GroupCampaign,
    GroupMember,
    GroupStatus,
    MemberStatus,
)


def group_detail(*, number: str) -> Group | None:
    return Group.objects.select_related("campaign__product", "campaign__shop", "leader") \
        .prefetch_related("members__user", "members__order").filter(number=str(number)[:12]).first()


def visible_members(*, group: Group) -> list[GroupMember]:
    return [m for m in group.members.all() if m.status in (MemberStatus.PENDING, MemberStatus.PAID)]


def open_groups_for_product(*, product_id: int, exclude_user=None, limit: int = 5) -> list[Group]:
    """Open groups of running campaigns with a free spot, the ones closest to filling first."""
    now = clock.now()
    qs = Group.objects.select_related("leader", "campaign").filter(
        GroupCampaign.running_q(now, prefix="campaign__"), campaign__product_id=product_id,
        status=GroupStatus.OPEN, deadline__gt=now, joined_count__lt=F("size"))
    if exclude_user is not None and getattr(exclude_user, "is_authenticated", False):
        qs = qs.exclude(members__user=exclude_user, members__status__in=[MemberStatus.PENDING, MemberStatus.PAID])
    return list(qs.annotate(left=F("size") - F("joined_count")).order_by("left", "deadline")[:limit])


def running_campaign_for_product(*, product_id: int) -> GroupCampaign | None:
    return GroupCampaign.objects.prefetch_related("skus__sku").filter(
        GroupCampaign.running_q(), product_id=product_id).first()


def campaign_for_shop(*, shop, campaign_id: int) -> GroupCampaign | None:
    return GroupCampaign.objects.prefetch_related("skus__sku").select_related("product") \
        .filter(shop=shop, pk=campaign_id).first()


def campaigns_for_shop(*, shop, limit: int = 100) -> list[GroupCampaign]:
    return list(GroupCampaign.objects.select_related("product").filter(shop=shop)
                .annotate(opened=Count("groups"),
                          succeeded=Count("groups", filter=Q(groups__status=GroupStatus.SUCCEEDED)))[:limit])


def campaign_stats(*, campaign: GroupCampaign) -> dict:
    """Groups opened, success rate (bps of closed groups), median-free average time to fill (s), GMV (fen)."""
    groups = Group.objects.filter(campaign=campaign)
    counts = groups.aggregate(opened=Count("pk"), succeeded=Count("pk", filter=Q(status=GroupStatus.SUCCEEDED)),
                              failed=Count("pk", filter=Q(status=GroupStatus.FAILED)),
                              open=Count("pk", filter=Q(status=GroupStatus.OPEN)))
    fill = groups.filter(status=GroupStatus.SUCCEEDED).aggregate(
        avg=Avg(ExpressionWrapper(F("succeeded_at") - F("created_at"), output_field=DurationField())))["avg"]
    gmv = GroupMember.objects.filter(group__campaign=campaign, group__status=GroupStatus.SUCCEEDED,
                                     status=MemberStatus.PAID).aggregate(s=Sum("amount"))["s"] or 0
    closed = counts["succeeded"] + counts["failed"]
    return {**counts, "success_rate_bps": counts["succeeded"] * 10_000 // closed if closed else 0,
            "avg_fill_seconds": int(fill.total_seconds()) if fill is not None else None, "gmv": gmv}


def product_id_for_campaign(*, campaign_id: int) -> int | None:
    return GroupCampaign.objects.filter(pk=campaign_id).values_list("product_id", flat=True).first()


def skus_for_shop(*, shop) -> list:
    """The merchant's active SKUs of products on the shelf, for the campaign form."""
    return shop_skus(shop_id=shop.pk, on_shelf_only=True)


def groups_for_campaign(*, campaign: GroupCampaign, limit: int = 50) -> list[Group]:
    return list(Group.objects.select_related("leader").filter(campaign=campaign)[:limit])


def group_of_order(*, order_id: int) -> Group | None:
    """The group an order holds a spot in (the order page's group panel), with its campaign and members."""
    member = (GroupMember.objects.filter(order_id=order_id)
              .select_related("group__campaign").only("group").first())
    return member.group if member else None


def running_campaigns(*, limit: int = 40) -> list[GroupCampaign]:
    """The group buys a shopper can open now (the /groupbuy/ page), newest first: one query, each with its
    product and lowest group price (`min_group_price`)."""
    return list(GroupCampaign.objects.filter(GroupCampaign.running_q(), sellable_q(prefix="product"))
                .select_related("product").annotate(min_group_price=Min("skus__group_price"))
                .order_by("-pk")[:limit])
