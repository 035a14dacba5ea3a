"""Group buying (拼团) data: campaigns, their SKUs and prices, groups and members.

A `GroupCampaign` is a campaign (`catalog.campaigns`: window, status, per-user limit) whose units wait
in the catalog pool `group:<campaign id>` (`campaign.stock_pool`); every group order takes its units
from that pool. A `Group` counts its members in two denormalised columns kept under the group's row
lock (`joined_count`: members holding a spot, paid or not; `paid_count`). Statuses live in
`constants.py`.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from quanzi.catalog.campaigns import CampaignPool, CampaignWindow, status_field
from quanzi.groupbuy.constants import (
    MAX_GROUP_SIZE,
    MIN_GROUP_SIZE,
    POOL_KIND,
    CampaignStatus,
    GroupStatus,
    MemberStatus,
)

__all__ = ["MAX_GROUP_SIZE", "MIN_GROUP_SIZE", "CampaignSku", "CampaignStatus", "Group", "GroupCampaign",
           "GroupMember", "GroupStatus", "MemberStatus"]


def new_group_number() -> str:
    """12 random digits: not guessable, not a counter."""
    return f"{secrets.randbelow(9 * 10**11) + 10**11:012d}"


class GroupCampaign(CampaignWindow, CampaignPool):
    """A group buy of one product: window, status and per-user limit from the campaign base."""

    POOL_KIND = POOL_KIND

    shop = models.ForeignKey("shops.Shop", verbose_name=_("shop"), on_delete=models.PROTECT,
                             related_name="group_campaigns")
    product = models.ForeignKey("catalog.Product", verbose_name=_("product"), on_delete=models.PROTECT,
                                related_name="group_campaigns")
    title = models.CharField(_("title"), max_length=120, blank=True)
    group_size = models.PositiveSmallIntegerField(_("group size"))
    fill_seconds = models.PositiveIntegerField(_("time to fill (seconds)"), default=24 * 3600)
    leader_discount = models.BigIntegerField(_("leader discount per unit (fen)"), default=0)
    auto_complete_at_deadline = models.BooleanField(
        _("auto-complete at deadline"), default=False,
        help_text=_("Operator only: an unfilled group with at least two paid members succeeds at its deadline."))
    status = status_field(CampaignStatus, default=CampaignStatus.DRAFT)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("group-buy campaign")
        verbose_name_plural = _("group-buy campaigns")
        ordering = ["-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(group_size__gte=MIN_GROUP_SIZE) & Q(group_size__lte=MAX_GROUP_SIZE),
                                   name="groupbuy_size_range"),
            models.CheckConstraint(condition=Q(leader_discount__gte=0), name="groupbuy_leader_discount_non_negative"),
        ]

    def __str__(self) -> str:
        return self.title or f"#{self.pk}"


class CampaignSku(models.Model):
    campaign = models.ForeignKey(GroupCampaign, on_delete=models.CASCADE, related_name="skus")
    sku = models.ForeignKey("catalog.Sku", verbose_name=_("SKU"), on_delete=models.PROTECT, related_name="+")
    group_price = models.BigIntegerField(_("group price (fen)"))
    stock = models.PositiveIntegerField(_("stock set aside"))

    class Meta:
        verbose_name = _("campaign SKU")
        verbose_name_plural = _("campaign SKUs")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "sku"], name="groupbuy_uniq_campaign_sku"),
            models.CheckConstraint(condition=Q(group_price__gt=0), name="groupbuy_price_positive"),
        ]


class Group(models.Model):
    number = models.CharField(_("number"), max_length=12, unique=True, default=new_group_number)
    campaign = models.ForeignKey(GroupCampaign, verbose_name=_("campaign"), on_delete=models.PROTECT,
                                 related_name="groups")
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("leader"), on_delete=models.PROTECT,
                               related_name="+")
    size = models.PositiveSmallIntegerField(_("size"))
    deadline = models.DateTimeField(_("deadline"), db_index=True)
    status = models.CharField(_("status"), max_length=12, choices=GroupStatus.choices, default=GroupStatus.OPEN)
    joined_count = models.PositiveSmallIntegerField(_("members holding a spot"), default=0)
    paid_count = models.PositiveSmallIntegerField(_("paid members"), default=0)
    created_at = models.DateTimeField(_("created at"))
    succeeded_at = models.DateTimeField(_("succeeded at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["-pk"]
        indexes = [models.Index(fields=["status", "deadline"], name="groupbuy_group_due")]
        constraints = [
            models.CheckConstraint(condition=Q(joined_count__lte=models.F("size")), name="groupbuy_not_over_joined"),
            models.CheckConstraint(condition=Q(paid_count__lte=models.F("joined_count")), name="groupbuy_paid_le_joined"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def spots_left(self) -> int:
        return max(0, self.size - self.joined_count)


class GroupMember(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT,
                             related_name="+")
    order = models.ForeignKey("orders.Order", verbose_name=_("order"), on_delete=models.PROTECT,
                              null=True, blank=True, related_name="+")
    sku = models.ForeignKey("catalog.Sku", verbose_name=_("SKU"), on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1)
    is_leader = models.BooleanField(default=False)
    status = models.CharField(_("status"), max_length=12, choices=MemberStatus.choices,
                              default=MemberStatus.PENDING)
    paid = models.BooleanField(_("paid"), default=False)
    amount = models.BigIntegerField(_("order total (fen)"), default=0)
    joined_at = models.DateTimeField(_("joined at"))
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        ordering = ["joined_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="groupbuy_uniq_member")]
