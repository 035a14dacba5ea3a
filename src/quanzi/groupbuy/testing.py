"""Test helpers of group buying: read-outs for other apps' tests, the demo's tests and bench/ (never
imported by application code)."""

from __future__ import annotations

from quanzi.groupbuy.models import Group, GroupCampaign, GroupMember

# ---- public interface used by demo, bench/ and the project's tests

def campaigns(*, fill_seconds: int | None = None) -> list[GroupCampaign]:
    """Campaigns in id order (with this fill window when given)."""
    qs = GroupCampaign.objects.order_by("pk")
    return list(qs.filter(fill_seconds=fill_seconds) if fill_seconds is not None else qs)


def campaign_get(*, campaign_id: int) -> GroupCampaign:
    return GroupCampaign.objects.get(pk=campaign_id)


def groups(*, campaign=None, status: str | None = None, leader=None) -> list[Group]:
    """Groups in id order, narrowed by campaign, status or leader."""
    qs = Group.objects.order_by("pk")
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    if status is not None:
        qs = qs.filter(status=status)
    if leader is not None:
        qs = qs.filter(leader=leader)
    return list(qs)


def members(*, campaign, status: str | None = None) -> list[GroupMember]:
    """Members of every group of the campaign, in id order (of one status when given)."""
    qs = GroupMember.objects.filter(group__campaign=campaign).order_by("pk")
    return list(qs.filter(status=status) if status is not None else qs)
